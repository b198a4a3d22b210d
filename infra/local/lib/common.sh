# shellcheck shell=bash
# Shared helpers for infra/local/stack: settings, logging, pid files, waiting, stopping.
# shellcheck disable=SC2034  # settings are used by the component files
# Sourced, never executed. Every component file defines:
#   <c>_install  (idempotent; quick when the cache is warm)
#   <c>_start    (launch in the background; returns at once)
#   <c>_health   (exit 0 when the server really answers)
#   <c>_pid      (print the live pid, or return 1)
#   <c>_stop     (optional; default: SIGTERM, wait, SIGKILL)
#   <c>_port     (print the main port)
#   <c>_data     (directories `reset` deletes)
#   <c>_reap     (optional; stop its processes that lost their pid file, before a start)
#   <c>_logs     (optional; the server's own log files, shown when a start dies)

# ---- settings (all overridable from the environment) ----------------------
: "${HRSS_CACHE:=$HOME/.cache/hrss}"
: "${HRSS_STATE:=/var/tmp/hrss-stack}"
: "${HRSS_PG_PORT:=15432}"
: "${HRSS_KAFKA_PORT:=19092}"
: "${HRSS_KAFKA_CONTROLLER_PORT:=19093}"
: "${HRSS_KAFKA_CUTTABLE_PORT:=19094}"          # advertised by the CUTTABLE listener: a test's TCP proxy listens here
: "${HRSS_KAFKA_CUTTABLE_BACKEND_PORT:=19095}"  # where the broker binds that listener (the proxy's target)
: "${HRSS_ES_PORT:=19200}"
: "${HRSS_MINIO_PORT:=19000}"
: "${HRSS_MINIO_CONSOLE_PORT:=19001}"
: "${HRSS_UP_TIMEOUT:=180}"        # seconds to wait for a server to become healthy
: "${HRSS_STOP_TIMEOUT:=60}"       # seconds between SIGTERM and SIGKILL
: "${HRSS_MVN_OPTS:=}"             # extra mvn flags, e.g. -Dmaven.repo.local=/tmp/m2

# Pinned versions (see docs/local-stack.md for why these).
: "${HRSS_PG_MAJOR:=15}"
: "${HRSS_KAFKA_VERSION:=4.1.2}"
: "${HRSS_LOG4J_VERSION:=2.25.5}"
: "${HRSS_ES_VERSION:=8.19.21}"
: "${HRSS_MINIO_VERSION:=v0.0.0-20260212201848-7aac2a2c5b7c}"
: "${HRSS_MC_VERSION:=v0.0.0-20250313080218-cf909e1063a9}"   # only with HRSS_WITH_MC=1

HRSS_HOST=127.0.0.1
HRSS_S3_ACCESS_KEY=hrssminio
HRSS_S3_SECRET_KEY=hrssminio-secret
HRSS_PG_USER=hrss_admin
HRSS_PG_PASSWORD=hrss_admin
HRSS_PG_DB=hrss
export HRSS_CACHE HRSS_STATE

ALL_COMPONENTS=(postgres kafka elasticsearch minio)

# ---- output -----------------------------------------------------------------
say()  { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

now() { date +%s; }

# log_of <component>: the file `stack logs` tails and errors point at
log_of() { printf '%s/%s/%s.log\n' "$HRSS_STATE" "$1" "$1"; }

# fail <component> <message>: explain, show the log tail, exit 1
fail() {
  local c=$1; shift
  local log; log=$(log_of "$c")
  printf 'ERROR: %s: %s\n' "$c" "$*" >&2
  if [[ -s $log ]]; then
    printf '       log: %s (last 25 lines)\n' "$log" >&2
    tail -n 25 "$log" | sed 's/^/       | /' >&2
  else
    printf '       log: %s (empty or missing)\n' "$log" >&2
  fi
  exit 1
}

need_cmd() {  # need_cmd <cmd> <hint>
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH: $2"
}

need_root() {
  [[ $(id -u) -eq 0 ]] || die "$1 must run as root (it switches to the postgres / hrss-es users)"
}

# ---- directories ------------------------------------------------------------
ensure_state_root() {
  mkdir -p "$HRSS_STATE" "$HRSS_CACHE"
  # the postgres and hrss-es users must traverse the state root
  chmod 755 "$HRSS_STATE"
}

# comp_dir <component> [owner]: create $HRSS_STATE/<component>, owned by owner
comp_dir() {
  local d="$HRSS_STATE/$1"
  mkdir -p "$d"
  [[ -n ${2:-} ]] && chown "$2:" "$d"
  printf '%s\n' "$d"
}

# ---- processes --------------------------------------------------------------
# running <pid>: exists and is not a zombie
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# pid_alive <pid> [marker]: running and (if given) its command line contains marker
pid_alive() {
  local pid=$1 marker=${2:-}
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  running "$pid" || return 1
  [[ -z $marker ]] && return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# pidfile_pid <file> <marker>: live pid from a pid file; removes stale files
pidfile_pid() {
  local f=$1 marker=$2 pid
  [[ -f $f ]] || return 1
  pid=$(head -n1 "$f" 2>/dev/null | tr -dc 0-9)
  if pid_alive "$pid" "$marker"; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f "$f"
  return 1
}

# port_open <port>: something accepts TCP connections on 127.0.0.1:<port>
port_open() {
  (exec 3<>"/dev/tcp/$HRSS_HOST/$1") 2>/dev/null
}

# http_get <url>: body on stdout, non-zero unless HTTP 2xx
http_get() {
  curl -fsS --max-time 5 "$1" 2>/dev/null
}

# stop_pid <component> <pid> [signal]: signal, wait HRSS_STOP_TIMEOUT, then SIGKILL
stop_pid() {
  local c=$1 pid=$2 sig=${3:-TERM} i
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < HRSS_STOP_TIMEOUT * 5; i++)); do
    running "$pid" || return 0
    sleep 0.2
  done
  warn "$c: pid $pid still alive ${HRSS_STOP_TIMEOUT}s after SIG$sig; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

# wait_healthy <component> [retry]: poll <c>_health until HRSS_UP_TIMEOUT; fail early if the
# process died (with `retry`: return 3 instead, so the caller can start it once more)
wait_healthy() {
  local c=$1 start elapsed last=0
  start=$(now)
  while true; do
    if "${c}_health" >/dev/null 2>&1; then
      return 0
    fi
    elapsed=$(($(now) - start))
    if ! "${c}_pid" >/dev/null 2>&1 && ((elapsed > 3)); then
      [[ ${2:-} == retry ]] && return 3
      fail "$c" "the process exited during startup"
    fi
    if ((elapsed >= HRSS_UP_TIMEOUT)); then
      fail "$c" "not healthy after ${HRSS_UP_TIMEOUT}s (HRSS_UP_TIMEOUT), port $("${c}_port"); pid $("${c}_pid") left running: \`stack down $c\` stops it, \`stack up $c\` waits again"
    fi
    if ((elapsed - last >= 15)); then
      say "$c: waiting for health (${elapsed}s)…"
      last=$elapsed
    fi
    sleep 1
  done
}

# startup_report <component>: what a start that died left behind, for the reader of a failed run
startup_report() {
  local c=$1 log f
  log=$(log_of "$c")
  warn "$c: the process exited during startup; its log ($log), last 15 lines:"
  tail -n 15 "$log" 2>/dev/null | sed 's/^/       | /' >&2
  if declare -F "${c}_logs" >/dev/null; then
    for f in $("${c}_logs"); do
      [[ -s $f ]] || continue
      warn "$c: $f, last 15 lines:"
      tail -n 15 "$f" | sed 's/^/       | /' >&2
    done
  fi
  warn "memory: $(free -m 2>/dev/null | awk '/^Mem:/ {print $7 " MB available of " $2 " MB"}')"
}

# launch <component> <logfile> <command...>: detached from this shell (own session,
# stdin closed, output appended to the log) so `stack up` can exit
launch() {
  local log=$2; shift 2
  printf '\n---- %s start %s ----\n' "$(date -Is)" "$*" >>"$log"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  disown $! 2>/dev/null || true
}

# java_home: the JDK (17+) behind `java` on PATH, or $JAVA_HOME
java_home() {
  local j
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    printf '%s\n' "$JAVA_HOME"
    return
  fi
  command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
  j=$(readlink -f "$(command -v java)")
  printf '%s\n' "${j%/bin/java}"
}

java_major() {
  "$(java_home)/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}

need_java17() {
  local m; m=$(java_major)
  [[ ${m:-0} -ge 17 ]] || die "$1 needs Java 17+, found '${m:-none}' at $(java_home)"
}

# mvn_quiet <args...>: run maven non-interactively, output to the caller's log
mvn_quiet() {
  need_cmd mvn "install Maven (apt-get install maven)"
  # shellcheck disable=SC2086
  mvn -B -q -Dstyle.color=never $HRSS_MVN_OPTS "$@"
}
