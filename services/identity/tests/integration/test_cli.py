"""`python -m identity.cli create-admin`: reads the password from stdin, prints the URI once, refuses repeats."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from identity_testkit import NOTIFICATION_KEYS, PASSWORD, SERVICE_DIR, migrate

from hrss.auth import SigningKey

pytestmark = pytest.mark.integration


def run(dsn: str, key: SigningKey, login: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HRSS_PG_DSN": dsn,
        "HRSS_NODES": "330000",
        "HRSS_AUTH_SIGNING_KEY": f"{key.kid}={key.private_base64()}",
        "HRSS_IDENTITY_TOTP_KEY": "k1=" + "A" * 43 + "=",
        "HRSS_ENROLMENT_SEAL_PUBLIC_KEYS": NOTIFICATION_KEYS.public_text(),
    }
    args = ["create-admin", "--node", "330000", "--login", login, "--name", "管理员", "--password-stdin"]
    return subprocess.run(
        [sys.executable, "-m", "identity.cli", *args],
        input=password + "\n",
        env=env,
        cwd=SERVICE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_create_admin_prints_the_totp_uri_and_refuses_a_second_admin(fresh_database):  # type: ignore[no-untyped-def]
    migrate(fresh_database)
    key = SigningKey.generate("k")
    assert run(fresh_database, key, "admin", "short").returncode == 1  # the password policy applies
    first = run(fresh_database, key, "admin")
    assert first.returncode == 0, first.stderr
    assert "otpauth://totp/" in first.stdout and "secret=" in first.stdout
    again = run(fresh_database, key, "admin")
    assert again.returncode == 1 and "account.login_taken" in again.stderr
    other = run(fresh_database, key, "admin2")
    assert other.returncode == 1 and "account.node_not_empty" in other.stderr
