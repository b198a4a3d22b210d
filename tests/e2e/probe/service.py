"""The probe service: POST dispatches at the province, apply them at the counties."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import func, insert, select
from werkzeug.wrappers import Request, Response

from hrss.bus import Received, consume
from hrss.contracts import utcnow
from hrss.db import Database, UnitOfWork
from hrss.observability import ObservedService
from hrss.web import write_http as http
from probe.contracts import Dispatched
from probe.model import applied, dispatch, metadata


class ProbeService(ObservedService):
    name = "probe"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]

    @http("POST", "/dispatches")
    def create_dispatches(self, request: Request) -> Response:
        body = json.loads(request.get_data())
        counties, count = body["counties"], int(body["count"])
        batch = body.get("batch") or uuid.uuid4().hex
        start = int(body.get("start", 0))
        rows = []
        for seq in range(start, start + count):
            county = counties[seq % len(counties)]
            row = {"id": uuid.uuid4(), "batch": batch, "seq": seq, "county": county, "created_at": utcnow()}
            rows.append(row)
            payload = Dispatched(
                dispatch_id=row["id"], batch=batch, seq=seq, county=county, created_at=row["created_at"]
            )
            self.db.publish(payload, subject=str(row["id"]), target_node=county)
        self.db.session.execute(insert(dispatch), rows)
        return Response(json.dumps({"batch": batch, "created": count}), status=201, content_type="application/json")

    @consume(Dispatched, batch=True, batch_size=500)
    def apply_dispatches(self, events: list[Received]) -> None:
        rows = []
        for event in events:
            payload = event.payload
            assert isinstance(payload, Dispatched)
            rows.append(
                {
                    "dispatch_id": payload.dispatch_id,
                    "event_id": event.envelope.event_id,
                    "batch": payload.batch,
                    "seq": payload.seq,
                    "county": event.envelope.target_node,
                    "created_at": payload.created_at,
                }
            )
        self.db.session.execute(insert(applied), rows)

    @http("GET", "/applied")
    def applied_count(self, request: Request) -> Response:
        count = self.db.session.execute(select(func.count()).select_from(applied)).scalar_one()
        return Response(json.dumps({"applied": count}), content_type="application/json")
