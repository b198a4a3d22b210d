"""The handler tests' fixtures: the identity use cases over fakes, and its first administrator."""

from __future__ import annotations

import pytest
from handlers_harness import Identity
from identity.domain.model import Account


@pytest.fixture
def identity() -> Identity:
    return Identity()


@pytest.fixture
def admin(identity: Identity) -> Account:
    return identity.first_admin()[0]
