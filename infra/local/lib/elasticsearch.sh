# shellcheck shell=bash
# Elasticsearch from Maven Central's integ-test-zip (no bundled JDK: runs on the
# system JDK 17), as the unprivileged user hrss-es (it refuses root).

ES_USER=hrss-es
ES_ZIP_CACHE="$HRSS_CACHE/elasticsearch-$HRSS_ES_VERSION"     # unpacked, root-owned
ES_DIR="$HRSS_STATE/elasticsearch"
# The cache usually lives under /root (mode 700), which hrss-es cannot enter, so the
# distribution is hard-linked (or copied, across filesystems) into the state dir.
ES_HOME="$ES_DIR/home-$HRSS_ES_VERSION"
ES_CONF="$ES_DIR/config"
ES_DATA="$ES_DIR/data"
ES_PIDFILE="$ES_DIR/run/elasticsearch.pid"    # the server JVM (written by elasticsearch -p)
ES_LAUNCHER_PIDFILE="$ES_DIR/launcher.pid"   # the CLI JVM that starts it and stays its parent
# the platform's Chinese analysis plugin (docs/search.md), built from source into the cache
ES_PLUGIN=hrss-analysis
ES_PLUGIN_SRC="$HRSS_LOCAL/../elasticsearch/$ES_PLUGIN"

elasticsearch_port() { echo "$HRSS_ES_PORT"; }
elasticsearch_data() { echo "$ES_DATA"; }

elasticsearch_install() {
  need_java17 elasticsearch
  if ! id "$ES_USER" >/dev/null 2>&1; then
    need_root "creating the $ES_USER user"
    say "elasticsearch: creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir "$ES_DIR" --shell /usr/sbin/nologin "$ES_USER" ||
      die "elasticsearch: useradd $ES_USER failed"
  fi
  comp_dir elasticsearch "$ES_USER" >/dev/null
  if [[ ! -f $ES_ZIP_CACHE/.complete ]]; then
    say "elasticsearch: downloading elasticsearch $HRSS_ES_VERSION integ-test-zip from Maven Central (first run only, ~107 MB)…"
    need_cmd unzip "apt-get install unzip"
    local tmp="$ES_ZIP_CACHE.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    mvn_quiet dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$HRSS_ES_VERSION:zip" \
      -DoutputDirectory="$tmp" >"$(log_of elasticsearch)" 2>&1 ||
      { rm -rf "$tmp"; fail elasticsearch "mvn dependency:copy of the integ-test-zip failed (is Maven Central reachable?)"; }
    unzip -q "$tmp/elasticsearch-$HRSS_ES_VERSION.zip" -d "$tmp" >>"$(log_of elasticsearch)" 2>&1 ||
      { rm -rf "$tmp"; fail elasticsearch "unzip failed"; }
    rm -rf "$ES_ZIP_CACHE"
    mv "$tmp/elasticsearch-$HRSS_ES_VERSION" "$ES_ZIP_CACHE" && rm -rf "$tmp"
    touch "$ES_ZIP_CACHE/.complete"
  fi
  if [[ ! -f $ES_HOME/.complete ]]; then
    rm -rf "$ES_HOME"
    cp -al "$ES_ZIP_CACHE" "$ES_HOME" 2>/dev/null || cp -a "$ES_ZIP_CACHE" "$ES_HOME"
    chmod -R a+rX "$ES_HOME"
    touch "$ES_HOME/.complete"
  fi
  elasticsearch_plugin_install
  # remove homes of other versions (they are only copies of the cache)
  find "$ES_DIR" -maxdepth 1 -name 'home-*' ! -path "$ES_HOME" -exec rm -rf {} + 2>/dev/null || true
  if [[ ! -f $ES_CONF/jvm.options ]]; then
    mkdir -p "$ES_CONF/jvm.options.d"
    cp "$ES_HOME/config/jvm.options" "$ES_HOME/config/log4j2.properties" "$ES_CONF/"
  fi
  mkdir -p "$ES_DATA" "$ES_DIR/logs" "$ES_DIR/run" "$ES_DIR/tmp"
  touch "$(log_of elasticsearch)"
  chown -R "$ES_USER:" "$ES_CONF" "$ES_DATA" "$ES_DIR/logs" "$ES_DIR/run" "$ES_DIR/tmp" "$(log_of elasticsearch)"
}

# the hrss-analysis plugin: built once per source digest into $HRSS_CACHE, installed into ES_HOME when the
# installed one is missing or of other sources (idempotent; a running server sees it after a restart)
elasticsearch_plugin_install() {
  local digest zip marker="$ES_HOME/.$ES_PLUGIN"
  digest=$(cd "$ES_PLUGIN_SRC" && find build src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  zip="$HRSS_CACHE/$ES_PLUGIN-$HRSS_ES_VERSION-$digest.zip"
  if [[ ! -f $zip ]]; then
    say "elasticsearch: building the $ES_PLUGIN plugin (first run only; fetches the Lucene analyzers from Maven Central)"
    need_cmd javac "install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
    need_cmd mvn "install Maven (apt-get install maven)"
    JAVA_HOME="$(java_home)" "$ES_PLUGIN_SRC/build" "$ES_HOME" "$zip" >>"$(log_of elasticsearch)" 2>&1 ||
      fail elasticsearch "building the $ES_PLUGIN plugin failed"
  fi
  if [[ ! -d $ES_HOME/plugins/$ES_PLUGIN || $(cat "$marker" 2>/dev/null) != "$digest" ]]; then
    say "elasticsearch: installing the $ES_PLUGIN plugin ($digest)"
    rm -rf "${ES_HOME:?}/plugins/$ES_PLUGIN" "$marker"
    ES_JAVA_HOME="$(java_home)" "$ES_HOME/bin/elasticsearch-plugin" install --batch --silent "file://$zip" \
      >>"$(log_of elasticsearch)" 2>&1 || fail elasticsearch "elasticsearch-plugin install $zip failed"
    chmod -R a+rX "$ES_HOME/plugins"
    echo "$digest" >"$marker"
  fi
}

elasticsearch_write_conf() {
  cat >"$ES_CONF/elasticsearch.yml" <<EOF
# written by infra/local/stack on every start
cluster.name: hrss-local
node.name: hrss-local-1
path.data: $ES_DATA
path.logs: $ES_DIR/logs
network.host: $HRSS_HOST
http.port: $HRSS_ES_PORT
transport.port: $((HRSS_ES_PORT + 100))
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  cat >"$ES_CONF/jvm.options.d/hrss.options" <<EOF
-Xms1g
-Xmx1g
-Xlog:disable
-Xlog:all=warning:stderr:utctime,level,tags
-XX:ErrorFile=$ES_DIR/logs/hs_err_pid%p.log
-XX:HeapDumpPath=$ES_DIR/logs
EOF
  chown -R "$ES_USER:" "$ES_CONF"
}

# the server's pid; while it boots (no pid file yet), the launcher's
elasticsearch_pid() {
  pidfile_pid "$ES_PIDFILE" "$ES_HOME" || pidfile_pid "$ES_LAUNCHER_PIDFILE" "$ES_HOME"
}

# the server's own log and JVM crash files, which `stack up` shows when a start dies
elasticsearch_logs() {
  printf '%s\n' "$ES_DIR/logs/hrss-local.log"
  find "$ES_DIR/logs" -maxdepth 1 -name 'hs_err_pid*.log' -newer "$ES_CONF/elasticsearch.yml" 2>/dev/null
}

# JVMs of this distribution without a live pid file (their stack was killed, not stopped)
# still hold the port and the data directory's lock: `stack up` stops them before a start
elasticsearch_reap() {
  local orphan
  for orphan in $(pgrep -f -- "$ES_HOME/" 2>/dev/null); do
    warn "elasticsearch: stopping pid $orphan, left running from $ES_HOME without a pid file"
    stop_pid elasticsearch "$orphan" TERM
  done
}

elasticsearch_start() {
  elasticsearch_write_conf
  rm -f "$ES_PIDFILE"
  # setpriv drops to hrss-es without a PAM session; -p: the server JVM writes its pid
  (cd "$ES_DIR/logs" && launch elasticsearch "$(log_of elasticsearch)" \
    setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$ES_DIR" LANG=C.UTF-8 \
    ES_JAVA_HOME="$(java_home)" ES_PATH_CONF="$ES_CONF" ES_TMPDIR="$ES_DIR/tmp" \
    CLI_JAVA_OPTS="-Djava.io.tmpdir=$ES_DIR/tmp" \
    "$ES_HOME/bin/elasticsearch" -p "$ES_PIDFILE" && echo $! >"$ES_LAUNCHER_PIDFILE")
}

elasticsearch_health() {
  http_get "http://$HRSS_HOST:$HRSS_ES_PORT/_cluster/health" | grep -Eq '"status":"(green|yellow)"'
}

elasticsearch_stop() {
  local pid
  while pid=$(elasticsearch_pid); do   # server first, then a launcher left behind
    stop_pid elasticsearch "$pid" TERM
  done
  rm -f "$ES_PIDFILE" "$ES_LAUNCHER_PIDFILE"
}
