"""The publication service and its outbox relay as real OS processes (`nameko run`, `python -m hrss.bus.relay`), for
the indexer's kill -9 test and the indexing benchmark (tests/perf/bench_publication_index.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from publication.adapters.orm import SCHEMA
from publication.adapters.repository import SqlPublicationRepository
from publication.bootstrap import public_index
from publication.cli import latest_versions
from publication.domain.records import RecordVersion
from publication_testkit import service_config
from sqlalchemy.orm import Session

from hrss.auth import SigningKey
from hrss.db import make_engine
from hrss.testing.processes import ManagedProcess, free_port

TARGET = "publication.entrypoints.service:PublicationService"


class PublicationProcesses:
    """One publication service for the province (testkit's config) and its relay, each a process of its own."""

    def __init__(self, dsn: str, bootstrap: str, namespace: str, es_url: str, log_dir: Path, **settings: Any) -> None:
        port = free_port()
        self.config: dict[str, Any] = {
            **service_config(dsn, port, SigningKey.generate("test"), bootstrap, namespace, es_url, **settings),
            "AMQP_URI": "",
        }
        path = log_dir / "publication.yaml"
        path.write_text(yaml.safe_dump(self.config, allow_unicode=True), encoding="utf-8")
        self.url = f"http://127.0.0.1:{port}"
        self.service = ManagedProcess(
            "publication",
            [sys.executable, "-m", "nameko", "run", "--config", str(path), TARGET],
            {},
            log_dir,
            health_url=f"{self.url}/health",
        )
        relay = ["--service", "publication", "--dsn", dsn, "--bootstrap", bootstrap, "--namespace", namespace]
        self.relay = ManagedProcess("publication-relay", [sys.executable, "-m", "hrss.bus.relay", *relay], {}, log_dir)
        self.dsn = dsn

    def start(self) -> PublicationProcesses:
        self.relay.start()
        self.service.start(timeout=120)
        return self

    def stop(self) -> None:
        self.service.stop()
        self.relay.stop()

    def public_index(self, prefix: str | None = None) -> Any:
        """The service's public index (PublicIndex), or the same settings under another index prefix."""
        if prefix is None:
            return public_index(self.config)
        return public_index({**self.config, "SEARCH": {**self.config["SEARCH"], "prefix": prefix}})

    def latest_versions(self) -> Iterator[RecordVersion]:
        """The latest version of every public record in the service's database (what the index must hold)."""
        engine = make_engine(self.dsn, schema=SCHEMA, pool_size=1, application_name="publication-test")
        try:
            with Session(engine) as session:
                yield from latest_versions(SqlPublicationRepository(session))
        finally:
            engine.dispose()
