"""What a container runs before it serves: `python -m hrss.db.migrations --service NAME`. Replicas starting
together queue on the schema's advisory lock and all succeed; the schema ends at head once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.integration

PROBE = Path(__file__).resolve().parents[4] / "tests" / "e2e" / "probe"


def test_three_replicas_migrating_at_once_all_succeed_and_leave_one_version_row(fresh_database: str) -> None:
    env = {**os.environ, "HRSS_PG_DSN": fresh_database, "PYTHONPATH": str(PROBE.parent)}
    command = [sys.executable, "-m", "hrss.db.migrations", "--service", "probe", "--dir", str(PROBE / "migrations")]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outcomes = [(run.wait(60), run.stderr.read().decode()[-500:]) for run in runs]  # type: ignore[union-attr]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    engine = sa.create_engine(fresh_database)
    with engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT version_num FROM probe.alembic_version")).all()
    engine.dispose()
    assert len(versions) == 1


def test_without_a_database_address_it_refuses_clearly() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HRSS_PG_DSN"}
    run = subprocess.run(
        [sys.executable, "-m", "hrss.db.migrations", "--service", "probe"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 2 and "HRSS_PG_DSN" in run.stderr
