"""End-to-end fixtures: a province and two county processes of the probe service."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from cluster import ProbeCluster  # noqa: E402

from hrss.testing.databases import create_database, drop_database  # noqa: E402
from hrss.testing.kafka_admin import delete_namespace  # noqa: E402


@pytest.fixture(scope="module")
def probe_cluster(servers, tmp_path_factory) -> Iterator[ProbeCluster]:  # type: ignore[no-untyped-def]
    """Province 330000 and counties 330102, 330106, each with its own database; one relay."""
    from hrss.testing.plugin import _require
    from hrss.testing.servers import host_port_of

    _require("PostgreSQL", host_port_of(servers.pg_dsn))
    _require("Kafka", servers.kafka_bootstrap)
    run = uuid.uuid4().hex[:8]
    names = {node: f"e2e_{run}_{node}" for node in ProbeCluster.NODES}
    dsns = {node: create_database(servers.pg_dsn, name) for node, name in names.items()}
    namespace = f"e2e{run}"
    cluster = ProbeCluster(
        dsns=dsns,
        bootstrap=servers.kafka_bootstrap,
        namespace=namespace,
        log_dir=tmp_path_factory.mktemp("e2e-logs"),
        pythonpath=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        for name in names.values():
            drop_database(servers.pg_dsn, name)
        delete_namespace(servers.kafka_bootstrap, namespace)
