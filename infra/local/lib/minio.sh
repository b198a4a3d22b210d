# shellcheck shell=bash
# MinIO server built from the Go module proxy (the upstream repository is archived:
# the version is pinned), single drive under $HRSS_STATE/minio/data.

MINIO_BIN="$HRSS_CACHE/bin/minio"
MINIO_DIR="$HRSS_STATE/minio"
MINIO_DATA="$MINIO_DIR/data"
MINIO_PIDFILE="$MINIO_DIR/minio.pid"

minio_port() { echo "$HRSS_MINIO_PORT"; }
minio_data() { echo "$MINIO_DATA"; }

# go_build <name> <module> <version>: `go install module@version` into a temporary
# GOBIN, then move into $HRSS_CACHE/bin: a half-built binary is never used
go_build() {
  local name=$1 mod=$2 ver=$3 bin="$HRSS_CACHE/bin/$1" stamp="$HRSS_CACHE/bin/.$1-version"
  [[ -x $bin && -f $stamp && $(cat "$stamp") == "$ver" ]] && return 0
  need_cmd go "MinIO is built from source: install Go >= 1.24 (Debian 12's golang-go is too old)"
  local gobin="$HRSS_CACHE/bin/.build.$name.$$" log="$HRSS_CACHE/$name-build.log"
  mkdir -p "$gobin"
  say "minio: building $mod@$ver with $(go env GOVERSION) (first run only, minutes; log: $log)…"
  if ! GOBIN=$gobin GOFLAGS="${GOFLAGS:-} -buildvcs=false" GOTOOLCHAIN=local \
    go install -trimpath "$mod@$ver" >"$log" 2>&1; then
    rm -rf "$gobin"
    printf 'ERROR: minio: go install %s@%s failed; last lines of %s:\n' "$mod" "$ver" "$log" >&2
    tail -n 25 "$log" | sed 's/^/       | /' >&2
    return 1
  fi
  mv -f "$gobin/$name" "$bin" && rm -rf "$gobin"
  echo "$ver" >"$stamp"
}

minio_install() {
  comp_dir minio >/dev/null
  mkdir -p "$MINIO_DATA" "$HRSS_CACHE/bin"
  go_build minio github.com/minio/minio "$HRSS_MINIO_VERSION" || exit 1
  # mc is optional (another ~1.5 min of CPU after minio): HRSS_WITH_MC=1
  if [[ ${HRSS_WITH_MC:-0} == 1 ]]; then
    go_build mc github.com/minio/mc "$HRSS_MC_VERSION" || exit 1
  fi
}

minio_pid() { pidfile_pid "$MINIO_PIDFILE" "$MINIO_DATA"; }

minio_start() {
  launch minio "$(log_of minio)" env \
    MINIO_ROOT_USER="$HRSS_S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$HRSS_S3_SECRET_KEY" \
    MINIO_UPDATE=off MINIO_BROWSER=on \
    "$MINIO_BIN" server "$MINIO_DATA" \
    --address "$HRSS_HOST:$HRSS_MINIO_PORT" --console-address "$HRSS_HOST:$HRSS_MINIO_CONSOLE_PORT"
  echo $! >"$MINIO_PIDFILE"
}

minio_health() {
  curl -fsS --max-time 3 -o /dev/null "http://$HRSS_HOST:$HRSS_MINIO_PORT/minio/health/live" &&
    curl -fsS --max-time 3 -o /dev/null "http://$HRSS_HOST:$HRSS_MINIO_PORT/minio/health/ready"
}

minio_stop() {
  local pid; pid=$(minio_pid) || return 0
  stop_pid minio "$pid" TERM
  rm -f "$MINIO_PIDFILE"
}
