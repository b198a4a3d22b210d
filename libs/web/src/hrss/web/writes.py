"""HTTP entrypoint that commits the worker's unit of work before the response leaves.

nameko's own `http` answers the client from `handle_result`, which runs *before* dependencies see the
worker's result, so a client could be told "201 Created" for a transaction that then fails to commit, or
read its own write before it exists. This entrypoint commits first and answers with the commit's outcome.
"""

from __future__ import annotations

import sys
from typing import Any

from hrss.db.provider import Database
from hrss.observability.web import PlatformHttp


class TransactionalHttp(PlatformHttp):
    """`@write_http(method, url)` whose response waits for the database commit; platform errors answer 4xx JSON."""

    database: Database | None = None

    def setup(self) -> None:
        super().setup()
        databases = [d for d in self.container.dependencies if isinstance(d, Database)]
        self.database = databases[0] if databases else None

    def handle_result(self, event: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        if exc_info is None and self.database is not None:
            unit = self.database.unit_of_work(worker_ctx)
            try:
                unit.commit()
            except Exception:
                unit.rollback()
                exc_info = sys.exc_info()
        return super().handle_result(event, worker_ctx, result, exc_info)


http: Any = TransactionalHttp.decorator
