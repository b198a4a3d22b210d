"""What the local stack keeps on disk for itself — the owner's DSN, the object store's keys, the services' signing
and database secrets, their logs — is readable by the user who runs it and nobody else (issue 17, item 10)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

STATE = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack"))


def test_the_stack_env_file_and_the_local_secrets_are_private() -> None:
    env = STATE / "env"
    assert env.is_file(), "the local stack writes its env file when it starts (make test starts it)"
    private = [env, *(p for p in [STATE / "services" / "local-secrets.env"] if p.exists())]
    private += sorted((STATE / "services").glob("*.log")) if (STATE / "services").is_dir() else []
    for path in private:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}: group or others may read it"
