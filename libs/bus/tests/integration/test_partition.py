"""The partition tool other tests rely on (hrss.testing.netfault): a client bootstrapped through the proxy reaches
the broker only through it, loses it when the proxy is cut, and gets it back when healed."""

from __future__ import annotations

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError

from hrss.testing.netfault import kafka_proxy

pytestmark = pytest.mark.integration


def test_a_cut_proxy_cuts_the_client_off_and_healing_restores_it(kafka_bootstrap: str, kafka_namespace: str) -> None:
    topic = f"{kafka_namespace}.netfault"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    admin.close()
    with kafka_proxy() as (bootstrap, proxy):
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_block_ms=3000, request_timeout_ms=3000)
        producer.send(topic, b"before").get(timeout=10)
        assert proxy.connections >= 1

        proxy.cut()
        with pytest.raises(KafkaError):
            producer.send(topic, b"during").get(timeout=8)

        proxy.heal()
        producer.send(topic, b"after").get(timeout=30)
        producer.close()

    consumer = KafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=5000
    )
    values = [record.value for record in consumer]
    consumer.close()
    assert values[0] == b"before" and values[-1] == b"after"
