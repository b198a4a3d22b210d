#!/usr/bin/env python
"""Benchmark: evidence uploads of 10 MB files through the evidence service (streaming SHA-256, content sniffing,
declared-checksum check, object lock, the record, its event and audit entry), beside a raw `minio` client
`put_object` of the same bytes in the same run.

A plain script, not a test: it prints figures and never fails on timing.

    eval "$(infra/local/stack env)"
    .venv/bin/python tests/perf/bench_evidence.py [--files 20 --mb 10 --algorithm sha256|sm3]

The service runs as a real `nameko run` process on a throwaway database (dropped at the end) and a fresh
bucket with object lock (GOVERNANCE, 1 day, so the local store can be cleaned up after a day); the raw
baseline writes into a plain bucket of its own, removed at the end. Both run sequentially from one client.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import yaml
from minio import Minio

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "services" / "evidence" / "tests"))

import sqlalchemy  # noqa: E402
from evidence_testkit import (  # noqa: E402
    INSPECTOR_1,
    ensure_topics,
    publish_visit_event,
    visit_events_kept,
    visit_opened,
    wait_for,
)

from hrss.auth import Principal, Role, SigningKey, TokenIssuer  # noqa: E402
from hrss.bus.broker import TopicSpec  # noqa: E402
from hrss.bus.kafka import KafkaBroker  # noqa: E402
from hrss.testing.databases import create_database, drop_database  # noqa: E402
from hrss.testing.documents import pdf_document  # noqa: E402
from hrss.testing.kafka_admin import delete_namespace  # noqa: E402
from hrss.testing.processes import ManagedProcess, free_port  # noqa: E402
from hrss.testing.servers import Servers  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def figures(name: str, seconds: list[float], size: int) -> str:
    total = sum(seconds)
    mb = size / 1e6
    return (
        f"{name:<34} {len(seconds) * mb / total:8.1f} MB/s {len(seconds) / total:7.2f} files/s"
        f"   p50 {pct(seconds, 50) * 1000:7.1f} ms   p95 {pct(seconds, 95) * 1000:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--algorithm", choices=["sha256", "sm3"], default="sha256")
    args = parser.parse_args()
    servers = Servers.from_environment()
    size = int(args.mb * 1024 * 1024)
    files = [pdf_document(f"bench {os.urandom(8).hex()}", size=size) for _ in range(args.files)]  # whole-file checked
    digests = [hashlib.new(args.algorithm, f).hexdigest() for f in files]

    run = uuid.uuid4().hex[:10]
    database = f"bench_evidence_{run}"
    dsn = create_database(servers.pg_dsn, database)
    namespace = f"bench{run}"
    bucket, raw_bucket = f"bench-evidence-{run}", f"bench-raw-{run}"
    client = Minio(servers.s3_endpoint, servers.s3_access_key, servers.s3_secret_key, secure=False)
    workdir = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    process = None
    try:
        from hrss.db.migrations import upgrade

        upgrade(ROOT / "services" / "evidence" / "migrations", dsn, "evidence")
        broker = KafkaBroker(servers.kafka_bootstrap, client_id="bench", namespace=namespace)
        broker.ensure_topics([TopicSpec("inspection.result_approved.v1.130000")])
        ensure_topics(broker)
        key, port = SigningKey.generate("bench"), free_port()
        config = {
            "AMQP_URI": "",
            "NODES": "130000",
            "DATABASE_URL": dsn,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
            "KAFKA": {"bootstrap_servers": servers.kafka_bootstrap, "namespace": namespace},
            "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
            "S3": {
                "endpoint": servers.s3_endpoint,
                "access_key": servers.s3_access_key,
                "secret_key": servers.s3_secret_key,
                "bucket": bucket,
            },
            "EVIDENCE": {
                "retention_mode": "GOVERNANCE",
                "retention_days": 1,
                "max_bytes": size + 1,
                "algorithm": "sha256",
            },
        }
        (workdir / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        target = "evidence.entrypoints.service:EvidenceService"
        command = [sys.executable, "-m", "nameko", "run", "--config", str(workdir / "config.yaml"), target]
        process = ManagedProcess("evidence", command, {}, workdir, health_url=f"http://127.0.0.1:{port}/health")
        process.start(timeout=90)
        # uploads go to a visit the service has received, by an inspector of its team
        visit = str(uuid.uuid4())
        publish_visit_event(broker, visit_opened(visit))
        broker.close()
        engine = sqlalchemy.create_engine(dsn)
        wait_for(lambda: visit_events_kept(engine, visit), 60, "the visit in the evidence service's read model")
        engine.dispose()
        roles = frozenset({Role.INSPECTOR})
        principal = Principal(
            "inspector@130102", "检查员", "130102", roles, inspector_id=INSPECTOR_1, credential_no="130102202701"
        )
        token = TokenIssuer(key, issuer="hrss-identity", audience="hrss").issue(principal)
        session = requests.Session()

        def upload(n: int) -> float:
            params = {"node": "130102", "visit_id": visit, "kind": "audio_visual", "filename": f"录像{n}.pdf"}
            params |= {"checksum": digests[n], "algorithm": args.algorithm}
            started = time.perf_counter()
            answer = session.post(
                f"http://127.0.0.1:{port}/evidence",
                params=params,
                data=files[n],
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"},
                timeout=300,
            )
            elapsed = time.perf_counter() - started
            if answer.status_code != 201 or answer.json()["digest"] != digests[n]:
                raise SystemExit(f"upload {n} failed: {answer.status_code} {answer.text[:300]}")
            return elapsed

        client.make_bucket(raw_bucket)

        def raw(n: int) -> float:
            started = time.perf_counter()
            client.put_object(raw_bucket, f"raw/{n}", io.BytesIO(files[n]), len(files[n]))
            return time.perf_counter() - started

        upload(0)
        raw(0)  # warm both paths (connections, first bucket writes)
        service_times = [upload(n) for n in range(args.files)]
        raw_times = [raw(n) for n in range(args.files)]
        print(
            f"\n{args.files} files of {args.mb:g} MiB ({size / 1e6:.1f} MB) each, sequential, one client, "
            f"digest {args.algorithm}"
        )
        print(figures("evidence service (hash+lock+record)", service_times, size))
        print(figures("raw minio put_object", raw_times, size))
        print(f"service / raw throughput: {sum(raw_times) / sum(service_times):.2f}")
    finally:
        if process is not None:
            process.stop()
        for obj in client.list_objects(raw_bucket, recursive=True) if client.bucket_exists(raw_bucket) else []:
            client.remove_object(raw_bucket, obj.object_name)
        if client.bucket_exists(raw_bucket):
            client.remove_bucket(raw_bucket)
        drop_database(servers.pg_dsn, database)
        delete_namespace(servers.kafka_bootstrap, namespace)
        print(f"(bucket {bucket} stays until its 1-day GOVERNANCE retention ends; log: {workdir}/evidence.log)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
