"""Helpers for the evidence service's tests: config, tokens, uploads, approved results on Kafka, database reads."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Producer, registry
from hrss.contracts.events.inspection import ResultApproved, VisitExtended, VisitOpened, VisitStatusChanged
from hrss.testing.documents import pdf_document

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE, COUNTY, OTHER_COUNTY = "130000", "130102", "130104"
USCC = "91130102MA0000001X"
# the registry inspectors of the test visits' team (as on the approved results' record forms), and one on no team
INSPECTOR_1, INSPECTOR_2, STRANGER = (str(uuid.uuid5(uuid.NAMESPACE_URL, f"i{n}")) for n in (1, 2, 9))
VISIT_TOPICS = ("inspection.visit_opened.v1", "inspection.visit_extended.v1", "inspection.visit_status_changed.v1")

# a minimal but real PDF (a parser reads it: objects, cross-reference table, trailer, `%%EOF` last) and a PNG's
# first bytes (its magic and header only: not an image that decodes)
PDF = pdf_document()
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def pdf(size: int = 0, salt: str = "") -> bytes:
    """A real PDF of about `size` bytes (padding in its content stream), distinct per `salt`."""
    return pdf_document(f"salt {salt}", size=size)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def service_config(
    dsn: str, port: int, key: SigningKey, bootstrap: str, namespace: str, servers: Any, bucket: str, **evidence: Any
) -> dict[str, Any]:
    return {
        "NODES": f"{PROVINCE},{COUNTY}",  # the province, and the county as a tenant: its results' topic
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
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
            "max_bytes": 2 * 1024 * 1024,
            "zip_max_expanded": 5 * 1024 * 1024,
            "zip_max_ratio": 100,
            **evidence,
        },
        # the archive index, named after the test's topic namespace (removed by the fixture that starts the service)
        "SEARCH": {"url": servers.es_url, "prefix": "test"},
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "evidence")


def ensure_topics(broker: Any) -> None:
    results = [f"inspection.result_approved.v1.{node}" for node in (PROVINCE, COUNTY)]
    # our own archive events, consumed by the archive index
    archives = [
        f"evidence.{name}.v1.{node}" for name in ("archive_filed", "archive_amended") for node in (PROVINCE, COUNTY)
    ]
    broker.ensure_topics([TopicSpec(topic) for topic in (*results, *VISIT_TOPICS, *archives)])


def _team(inspectors: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"inspector_id": i, "credential_no": f"1301022027{n:02d}", "name": f"检查员{n}"}
        for n, i in enumerate(inspectors, 1)
    ]


TEAM = (INSPECTOR_1, INSPECTOR_2)


def visit_opened(visit_id: str, node: str = COUNTY, inspectors: tuple[str, ...] = TEAM) -> VisitOpened:
    task_id = uuid.uuid5(uuid.NAMESPACE_URL, f"task-{visit_id}")
    return VisitOpened(
        visit_id=uuid.UUID(visit_id),
        node=node,
        uscc=USCC,
        entity_name="石家庄测试制造有限公司",
        task_ids=[task_id],
        assignment_ids=[uuid.uuid5(uuid.NAMESPACE_URL, f"assignment-{visit_id}")],
        inspectors=_team(inspectors),
        due=date(2027, 6, 30),
        opened_at=datetime.now(UTC),
    )


def visit_extended(visit_id: str, inspectors: tuple[str, ...], node: str = COUNTY) -> VisitExtended:
    opened = visit_opened(visit_id, node, inspectors)
    return VisitExtended(
        visit_id=opened.visit_id,
        node=node,
        uscc=USCC,
        task_ids=opened.task_ids,
        assignment_ids=opened.assignment_ids,
        inspectors=opened.inspectors,
        due=opened.due,
        extended_at=datetime.now(UTC),
    )


def visit_closed(visit_id: str, reason: str, node: str = COUNTY) -> VisitStatusChanged:
    return VisitStatusChanged(
        visit_id=uuid.UUID(visit_id),
        node=node,
        uscc=USCC,
        region_code=node,
        task_ids=[uuid.uuid5(uuid.NAMESPACE_URL, f"task-{visit_id}")],
        status="closed",
        reason=reason,
        at=datetime.now(UTC),
    )


def publish_visit_event(broker: Any, event: VisitOpened | VisitExtended | VisitStatusChanged) -> None:
    """Publish a visit event as the inspection service of the visit's node does (on the contract's one topic)."""
    node = str(event.node)
    envelope = registry.build(event, subject=str(event.visit_id), producer=Producer(service="inspection", node=node))
    contract = registry.contract_of(type(event))
    broker.publish_many([Message(contract.topic, str(event.visit_id).encode(), envelope.to_bytes())])


def visit_events_kept(engine: Any, visit_id: str) -> int:
    with engine.connect() as connection:
        query = sa.text("SELECT count(*) FROM evidence.visit_event WHERE visit_id = :v")
        return int(connection.execute(query, {"v": visit_id}).scalar_one())


def approved_result(visit_id: str, version: int = 1, node: str = COUNTY, overall: str = "no_problem") -> ResultApproved:
    task_id = uuid.uuid5(uuid.NAMESPACE_URL, f"task-{visit_id}")
    inspectors = [
        {"inspector_id": uuid.UUID(i), "credential_no": f"13010220270{n}", "name": f"检查员{n}"}
        for n, i in enumerate((INSPECTOR_1, INSPECTOR_2), 1)
    ]
    return ResultApproved(
        result_id=uuid.uuid5(uuid.NAMESPACE_URL, f"result-{visit_id}"),
        visit_id=uuid.UUID(visit_id),
        node=node,
        version=version,
        uscc=USCC,
        entity_name="石家庄测试制造有限公司",
        region_code=node,
        task_ids=[task_id],
        overall=overall,
        items=[
            {
                "task_id": task_id,
                "item_id": "item-1",
                "item_version": 1,
                "item_name": "劳动用工检查",
                "category": overall,
                "findings": "未发现问题" if version == 1 else f"第 {version} 版：复核后更正",
                "methods": ["on_site"],
            }
        ],
        record={
            "inspected_on": date(2027, 4, 10),
            "inspectors": inspectors,
            "entity_signed": True,
            "refusal_note": None,
            "methods": ["on_site"],
            "record_sha256": sha256(b"record form " + visit_id.encode()),
        },
        public=True,
        reviewer="reviewer@130102",
        approved_at=datetime(2027, 4, 12, 2, 0, tzinfo=UTC),
    )


class Running:
    def __init__(self, url: str, config: dict[str, Any], key: SigningKey, dsn: str, broker: Any, servers: Any) -> None:
        self.url, self.config, self.key, self.dsn, self.broker, self.servers = url, config, key, dsn, broker, servers
        self.engine = sa.create_engine(dsn)
        self.bucket = config["S3"]["bucket"]

    def token(self, roles: set[str], node: str = COUNTY, user: str | None = None, inspector: str | None = None) -> str:
        """A token as identity signs it; `inspector`: the registry inspector the account is linked to."""
        account = user or f"{sorted(roles)[0]}@{node}"
        link = {"inspector_id": inspector, "credential_no": f"证-{inspector}"} if inspector else {}
        principal = Principal(account, "测试人员", node, frozenset(Role(r) for r in roles), **link)  # type: ignore[arg-type]
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal)

    def call(self, method: str, path: str, roles: set[str] | None, node: str = COUNTY, body: object = None, **kw: Any):  # type: ignore[no-untyped-def]
        user, inspector = kw.pop("user", None), kw.pop("inspector", None)
        headers = {"Authorization": f"Bearer {self.token(roles, node, user, inspector)}"} if roles else {}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=120, **kw)

    def upload(self, visit_id: str, data: Any, filename: str = "账簿.pdf", kind: str = "documentary", **params: Any):  # type: ignore[no-untyped-def]
        """Upload as a person of the county: by default an inspector linked to the visit team's first inspector."""
        roles = params.pop("roles", {"inspector"})
        inspector = params.pop("inspector", INSPECTOR_1 if "inspector" in roles else None)
        token = self.token(roles, params.pop("as_node", COUNTY), params.pop("user", None), inspector)
        query = {"node": params.pop("node", COUNTY), "visit_id": visit_id, "kind": kind, "filename": filename, **params}
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"}
        return requests.post(self.url + "/evidence", params=query, data=data, headers=headers, timeout=120)

    def visit_event(self, event: VisitOpened | VisitExtended | VisitStatusChanged, wait: bool = True) -> None:
        """Publish a visit event and (unless `wait` is false) wait until the service has kept it."""
        visit_id = str(event.visit_id)
        before = visit_events_kept(self.engine, visit_id)
        publish_visit_event(self.broker, event)
        if wait:
            wait_for(lambda: visit_events_kept(self.engine, visit_id) > before, 60, f"visit event of {visit_id}")

    def open_visit(self, node: str = COUNTY, inspectors: tuple[str, ...] = TEAM) -> str:
        """A new visit opened by the inspection service at `node`, once the evidence service has it."""
        visit_id = str(uuid.uuid4())
        self.visit_event(visit_opened(visit_id, node, inspectors))
        return visit_id

    def publish_result(self, result: ResultApproved) -> None:
        node = str(result.node)
        envelope = registry.build(
            result, subject=str(result.visit_id), producer=Producer(service="inspection", node=node), target_node=node
        )
        topic = f"inspection.result_approved.v1.{node}"
        self.broker.publish_many([Message(topic, str(result.visit_id).encode(), envelope.to_bytes())])

    def file(self, visit_id: str, version: int = 1) -> dict[str, Any]:
        """Publish the approved result and wait until its archive has `version`; returns the archive view."""
        self.publish_result(approved_result(visit_id, version))
        wait_for(
            lambda: self.rows(
                "SELECT 1 FROM evidence.archive a JOIN evidence.archive_version v USING (archive_id) "
                f"WHERE a.visit_id = '{visit_id}' AND v.result_version = {version}"
            ),
            60,
            f"archive of {visit_id} for result version {version}",
        )
        return self.call("GET", f"/visits/{visit_id}/archive", {"archive_keeper"}).json()  # type: ignore[no-any-return]

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        with self.engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]

    def count(self, table: str, where: str = "true") -> int:
        return int(self.rows(f"SELECT count(*) FROM evidence.{table} WHERE {where}")[0][0])

    def audits(self, action: str) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT * FROM evidence.audit_entry WHERE action = :a ORDER BY recorded_at, seq"), {"a": action}
            )
            return [dict(r._mapping) for r in found]


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def write_config(path: Path, config: dict[str, Any]) -> Path:
    """A config file for `nameko run` or `python -m evidence.cli` (plain YAML, nothing to substitute)."""
    import yaml

    path.write_text(yaml.safe_dump({**config, "AMQP_URI": "", "max_workers": 10}, allow_unicode=True), encoding="utf-8")
    return path


def cli(config_path: Path, command: str) -> tuple[int, dict[str, Any]]:
    """Run `python -m evidence.cli <command>` as its own process; its exit code and JSON report."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "evidence.cli", command, "--config", str(config_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout)


def tamper_on_disk(bucket: str, key: str) -> Path:
    """Flip one byte of the stored data of `key` in MinIO's single-drive directory: an alteration behind the
    platform's back (only a disk fault or someone with access to the server could do it). The object must be
    over MinIO's inline limit (128 KiB) so that its data lives in a part file, and have one version."""
    import os

    state = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack"))
    parts = sorted((state / "minio" / "data" / bucket / key).glob("*/part.1"))
    assert len(parts) == 1, f"expected one part file for {key}, found {parts}"
    raw = bytearray(parts[0].read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    parts[0].write_bytes(bytes(raw))
    return parts[0]
