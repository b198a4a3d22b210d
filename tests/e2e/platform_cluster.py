"""The platform's real services as processes for end-to-end tests: the province's services sharing one database
(each in its own schema), their relays, county processes with databases of their own, and readers of Kafka."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
from kafka import KafkaConsumer, TopicPartition

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.auth.sealing import OpeningKeys
from hrss.db.migrations import upgrade
from hrss.db.roles import create_login_role, drop_role, grant_service, with_role
from hrss.storage.users import admin_clients, ensure_locked_bucket, ensure_service_user, remove_service_user
from hrss.testing.databases import create_database, drop_database
from hrss.testing.kafka_admin import delete_namespace
from hrss.testing.processes import ManagedProcess, free_port, nameko_service, wait_until

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
PROVINCE = "130000"
TARGETS = {
    "identity": "identity.entrypoints.service:IdentityService",
    "registry": "registry.entrypoints.service:RegistryService",
    "planning": "planning.entrypoints.service:PlanningService",
    "draw": "draw.entrypoints.service:DrawService",
    "inspection": "inspection.entrypoints.service:InspectionService",
    "evidence": "evidence.entrypoints.service:EvidenceService",
    "publication": "publication.entrypoints.service:PublicationService",
    "notification": "notification.entrypoints.service:NotificationService",
}


# the bucket of each service that keeps objects, as its config.yaml names it from the environment
BUCKETS = {
    "draw": lambda env: env["HRSS_DRAW_BUCKET"],
    "evidence": lambda env: env.get("HRSS_EVIDENCE_BUCKET", "hrss-evidence"),
}


class Platform:
    def __init__(self, servers: Any, dsn: str, namespace: str, log_dir: Path) -> None:
        self.servers, self.dsn, self.namespace, self.log_dir = servers, dsn, namespace, log_dir
        self.bootstrap = servers.kafka_bootstrap
        self.key = SigningKey.generate("e2e")
        # enrolment codes: sealed by identity to the notification senders' key, sent to the mail catcher's Maildir,
        # where each person reads their own (hrss.testing.people.Mailbox)
        self.seal_keys = OpeningKeys.generate("e2e-notification")
        self.smtp_port = free_port()
        self.maildir = log_dir / "maildir"
        self.mail_catcher: ManagedProcess | None = None
        self.env = {
            "HRSS_NODES": PROVINCE,
            "HRSS_PG_DSN": dsn,
            "HRSS_KAFKA_BOOTSTRAP": self.bootstrap,
            "HRSS_TOPIC_NAMESPACE": namespace,
            "HRSS_AUTH_PUBLIC_KEYS": f"{self.key.kid}={self.key.public_base64()}",
            "HRSS_REGISTRY_PERSONAL_KEY": "k1=" + base64.b64encode(os.urandom(32)).decode(),
            "HRSS_S3_ENDPOINT": servers.s3_endpoint,  # keys: each service's own user (as_service), never root
            "HRSS_DRAW_BUCKET": f"e2e-{namespace}",
            "HRSS_DRAW_RETENTION_DAYS": "1",
            # only the identity service signs tokens; every other service verifies them with the public key
            "HRSS_AUTH_SIGNING_KEY": f"{self.key.kid}={self.key.private_base64()}",
            "HRSS_IDENTITY_TOTP_KEY": "t1=" + base64.b64encode(os.urandom(32)).decode(),
            "HRSS_EVIDENCE_RETENTION_MODE": "GOVERNANCE",
            "HRSS_EVIDENCE_RETENTION_DAYS": "1",
            # the province's audit checkpoints (every 300 s, the default: no test waits for one)
            "HRSS_AUDIT_ANCHOR_BUCKET": f"e2e-anchor-{namespace}",
            "HRSS_AUDIT_ANCHOR_RETENTION_MODE": "GOVERNANCE",
            "HRSS_AUDIT_ANCHOR_RETENTION_DAYS": "1",
            "HRSS_ENROLMENT_SEAL_PUBLIC_KEYS": self.seal_keys.public_text(),
            "HRSS_SMTP_HOST": "127.0.0.1",
            "HRSS_SMTP_PORT": str(self.smtp_port),
        }
        self.node_keys: dict[str, SigningKey] = {}
        self.processes: list[ManagedProcess] = []
        self.urls: dict[str, str] = {}
        self.services: dict[str, ManagedProcess] = {}
        self.county_dsns: list[str] = []
        self.roles: set[str] = set()
        self.role_password = secrets.token_urlsafe(18)
        self.storage_users: set[str] = set()

    def as_service(self, name: str, dsn: str, env: dict[str, str] | None = None) -> dict[str, str]:
        """`env` for service `name` connecting to `dsn` as its own login role (created once per run), granted its
        rights on its schema as a container's migration step grants them (`hrss.db.roles`): least privilege."""
        role = f"{self.namespace}_{name}"
        if role not in self.roles:
            create_login_role(dsn, role, self.role_password)
            self.roles.add(role)
        grant_service(dsn, name, role)
        env = env or self.env
        login = with_role(dsn, role, self.role_password)
        return {**env, **self.storage_keys(name), **self.audit_keys(env), "HRSS_PG_DSN": login}

    def audit_keys(self, env: dict[str, str]) -> dict[str, str]:
        """The audit checkpoint keys of a process (`hrss.bus.checkpoints`): one Ed25519 key per node (made once per
        run), signing for the nodes it serves, trusting those of the federated nodes below it."""

        def key(node: str) -> SigningKey:
            return self.node_keys.setdefault(node, SigningKey.generate(f"{node}.e2e"))

        served = [n for n in env["HRSS_NODES"].split(",") if n]
        below = [n for n in env.get("HRSS_DELEGATED_NODES", "").split(",") if n]
        return {
            "HRSS_AUDIT_SIGNING_KEYS": ",".join(f"{n}:{key(n).kid}={key(n).private_base64()}" for n in served),
            "HRSS_AUDIT_TRUSTED_KEYS": ",".join(f"{key(n).kid}={key(n).public_base64()}" for n in below),
        }

    def storage_keys(self, name: str) -> dict[str, str]:
        """The object-store keys of service `name`: its own user, limited to its bucket and the audit anchor's, set
        up once per run with the root key as a deployment's setup step does (`hrss.storage`)."""
        bucket = BUCKETS.get(name, lambda env: "")(self.env)
        buckets = [b for b in (bucket, self.env["HRSS_AUDIT_ANCHOR_BUCKET"]) if b]  # every service anchors
        user = f"{self.namespace}-{name}"
        if user not in self.storage_users:
            client, admin = admin_clients(
                self.servers.s3_endpoint, self.servers.s3_access_key, self.servers.s3_secret_key, False
            )
            for each in buckets:
                ensure_locked_bucket(client, each)
            ensure_service_user(admin, user, user, self.role_password, buckets)
            self.storage_users.add(user)
        return {"HRSS_S3_ACCESS_KEY": user, "HRSS_S3_SECRET_KEY": self.role_password}

    def relay(self, service: str, env: dict[str, str] | None = None, label: str = "") -> ManagedProcess:
        port = free_port()
        return ManagedProcess(
            f"{service}-relay{label}",
            [sys.executable, "-m", "hrss.bus.relay", "--service", service, "--metrics-port", str(port)],
            env or self.env,
            self.log_dir,
            health_url=f"http://127.0.0.1:{port}/metrics",
        )

    def notification_workers(self, env: dict[str, str], label: str = "") -> list[ManagedProcess]:
        """The mail catcher (once) and a notification deployment's sender, which alone holds the key that opens
        enrolment codes."""
        found = []
        if self.mail_catcher is None:
            listen = f"127.0.0.1:{self.smtp_port}"
            self.mail_catcher = ManagedProcess(
                "mail-catcher",
                [
                    sys.executable,
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-l",
                    listen,
                    "-c",
                    "aiosmtpd.handlers.Mailbox",
                    str(self.maildir),
                ],
                {},
                self.log_dir,
            )
            self.urls["mail"] = f"maildir:{self.maildir}"
            found.append(self.mail_catcher)
        port = free_port()
        sender_env = {
            **env,
            "HRSS_ENROLMENT_SEAL_KEYS": self.seal_keys.private_text(),
            "HRSS_NOTIFICATION_SENDER_METRICS_PORT": str(port),
        }
        found.append(
            ManagedProcess(
                f"notification-sender{label}",
                [sys.executable, "-m", "notification.entrypoints.sender"],
                sender_env,
                self.log_dir,
                health_url=f"http://127.0.0.1:{port}/metrics",
            )
        )
        return found

    def load_seed_checklist(self, *args: str) -> str:
        """`registry.cli load-checklist` with the real checklist of seeds/002 (the shared seeds folder)."""
        from hrss.testing.seeds import CHECKLIST_DOCUMENT, seed_document

        return self.registry_cli("load-checklist", "--file", str(seed_document(CHECKLIST_DOCUMENT)), *args)

    def registry_cli(self, *args: str) -> str:
        """Run the registry's operator CLI at the province (its outbox goes out through the registry relay); its
        output (an import's report)."""
        upgrade(ROOT / "services/registry/migrations", self.dsn, "registry")
        done = subprocess.run(
            [sys.executable, "-m", "registry.cli", *args],
            env={**os.environ, **self.as_service("registry", self.dsn)},
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def start(self, *services: str) -> None:
        """Migrate the registry and `services`, then start the registry relay and each service with its relay."""
        upgrade(ROOT / "services/registry/migrations", self.dsn, "registry")
        for name in services:
            upgrade(ROOT / f"services/{name}/migrations", self.dsn, name)
        started = [] if "registry" in services else [self.relay("registry", self.as_service("registry", self.dsn))]
        for name in services:
            env = self.as_service(name, self.dsn)
            process, self.urls[name] = nameko_service(
                name, TARGETS[name], ROOT / f"services/{name}/config.yaml", env, self.log_dir
            )
            self.services[name] = process
            started += [process, self.relay(name, env)]
            if name == "notification":
                started += self.notification_workers(env)
        for process in started:
            process.start()
            self.processes.append(process)

    def start_county(self, node: str, *services: str) -> dict[str, str]:
        """A federated county node: `services` (e.g. inspection, evidence) with their relays, serving `node` only,
        in a database of the county's own; returns their URLs."""
        dsn = create_database(self.servers.pg_dsn, f"e2e_{self.namespace}_{node}")
        self.county_dsns.append(dsn)
        env = {**self.env, "HRSS_NODES": node, "HRSS_PG_DSN": dsn, "HRSS_DELEGATED_NODES": ""}
        urls = {}
        for name in services:
            upgrade(ROOT / f"services/{name}/migrations", dsn, name)
            own = self.as_service(name, dsn, env)
            process, urls[name] = nameko_service(
                f"{name}-{node}", TARGETS[name], ROOT / f"services/{name}/config.yaml", own, self.log_dir
            )
            self.services[f"{name}-{node}"], self.urls[f"{name}-{node}"] = process, urls[name]
            workers = self.notification_workers(own, f"-{node}") if name == "notification" else []
            for started in (process, self.relay(name, own, f"-{node}"), *workers):
                started.start()
                self.processes.append(started)
        return urls

    def start_county_inbox(self, node: str) -> str:
        """A county process with its own database receiving the draw's dispatches addressed to `node`."""
        dsn = create_database(self.servers.pg_dsn, f"e2e_{self.namespace}_{node}")
        self.county_dsns.append(dsn)
        upgrade(HERE / "county_inbox" / "migrations", dsn, "county_inbox")
        env = {
            **self.env,
            "HRSS_NODES": node,
            "HRSS_PG_DSN": dsn,
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        }
        process, url = nameko_service(
            f"county-{node}",
            "county_inbox.service:CountyInbox",
            HERE / "county_inbox" / "config.yaml",
            env,
            self.log_dir,
        )
        process.start()
        self.processes.append(process)
        return url

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def token(self, node: str, roles: frozenset[Role] = frozenset({Role.PLANNER})) -> str:
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(
            Principal(f"planner@{node}", "计划编制人员", node, roles)
        )

    def as_(self, node: str, service: str = "planning", roles: frozenset[Role] = frozenset({Role.PLANNER})) -> Any:
        token = self.token(node, roles)
        url = self.urls[service]

        class Caller:
            def call(self, method: str, path: str, body: object = None, **params: Any) -> Any:
                headers = {"Authorization": f"Bearer {token}"}
                answer = requests.request(
                    method, url + path, json=body, params=params or None, headers=headers, timeout=60
                )
                assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
                return answer.json()

        return Caller()

    def read_topic(self, topic: str) -> list[Any]:
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
        name = f"{self.namespace}.{topic}"
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        records: list[Any] = []
        if partitions:
            consumer.assign(partitions)
            consumer.seek_to_beginning()
            records = list(consumer)
        consumer.close()
        return records

    def events(self, topic: str, count: int) -> list[dict[str, Any]]:
        """The envelopes on `topic`, once there are at least `count` of them."""
        found: list[Any] = []

        def enough() -> bool:
            found[:] = self.read_topic(topic)
            return len(found) >= count

        wait_until(enough, 60, f"{count} events on {topic}")
        return [json.loads(record.value) for record in found]


@contextlib.contextmanager
def platform_for(servers: Any, log_dir: Path) -> Iterator[Platform]:
    """A platform in a fresh database and Kafka namespace, removed afterwards."""
    from hrss.testing.plugin import _require
    from hrss.testing.servers import host_port_of

    _require("PostgreSQL", host_port_of(servers.pg_dsn))
    _require("Kafka", servers.kafka_bootstrap)
    run = uuid.uuid4().hex[:8]
    name = f"e2e_{run}"
    dsn = create_database(servers.pg_dsn, name)
    platform = Platform(servers, dsn, f"e2e{run}", log_dir)
    try:
        yield platform
    finally:
        platform.stop()
        drop_database(servers.pg_dsn, name)
        for county in platform.county_dsns:
            drop_database(servers.pg_dsn, county.rsplit("/", 1)[1])
        for role in platform.roles:  # their grants went with the databases
            drop_role(servers.pg_dsn, role)
        _client, admin = admin_clients(servers.s3_endpoint, servers.s3_access_key, servers.s3_secret_key, False)
        for user in platform.storage_users:
            remove_service_user(admin, user, user)
        delete_namespace(servers.kafka_bootstrap, platform.namespace)
        # the run's search indexes (publication names them <prefix>-<topic namespace>-…)
        requests.delete(f"{servers.es_url}/*-{platform.namespace}-*", params={"expand_wildcards": "all"}, timeout=30)
