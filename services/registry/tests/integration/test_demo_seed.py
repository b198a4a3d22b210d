"""The run scripts' demo tool (infra/local/registry_demo, what `make run` seeds a fresh platform with) loads a
province through the registry's importer and checklist loader, and leaves a registry that has data alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from registry_testkit import PROVINCE, migrate, personal_key

pytestmark = pytest.mark.integration

TOOLS = Path(__file__).resolve().parents[4] / "infra" / "local"


def seed(dsn: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HRSS_PG_DSN": dsn, "HRSS_NODES": PROVINCE, "HRSS_REGISTRY_PERSONAL_KEY": personal_key()}
    command = [sys.executable, "-m", "registry_demo", "seed", "--entities", "300", "--inspectors-per-county", "1"]
    return subprocess.run([*command, "--if-empty"], env=env, cwd=TOOLS, capture_output=True, text=True, check=True)


def test_the_demo_tool_loads_a_province_once(fresh_database: str) -> None:
    migrate(fresh_database)
    first = json.loads(seed(fresh_database).stdout)
    again = seed(fresh_database).stdout
    engine = sa.create_engine(fresh_database)
    try:
        with engine.connect() as connection:
            entities = connection.execute(sa.text("SELECT count(*) FROM registry.entity_current")).scalar_one()
            items = connection.execute(sa.text("SELECT count(*) FROM registry.check_item")).scalar_one()
    finally:
        engine.dispose()
    assert first["entities"]["created"] == 300 == entities
    assert first["inspectors"]["created"] > 0 and first["inspectors"]["rejected"] == 0
    assert first["checklist"]["items"] == items == 9
    assert "不再生成演示数据" in again
