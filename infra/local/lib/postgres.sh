# shellcheck shell=bash
# PostgreSQL 15 from Debian's packages, own cluster under $HRSS_STATE/postgres,
# run as the `postgres` OS user (initdb refuses root).

PG_BIN="/usr/lib/postgresql/$HRSS_PG_MAJOR/bin"
PG_DIR="$HRSS_STATE/postgres"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"

postgres_port() { echo "$HRSS_PG_PORT"; }
postgres_data() { echo "$PG_DATA"; }
postgres_dsn() {
  echo "postgresql://$HRSS_PG_USER:$HRSS_PG_PASSWORD@$HRSS_HOST:$HRSS_PG_PORT/$HRSS_PG_DB"
}

pg_as() { runuser -u postgres -- "$@"; }

postgres_install() {
  if [[ ! -x $PG_BIN/postgres || ! -x $PG_BIN/psql ]]; then
    say "postgres: installing postgresql-$HRSS_PG_MAJOR from Debian packages (first run only)…"
    need_root "installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"$HRSS_STATE/apt.log" 2>&1 ||
      { tail -n 20 "$HRSS_STATE/apt.log" >&2; die "postgres: apt-get update failed (log: $HRSS_STATE/apt.log)"; }
    apt-get install -y -qq --no-install-recommends "postgresql-$HRSS_PG_MAJOR" >>"$HRSS_STATE/apt.log" 2>&1 ||
      { tail -n 20 "$HRSS_STATE/apt.log" >&2; die "postgres: apt-get install postgresql-$HRSS_PG_MAJOR failed (log: $HRSS_STATE/apt.log)"; }
  fi
  [[ -x $PG_BIN/postgres ]] || die "postgres: $PG_BIN/postgres missing after install"
  id postgres >/dev/null 2>&1 || die "postgres: OS user 'postgres' missing (the Debian package creates it)"

  comp_dir postgres postgres >/dev/null
  mkdir -p "$PG_SOCK" && chown postgres: "$PG_SOCK"
  touch "$(log_of postgres)" && chown postgres: "$(log_of postgres)"
  [[ -f $PG_DATA/PG_VERSION ]] && return 0

  say "postgres: initdb $PG_DATA"
  rm -rf "$PG_DATA"
  install -d -o postgres -g postgres -m 700 "$PG_DATA"
  pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >>"$(log_of postgres)" 2>&1 ||
    fail postgres "initdb failed"
  cat >>"$PG_DATA/postgresql.conf" <<EOF

# ---- infra/local/stack ----
include_if_exists = 'hrss-local.conf'
EOF
  pg_as touch "$PG_DATA/.hrss-needs-bootstrap"
}

postgres_write_conf() {
  # rewritten on every start so port overrides apply
  cat >"$PG_DATA/hrss-local.conf" <<EOF
listen_addresses = '$HRSS_HOST'
port = $HRSS_PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 300
shared_buffers = 256MB
password_encryption = 'scram-sha-256'
fsync = on
synchronous_commit = on
full_page_writes = on
log_line_prefix = '%m [%p] %q%u@%d '
timezone = 'UTC'
EOF
  chown postgres: "$PG_DATA/hrss-local.conf"
  # only TCP on 127.0.0.1 with a password, plus peer auth on the private socket
  cat >"$PG_DATA/pg_hba.conf" <<EOF
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  peer
host    all       all   127.0.0.1/32   scram-sha-256
EOF
  chown postgres: "$PG_DATA/pg_hba.conf"
}

postgres_pid() {
  local pid
  [[ -f $PG_DATA/postmaster.pid ]] || return 1
  pid=$(head -n1 "$PG_DATA/postmaster.pid" | tr -dc 0-9)
  pid_alive "$pid" "$PG_DATA" && echo "$pid"
}

postgres_start() {
  postgres_write_conf
  # pg_ctl itself removes a stale postmaster.pid; -W: do not wait here
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$(log_of postgres)" -W start >/dev/null 2>&1 ||
    fail postgres "pg_ctl start failed"
}

postgres_health() {
  PGPASSWORD=$HRSS_PG_PASSWORD PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -q -At \
    -h "$HRSS_HOST" -p "$HRSS_PG_PORT" -U "$HRSS_PG_USER" -d "$HRSS_PG_DB" -c 'select 1' 2>/dev/null | grep -qx 1
}

# before health can pass the first time, create the role and database over the socket
postgres_bootstrap() {
  [[ -f $PG_DATA/.hrss-needs-bootstrap ]] || return 0
  local i
  for ((i = 0; i < 60; i++)); do
    "$PG_BIN/pg_isready" -q -h "$PG_SOCK" -p "$HRSS_PG_PORT" && break
    postgres_pid >/dev/null || [[ $i -lt 3 ]] || fail postgres "the server exited during startup"
    sleep 1
  done
  say "postgres: creating role $HRSS_PG_USER and database $HRSS_PG_DB"
  pg_as "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$HRSS_PG_PORT" -d postgres >>"$(log_of postgres)" 2>&1 <<EOF ||
SET password_encryption = 'scram-sha-256';
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$HRSS_PG_USER') THEN
    CREATE ROLE $HRSS_PG_USER LOGIN SUPERUSER PASSWORD '$HRSS_PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $HRSS_PG_DB OWNER $HRSS_PG_USER' WHERE NOT EXISTS
  (SELECT FROM pg_database WHERE datname = '$HRSS_PG_DB') \gexec
EOF
    fail postgres "creating role/database failed"
  rm -f "$PG_DATA/.hrss-needs-bootstrap"
}

# pg_ctl's "fast" mode (SIGINT): SIGTERM would be PostgreSQL's "smart" mode, which
# waits for every client to disconnect and can hang forever with idle pools.
postgres_stop() {
  local pid; pid=$(postgres_pid) || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -t "$HRSS_STOP_TIMEOUT" -w stop >/dev/null 2>&1 && return 0
  warn "postgres: fast shutdown timed out; immediate shutdown"
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -t 10 -w stop >/dev/null 2>&1 && return 0
  stop_pid postgres "$pid" KILL
}
