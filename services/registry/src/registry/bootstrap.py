"""The one place where real adapters and policies are chosen, from config with environment overrides."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hrss.audit import AuditLog
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts import new_trace_id, parse_nodes, utcnow
from hrss.db import UnitOfWork
from hrss.workdays import WorkdayCalendar, default_calendar
from registry.adapters.orm import audit_entry, outbox
from registry.domain.regions import RegionTable

FRESHNESS_WORKING_DAYS = 5  # 004 §7.2.2, §7.3.2: a change is applied within 5 working days of becoming known


@dataclass
class Components:
    """Everything the use cases need besides the database."""

    regions: RegionTable
    calendar: WorkdayCalendar
    cipher: AesGcmSecretCipher
    freshness_days: int = FRESHNESS_WORKING_DAYS
    clock: Callable[[], datetime] = field(default=utcnow)


def personal_data_cipher(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> AesGcmSecretCipher:
    """The key that encrypts national ID and phone numbers: `HRSS_REGISTRY_PERSONAL_KEY` (kid=base64,…)."""
    text = environ.get("HRSS_REGISTRY_PERSONAL_KEY") or str((config.get("REGISTRY") or {}).get("personal_key") or "")
    return AesGcmSecretCipher.parse(text, "个人信息", "HRSS_REGISTRY_PERSONAL_KEY")


def bootstrap(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Components:
    """Components from config; fails at start (bad key, unreadable holiday file), not at the first request."""
    registry = config.get("REGISTRY") or {}
    return Components(
        regions=RegionTable.load(),
        calendar=default_calendar(),
        cipher=personal_data_cipher(config, environ),
        freshness_days=int(registry.get("freshness_working_days", FRESHNESS_WORKING_DAYS)),
    )


def unit_of_work(engine: Engine, nodes: tuple[str, ...], algorithm: str = "sha256", trace_id: str | None = None):  # type: ignore[no-untyped-def]
    """A unit of work outside nameko (CLI, imports): the same outbox and audit chain as the service's."""
    trace = trace_id or new_trace_id()
    return UnitOfWork(
        Session(engine, expire_on_commit=False),
        outbox,
        service="registry",
        nodes=tuple(n.code for n in parse_nodes(list(nodes))),
        trace_id=lambda: trace,
        audit_log=AuditLog(audit_entry, algorithm),
    )
