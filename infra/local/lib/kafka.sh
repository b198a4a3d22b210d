# shellcheck shell=bash
# Kafka (KRaft, single combined broker+controller) from Maven Central jars.

KAFKA_SRC="$HRSS_LOCAL/kafka"                 # pom.xml, KafkaHealth.java, log4j2.properties
KAFKA_HOME="$HRSS_CACHE/kafka-$HRSS_KAFKA_VERSION-log4j-$HRSS_LOG4J_VERSION"
KAFKA_DIR="$HRSS_STATE/kafka"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"

kafka_port() { echo "$HRSS_KAFKA_PORT"; }
kafka_data() { echo "$KAFKA_DATA"; }

kafka_cp() { echo "$KAFKA_HOME/libs/*"; }

kafka_install() {
  need_java17 kafka
  comp_dir kafka >/dev/null
  if [[ ! -f $KAFKA_HOME/.complete ]]; then
    say "kafka: resolving Kafka $HRSS_KAFKA_VERSION + log4j $HRSS_LOG4J_VERSION jars from Maven Central (first run only)…"
    local tmp="$KAFKA_HOME.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp/libs"
    mvn_quiet -f "$KAFKA_SRC/pom.xml" dependency:copy-dependencies \
      -Dkafka.version="$HRSS_KAFKA_VERSION" -Dlog4j.version="$HRSS_LOG4J_VERSION" \
      -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >"$(log_of kafka)" 2>&1 ||
      { rm -rf "$tmp"; fail kafka "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"; }
    [[ -f $tmp/libs/kafka_2.13-$HRSS_KAFKA_VERSION.jar ]] || fail kafka "kafka_2.13-$HRSS_KAFKA_VERSION.jar not resolved"
    rm -rf "$KAFKA_HOME" && mv "$tmp" "$KAFKA_HOME"
    touch "$KAFKA_HOME/.complete"
  fi
  # health probe, compiled once per source change
  if [[ ! -f $KAFKA_HOME/health/KafkaHealth.class || $KAFKA_SRC/KafkaHealth.java -nt $KAFKA_HOME/health/KafkaHealth.class ]]; then
    need_cmd javac "install a full JDK 17 (apt-get install openjdk-17-jdk-headless)"
    mkdir -p "$KAFKA_HOME/health"
    javac -nowarn -cp "$(kafka_cp)" -d "$KAFKA_HOME/health" "$KAFKA_SRC/KafkaHealth.java" >>"$(log_of kafka)" 2>&1 ||
      fail kafka "compiling KafkaHealth.java failed"
  fi
  kafka_write_conf
  if [[ ! -f $KAFKA_DATA/meta.properties ]]; then
    local id
    if [[ ! -s $KAFKA_DIR/cluster.id ]]; then
      # log4j's default configuration (errors only) keeps stdout to the bare id
      "$(java_home)/bin/java" -Xmx256m -Dlog4j2.level=ERROR -cp "$(kafka_cp)" kafka.tools.StorageTool random-uuid \
        2>>"$(log_of kafka)" | tail -n1 >"$KAFKA_DIR/cluster.id"
    fi
    id=$(tr -d '[:space:]' <"$KAFKA_DIR/cluster.id")
    [[ $id =~ ^[A-Za-z0-9_-]{22}$ ]] || { rm -f "$KAFKA_DIR/cluster.id"; fail kafka "kafka-storage random-uuid gave '$id'"; }
    say "kafka: formatting $KAFKA_DATA (cluster id $id)"
    mkdir -p "$KAFKA_DATA"
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$KAFKA_DIR/server.properties" \
      >>"$(log_of kafka)" 2>&1 || fail kafka "kafka-storage format failed"
  fi
}

kafka_java() {
  "$(java_home)/bin/java" -Xmx256m -Dlog4j2.configurationFile="$KAFKA_SRC/log4j2.properties" \
    -cp "$(kafka_cp)" "$@"
}

kafka_write_conf() {
  cat >"$KAFKA_DIR/server.properties" <<EOF
# written by infra/local/stack on every start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HRSS_HOST:$HRSS_KAFKA_CONTROLLER_PORT
# CUTTABLE: bound on the backend port but advertised on the proxy port, so that a client bootstrapped through a
# test's TCP proxy (hrss.testing.netfault) reaches the broker only through it and can be cut off from it
listeners=PLAINTEXT://$HRSS_HOST:$HRSS_KAFKA_PORT,CONTROLLER://$HRSS_HOST:$HRSS_KAFKA_CONTROLLER_PORT,CUTTABLE://$HRSS_HOST:$HRSS_KAFKA_CUTTABLE_BACKEND_PORT
advertised.listeners=PLAINTEXT://$HRSS_HOST:$HRSS_KAFKA_PORT,CUTTABLE://$HRSS_HOST:$HRSS_KAFKA_CUTTABLE_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CUTTABLE:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
log.retention.hours=168
EOF
}

kafka_pid() { pidfile_pid "$KAFKA_PIDFILE" "$KAFKA_DIR/server.properties"; }

kafka_start() {
  kafka_write_conf
  # quote-safe: the class path glob is expanded by the JVM, not the shell
  launch kafka "$(log_of kafka)" "$(java_home)/bin/java" \
    -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_SRC/log4j2.properties" -Dlog4j2.shutdownHookEnabled=false \
    -Dkafka.logs.dir="$KAFKA_DIR" \
    -cp "$(kafka_cp)" kafka.Kafka "$KAFKA_DIR/server.properties"
  echo $! >"$KAFKA_PIDFILE"
}

kafka_health() {
  port_open "$HRSS_KAFKA_PORT" || return 1
  "$(java_home)/bin/java" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.level=ERROR \
    -cp "$(kafka_cp):$KAFKA_HOME/health" KafkaHealth "$HRSS_HOST:$HRSS_KAFKA_PORT" 2>/dev/null
}

kafka_stop() {
  local pid; pid=$(kafka_pid) || return 0
  stop_pid kafka "$pid" TERM
  rm -f "$KAFKA_PIDFILE"
}
