"""The attack replay's platform: the six services as `nameko run` processes of the central platform of 河北
(130000), each logging in to a fresh database as its own least-privileged role (as `make run` and the e2e journey
run them: tests/e2e/platform_cluster.py), started once for the whole suite."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "e2e"))  # the e2e platform harness, shared rather than copied

from forged_tokens import Minter  # noqa: E402
from owned_world import Replay, build_world  # noqa: E402
from replay_kit import SERVICES  # noqa: E402

from hrss.auth import SigningKey  # noqa: E402

DRAW_KEY = SigningKey.generate("service:draw")  # a service's own key, trusted as the platform trusts it


@pytest.fixture(scope="session")
def replay(servers, tmp_path_factory) -> Iterator[Replay]:  # type: ignore[no-untyped-def]
    from platform_cluster import platform_for

    with platform_for(servers, tmp_path_factory.mktemp("security-replay")) as platform:
        trusted = f"{platform.key.kid}={platform.key.public_base64()},{DRAW_KEY.kid}={DRAW_KEY.public_base64()}"
        platform.env["HRSS_AUTH_PUBLIC_KEYS"] = trusted
        platform.start(*SERVICES)
        minter = Minter(platform.key, DRAW_KEY)
        yield Replay(dict(platform.urls), minter, build_world(platform.urls, minter))
