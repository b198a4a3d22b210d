"""The one place where the publication service's components are chosen, from config with environment overrides."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from hrss.bus.config import delegated_nodes, served_nodes
from publication.adapters.repository import SqlPublicationRepository
from publication.adapters.search_index import PublicIndex
from publication.domain.ratelimit import RateLimiter
from publication.service_layer.components import DEFAULT_LABELS, DEFAULT_METHODS, Components


def bootstrap(config: Mapping[str, Any]) -> Components:
    """Components from config; malformed settings fail the start, not the first request."""
    settings = config.get("PUBLICATION") or {}
    labels = {str(c["code"]): str(c["label"]) for c in settings.get("categories") or []} or dict(DEFAULT_LABELS)
    methods = {str(k): str(v) for k, v in (settings.get("methods") or DEFAULT_METHODS).items()}
    bodies = {str(k): str(v) for k, v in (settings.get("bodies") or {}).items()}
    per_minute, burst = int(settings.get("rate_per_minute", 120)), int(settings.get("rate_burst", 60))
    if per_minute < 1 or burst < 1:
        raise ValueError("PUBLICATION.rate_per_minute and rate_burst must be at least 1")
    verification = str(settings.get("draw_public_url") or "").rstrip("/") + "/draws/{draw_id}/public"
    return Components(
        draw_verification=verification,
        bodies=bodies,
        labels=labels,
        methods=methods,
        delegated=tuple(n.code for n in delegated_nodes(dict(config))),
        limiter=RateLimiter(per_minute, burst, time.monotonic),
        repository=sql_repository,
        search=public_index(config),
    )


def index_prefix(config: Mapping[str, Any]) -> str:
    """The index-name prefix of this deployment: SEARCH.prefix, the topic namespace (tests) and the nodes served,
    so that the central deployment, a federated county's and every test keep indexes of their own."""
    search = config.get("SEARCH") or {}
    namespace = str((config.get("KAFKA") or {}).get("namespace") or "")
    nodes = "-".join(n.code for n in served_nodes(dict(config)))
    parts = [str(search.get("prefix") or "hrss"), namespace, "publication", nodes]
    return "-".join(p for p in parts if p).lower()


def public_index(config: Mapping[str, Any]) -> PublicIndex | None:
    """The public index at SEARCH.url (HRSS_ES_URL); None when no URL is configured. Nothing connects here."""
    url = str((config.get("SEARCH") or {}).get("url") or "")
    return PublicIndex(url, index_prefix(config)) if url else None


def sql_repository(uow: Any) -> SqlPublicationRepository:
    """The repository on the unit of work's database session."""
    return SqlPublicationRepository(uow.session)
