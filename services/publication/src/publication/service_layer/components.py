"""What the use cases are given besides the database: the names of the inspecting bodies, the result categories'
labels, the inspection methods' names, the nodes delegated to their own deployment, the rate limiter, the clock and
the public search index.
Bootstrap builds it from config; the use cases only read it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hrss.contracts import utcnow
from hrss.workdays import WorkdayCalendar, provisional_calendar
from publication.domain.ratelimit import RateLimiter

if TYPE_CHECKING:
    from publication.adapters.repository import PublicationRepository
    from publication.adapters.search_index import PublicIndex

DEFAULT_LABELS = {
    "no_problem": "未发现问题",
    "corrected": "发现问题已责令改正",
    "pending_follow_up": "发现问题待后续处理",
    "refused": "不配合检查",
    "unreachable": "通过登记住所无法联系",
    "no_activity": "未发现开展相关经营活动",
    "closed": "已注销/停业",
}
DEFAULT_METHODS = {"on_site": "实地核查", "documentary": "书面审查", "online_comparison": "网上比对"}


def _not_injected(uow: Any) -> PublicationRepository:
    raise RuntimeError("no repository: bootstrap (or a test) injects one")


@dataclass
class Components:
    """Everything the use cases need besides the database."""

    bodies: dict[str, str] = field(default_factory=dict)  # node → the inspecting body's name as published
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    methods: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_METHODS))
    delegated: tuple[str, ...] = ()  # nodes below the served ones that publish for themselves (federated)
    # anonymous requests per address: 60 at once, 120 a minute after that
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(120, 60, time.monotonic))
    clock: Callable[[], datetime] = field(default=utcnow)
    # the official working-day calendar (years without official data yet counted on weekends, flagged provisional)
    calendar: Callable[[], WorkdayCalendar] = provisional_calendar
    repository: Callable[[Any], PublicationRepository] = _not_injected
    # the draw's public verification record linked from each drawn list ({draw_id} filled in), after
    # PUBLICATION.draw_public_url
    draw_verification: str = "/draws/{draw_id}/public"
    search: PublicIndex | None = None  # the public index (SEARCH.url); None: not configured, search answers 503

    def body_of(self, node: str) -> str:
        """The name of the body that inspects and publishes for `node`."""
        return self.bodies.get(node) or f"行政区划代码 {node} 人力资源社会保障部门"
