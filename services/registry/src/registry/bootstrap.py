"""The one place where real adapters and policies are chosen, from config with environment overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from hrss.auth.secrets import AesGcmSecretCipher
from hrss.workdays import default_calendar
from registry.adapters.repository import sql_repository
from registry.adapters.units import unit_of_work
from registry.domain.regions import RegionTable
from registry.service_layer.components import FRESHNESS_WORKING_DAYS, Components

__all__ = ["Components", "bootstrap", "personal_data_cipher", "unit_of_work"]


def personal_data_cipher(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> AesGcmSecretCipher:
    """The key that encrypts national ID and phone numbers: `HRSS_REGISTRY_PERSONAL_KEY` (kid=base64,…)."""
    text = environ.get("HRSS_REGISTRY_PERSONAL_KEY") or str((config.get("REGISTRY") or {}).get("personal_key") or "")
    return AesGcmSecretCipher.parse(text, "个人信息", "HRSS_REGISTRY_PERSONAL_KEY")


def bootstrap(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Components:
    """Components from config; fails at start (bad key, unreadable holiday file), not at the first request."""
    registry = config.get("REGISTRY") or {}
    cipher = personal_data_cipher(config, environ)
    return Components(
        regions=RegionTable.load(),
        calendar=default_calendar(),
        cipher=cipher,
        repository=sql_repository(cipher),
        freshness_days=int(registry.get("freshness_working_days", FRESHNESS_WORKING_DAYS)),
    )
