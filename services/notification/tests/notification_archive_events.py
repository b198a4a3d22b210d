"""The evidence events the notification service hears for archive keepers and requesters, for its tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from notification_testkit import COUNTY_A, uscc

from hrss.contracts.events.evidence import (
    AccessGranted,
    AccessRefused,
    AccessRequested,
    ArchiveLent,
    ArchiveReturned,
)

AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
ARCHIVE = uuid.uuid5(uuid.NAMESPACE_URL, "archive-1")
REQUEST = uuid.uuid5(uuid.NAMESPACE_URL, "request-1")
REQUESTER = "auditor-account-1"
KEEPER = "keeper-account-1"


def requested(node: str = COUNTY_A) -> AccessRequested:
    return AccessRequested(
        request_id=REQUEST, archive_id=ARCHIVE, node=node, uscc=uscc(1, node), entity_name="杭州测试1号有限公司",
        versions=[1, 2], mode="borrow", purpose="案件复查", requester=REQUESTER,
        valid_until=datetime(2026, 6, 20, 10, 0, tzinfo=UTC), requested_at=AT,
    )  # fmt: skip


def granted(node: str = COUNTY_A) -> AccessGranted:
    return AccessGranted(
        grant_id=uuid.uuid5(uuid.NAMESPACE_URL, "grant-1"), request_id=REQUEST, archive_id=ARCHIVE, node=node,
        versions=[1, 2], mode="borrow", grantee=REQUESTER, valid_until=datetime(2026, 6, 20, 10, 0, tzinfo=UTC),
    )  # fmt: skip


def refused(node: str = COUNTY_A) -> AccessRefused:
    return AccessRefused(
        request_id=REQUEST, archive_id=ARCHIVE, node=node, requester=REQUESTER, position="leader_in_charge",
        approver="leader-1", comment="用途与案件无关", refused_at=AT,
    )  # fmt: skip


def _borrowing(n: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"borrowing-{n}")


def lent(n: int = 1, due_back: date = date(2026, 6, 30), node: str = COUNTY_A) -> ArchiveLent:
    return ArchiveLent(
        borrowing_id=_borrowing(n), grant_id=uuid.uuid5(uuid.NAMESPACE_URL, "grant-1"), archive_id=ARCHIVE,
        node=node, uscc=uscc(n, node), entity_name=f"杭州测试{n}号有限公司", version=1, borrower=REQUESTER,
        keeper=KEEPER, due_back=due_back, lent_at=AT,
    )  # fmt: skip


def returned_archive(n: int = 1, condition: str = "intact", note: str = "", node: str = COUNTY_A) -> ArchiveReturned:
    return ArchiveReturned(
        borrowing_id=_borrowing(n), archive_id=ARCHIVE, node=node, uscc=uscc(n, node),
        entity_name=f"杭州测试{n}号有限公司", version=1, borrower=REQUESTER, keeper=KEEPER,
        due_back=date(2026, 6, 30), condition=condition, note=note, returned_at=AT,  # type: ignore[arg-type]
    )  # fmt: skip
