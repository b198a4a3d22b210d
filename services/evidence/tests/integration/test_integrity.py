"""The fixity job and the reconciler, as the operator runs them (`python -m evidence.cli`), on the real servers;
and a kill -9 of a real service process between the object write and the database commit."""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from evidence_testkit import (
    COUNTY,
    INSPECTOR_1,
    Running,
    cli,
    ensure_topics,
    migrate,
    pdf,
    publish_visit_event,
    service_config,
    tamper_on_disk,
    visit_events_kept,
    visit_opened,
    write_config,
)

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.testing.processes import ManagedProcess, free_port, wait_until

pytestmark = pytest.mark.integration

ENTRYPOINT = "evidence.entrypoints.service:EvidenceService"


def test_fixity_flags_exactly_the_object_altered_behind_the_platforms_back(
    evidence_service: Running, tmp_path: Path
) -> None:
    visit = evidence_service.open_visit()
    uploaded = [evidence_service.upload(visit, pdf(200_000, f"fx{n}")).json() for n in range(3)]
    evidence_service.file(visit)
    config = write_config(tmp_path / "config.yaml", evidence_service.config)
    code, clean = cli(config, "fixity")
    assert code == 0 and clean["checked"] == 4 and clean["counts"]["ok"] == 4  # 3 evidence + 1 manifest

    altered = uploaded[1]
    tamper_on_disk(evidence_service.bucket, altered["object_key"])
    code, report = cli(config, "fixity")
    assert code == 1
    assert [(f["object_id"], f["version_id"]) for f in report["flagged"]] == [
        (altered["evidence_id"], altered["version_id"])
    ]
    # MinIO's own bitrot check refuses to serve the altered bytes; a store that served them would give "mismatch"
    assert report["flagged"][0]["status"] in ("unreadable", "mismatch")
    rows = evidence_service.rows(
        f"SELECT object_id, status FROM evidence.fixity_check WHERE run_id = '{report['run_id']}' AND status <> 'ok'"
    )
    assert rows == [(altered["evidence_id"], report["flagged"][0]["status"])]
    assert evidence_service.count("fixity_check") == 8


def test_the_reconciler_reports_an_object_written_over_a_filed_key_and_a_foreign_object(
    evidence_service: Running, s3_client, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import io

    record = evidence_service.upload(evidence_service.open_visit(), pdf(1000, "rc")).json()
    config = write_config(tmp_path / "config.yaml", evidence_service.config)
    assert cli(config, "reconcile") == (0, {"recorded": 1, "objects": 1, "counts": {}, "findings": []})
    s3_client.put_object(evidence_service.bucket, record["object_key"], io.BytesIO(b"over"), 4)
    s3_client.put_object(evidence_service.bucket, "evidence/130102/x/stray", io.BytesIO(b"stray"), 5)
    code, report = cli(config, "reconcile")
    assert code == 1
    assert report["counts"] == {"unrecorded_version_of_filed_object": 1, "unknown_object": 1}


def test_a_record_whose_object_version_was_removed_is_reported_by_the_reconciler_and_fixity(
    evidence_service: Running, s3_client, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    kept = evidence_service.upload(evidence_service.open_visit(), pdf(1000, "kept")).json()
    gone = evidence_service.upload(evidence_service.open_visit(), pdf(1000, "gone")).json()
    # only a privileged user can do this to a GOVERNANCE version (a COMPLIANCE one cannot be removed at all)
    s3_client._execute(
        "DELETE",
        evidence_service.bucket,
        gone["object_key"],
        headers={"x-amz-bypass-governance-retention": "true"},
        query_params={"versionId": gone["version_id"]},
    )
    config = write_config(tmp_path / "config.yaml", evidence_service.config)
    code, report = cli(config, "reconcile")
    assert code == 1
    assert report["findings"] == [
        {"finding": "missing_object", "key": gone["object_key"], "version_id": gone["version_id"]}
    ]
    code, checked = cli(config, "fixity")
    assert code == 1
    assert [(f["object_id"], f["status"]) for f in checked["flagged"]] == [(gone["evidence_id"], "missing")]
    assert checked["counts"]["ok"] == 1 and kept["evidence_id"] not in str(checked["flagged"])


def test_kill_9_between_object_write_and_commit_leaves_no_record_and_the_reconciler_reports_the_orphan(
    fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, servers, evidence_bucket, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    migrate(fresh_database)
    ensure_topics(kafka_broker)
    key, port = SigningKey.generate("test"), free_port()
    marker = tmp_path / "object-written"
    config = service_config(
        fresh_database, port, key, kafka_bootstrap, kafka_namespace, servers, evidence_bucket,
        fault=f"pause-after-object-write:{marker}",
    )  # fmt: skip
    config_path = write_config(tmp_path / "config.yaml", config)
    process = ManagedProcess(
        "evidence",
        [
            sys.executable,
            "-m",
            "nameko",
            "run",
            "--config",
            str(config_path),
            ENTRYPOINT,
        ],
        {"PYTHONUNBUFFERED": "1"},
        tmp_path,
        health_url=f"http://127.0.0.1:{port}/health",
    )
    process.start(timeout=90)
    token = TokenIssuer(key, issuer="hrss-identity", audience="hrss").issue(
        Principal(
            "inspector@130102",
            "检查员",
            COUNTY,
            frozenset({Role.INSPECTOR}),
            inspector_id=INSPECTOR_1,
            credential_no="130102202701",
        )
    )
    visit = str(uuid.uuid4())
    publish_visit_event(kafka_broker, visit_opened(visit))
    engine = sa.create_engine(fresh_database)
    wait_until(lambda: visit_events_kept(engine, visit) == 1, 60, "the visit in the service's read model")
    engine.dispose()
    outcome: dict[str, object] = {}

    def upload() -> None:
        try:
            outcome["answer"] = requests.post(
                f"http://127.0.0.1:{port}/evidence",
                params={"node": COUNTY, "visit_id": visit, "kind": "documentary", "filename": "账簿.pdf"},
                data=pdf(300_000, "kill"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            )
        except requests.RequestException as error:
            outcome["error"] = error

    sender = threading.Thread(target=upload)
    sender.start()
    try:
        wait_until(marker.exists, 60, "the object write (fault marker)")
        process.kill9()
    finally:
        process.kill9()
    sender.join(60)
    assert "error" in outcome, "the client must not get an answer from a killed process"

    running = Running(f"http://127.0.0.1:{port}", config, key, fresh_database, None, servers)
    assert running.count("evidence") == 0 and running.count("upload_intent") == 1
    code, report = cli(config_path, "reconcile")
    assert code == 1
    [finding] = report["findings"]
    assert finding["finding"] == "interrupted_upload"
    [(evidence_id, object_key)] = running.rows("SELECT evidence_id, object_key FROM evidence.upload_intent")
    assert finding["key"] == object_key and object_key.endswith(str(evidence_id))
    assert not [f for f in report["findings"] if f["finding"] == "missing_object"]
