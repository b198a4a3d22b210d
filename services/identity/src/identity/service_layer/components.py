"""What the use cases work with besides the unit of work: keys (the enrolment codes' recipients too), policies
(lockout per account, throttle per address, sessions), the clock, and how to reach the account repository.
`bootstrap.py` builds it from config; nothing here chooses an adapter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hrss.auth import LockoutPolicy, Passwords, SessionPolicy, TokenIssuer, TokenVerifier
from hrss.auth.sealing import Recipients
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts import utcnow
from hrss.db import UnitOfWork
from identity.domain.throttle import AddressThrottle

if TYPE_CHECKING:
    from identity.adapters.repository import AccountRepository


@dataclass
class Components:
    """Everything the use cases need besides the database; `repository(uow)` is the account repository in a
    unit of work (the SQLAlchemy one in production, a fake in the handler tests)."""

    issuer: TokenIssuer
    verifier: TokenVerifier
    passwords: Passwords
    cipher: AesGcmSecretCipher
    repository: Callable[[UnitOfWork], AccountRepository]
    code_recipients: Recipients  # the notification deployments' public keys enrolment codes are sealed to
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    throttle: AddressThrottle = field(default_factory=AddressThrottle)
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    totp_issuer: str = "HRSS"
    enrolment_ttl: timedelta = timedelta(hours=72)
    clock: Callable[[], datetime] = utcnow
