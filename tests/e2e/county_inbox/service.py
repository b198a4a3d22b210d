"""A county node's receiving end for the e2e tests: consumes the draw's dispatches addressed to its node with
the platform's consumer (until the inspection service does this for real) and lists what it received."""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from werkzeug.wrappers import Request, Response

from county_inbox.model import metadata, received
from hrss.bus import Received, consume
from hrss.contracts.events.draw import AssignmentDispatched
from hrss.db import Database, UnitOfWork
from hrss.observability import ObservedService
from hrss.web import write_http as http


class CountyInbox(ObservedService):
    name = "county_inbox"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]

    @consume(AssignmentDispatched, batch=True)
    def receive(self, events: list[Received]) -> None:
        rows = []
        for event in events:
            payload = event.payload
            assert isinstance(payload, AssignmentDispatched)
            rows.append(
                {
                    "assignment_id": str(payload.assignment_id),
                    "draw_id": str(payload.draw_id),
                    "uscc": payload.uscc,
                    "region_code": payload.region_code,
                    "target_node": event.envelope.target_node,
                    "task_numbers": ",".join(t.number or "" for t in payload.tasks),
                }
            )
        self.db.session.execute(insert(received), rows)

    @http("GET", "/received")
    def list_received(self, request: Request) -> Response:
        rows = self.db.session.execute(select(received).order_by(received.c.uscc)).all()
        body = [{k: str(v) for k, v in r._mapping.items() if k != "received_at"} for r in rows]
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
