"""config.yaml as `nameko run` reads it (its ${ENV:default} substitution), bootstrapped: a setting nameko cannot
parse or bootstrap refuses fails here, not at the first start of the service."""

from __future__ import annotations

from pathlib import Path

import pytest
from publication.bootstrap import bootstrap
from publication.cli import load_config

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def test_the_service_s_config_loads_and_bootstraps(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HRSS_NODES", "HRSS_PG_DSN", "HRSS_KAFKA_BOOTSTRAP"):
        monkeypatch.setenv(name, "330000" if name == "HRSS_NODES" else "x")
    monkeypatch.setenv("HRSS_DRAW_PUBLIC_URL", "https://draw.example.gov.cn/")
    config = load_config(CONFIG)
    components = bootstrap(config)
    assert components.draw_verification.format(draw_id="d-1") == "https://draw.example.gov.cn/draws/d-1/public"
    assert components.bodies["330102"] == "杭州市上城区人力资源和社会保障局"
