"""The local stack serves what the platform relies on (versions and features), checked on the real servers."""

from __future__ import annotations

import io
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.integration


def test_postgresql_is_version_15(pg_dsn):
    engine = create_engine(pg_dsn.replace("postgresql://", "postgresql+psycopg2://"), poolclass=NullPool)
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version_num")).scalar_one()
        fsync = connection.execute(text("SHOW fsync")).scalar_one()
    assert 150000 <= int(version) < 160000
    assert fsync == "on"


def test_kafka_runs_in_kraft_mode_and_creates_topics_on_request(kafka_broker):
    from kafka import KafkaAdminClient

    from hrss.bus import Message, TopicSpec

    kafka_broker.ensure_topics([TopicSpec("servers.checked.v1")])
    kafka_broker.publish_many([Message("servers.checked.v1", b"k", b"v")])
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap_servers)
    try:
        cluster = admin.describe_cluster()
        assert len(cluster["brokers"]) == 1
        assert kafka_broker.name("servers.checked.v1") in admin.list_topics()
    finally:
        admin.close()


def test_elasticsearch_is_8_19_and_indexes_chinese_text(es_url):
    # The integ-test zip has no `rest-root` module, so `GET /` answers 405: ask the node itself.
    nodes = requests.get(f"{es_url}/_nodes/_local", params={"filter_path": "nodes.*.version"}, timeout=10).json()
    assert [n["version"][:5] for n in nodes["nodes"].values()] == ["8.19."]
    index = f"servers-check-{uuid.uuid4().hex[:8]}"
    try:
        requests.put(
            f"{es_url}/{index}",
            json={"mappings": {"properties": {"text": {"type": "text", "analyzer": "standard"}}}},
            timeout=10,
        ).raise_for_status()
        requests.post(f"{es_url}/{index}/_doc?refresh=true", json={"text": "未发现问题，已责令改正"}, timeout=10)
        hits = requests.post(
            f"{es_url}/{index}/_search", json={"query": {"match_phrase": {"text": "责令改正"}}}, timeout=10
        ).json()["hits"]["total"]["value"]
        assert hits == 1
    finally:
        requests.delete(f"{es_url}/{index}", timeout=10)


def test_minio_buckets_support_versioning_and_object_lock(s3_client):
    from minio.commonconfig import ENABLED
    from minio.versioningconfig import SUSPENDED, VersioningConfig

    bucket = f"servers-check-{uuid.uuid4().hex[:8]}"
    s3_client.make_bucket(bucket, object_lock=True)
    try:
        assert s3_client.get_bucket_versioning(bucket).status == ENABLED
        assert s3_client.get_object_lock_config(bucket) is not None
        first = s3_client.put_object(bucket, "a.txt", io.BytesIO(b"v1"), 2)
        second = s3_client.put_object(bucket, "a.txt", io.BytesIO(b"v2"), 2)
        assert first.version_id != second.version_id
        old = s3_client.get_object(bucket, "a.txt", version_id=first.version_id)
        assert old.read() == b"v1"
        old.close()
        with pytest.raises(Exception) as caught:
            s3_client.set_bucket_versioning(bucket, VersioningConfig(SUSPENDED))
        assert "InvalidBucketState" in str(caught.value) or "object lock" in str(caught.value).lower()
    finally:
        for obj in s3_client.list_objects(bucket, include_version=True):
            s3_client.remove_object(bucket, obj.object_name, version_id=obj.version_id)
        s3_client.remove_bucket(bucket)
