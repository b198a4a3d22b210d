"""The Database dependency in a running nameko service on a real PostgreSQL."""

from __future__ import annotations

import concurrent.futures

import pytest
import requests
from nameko.containers import ServiceContainer
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, text

from hrss.contracts import PlatformError, event_contract
from hrss.db import Database, UnitOfWork, bus_tables, make_engine
from hrss.testing.processes import free_port
from hrss.web import write_http as http

pytestmark = pytest.mark.integration

metadata = MetaData(schema="providertest")
things = Table("thing", metadata, Column("n", Integer, primary_key=True))
outbox, inbox = bus_tables(metadata)


@event_contract("providertest.thing_added", 1)
class ThingAdded(BaseModel):
    n: int


class Forbidden(PlatformError):
    status = 403


class ThingService:
    name = "providertest"
    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]

    @http("POST", "/things/<int:n>")
    def add(self, request, n):  # type: ignore[no-untyped-def]
        self.db.session.execute(insert(things).values(n=n))
        self.db.publish(ThingAdded(n=n), subject=str(n))
        if request.args.get("fail"):
            raise RuntimeError("fails after writing")
        return 201, "ok"

    @http("POST", "/refused/<int:n>")
    def refused(self, request, n):  # type: ignore[no-untyped-def]
        self.db.session.execute(insert(things).values(n=n))
        raise Forbidden("scope.denied", "无权操作其他县的数据")

    @http("POST", "/pairs/<int:n>")
    def add_pair(self, request, n):  # type: ignore[no-untyped-def]
        # the deferred unique constraint on `pair` fails only at COMMIT
        self.db.session.execute(text("INSERT INTO providertest.pair VALUES (:n), (:n)"), {"n": n})
        self.db.publish(ThingAdded(n=n), subject=str(n))
        return 201, "ok"

    @http("GET", "/sleep")
    def sleep(self, request):  # type: ignore[no-untyped-def]
        row = self.db.session.execute(
            text("SELECT clock_timestamp() AS a, pg_sleep(0.5), clock_timestamp() AS b")
        ).one()
        return 200, f"{row.a.timestamp()} {row.b.timestamp()}"


@pytest.fixture
def service(fresh_database):  # type: ignore[no-untyped-def]
    engine = make_engine(fresh_database, pool_size=1)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE SCHEMA providertest")
        metadata.create_all(connection)
        connection.exec_driver_sql("CREATE TABLE providertest.pair (n int, UNIQUE (n) DEFERRABLE INITIALLY DEFERRED)")
    port = free_port()
    container = ServiceContainer(
        ThingService,
        {"NODES": "330000", "DATABASE_URL": fresh_database, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"},
    )
    container.start()
    yield f"http://127.0.0.1:{port}", engine
    container.stop()
    engine.dispose()


def counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(things)).scalar_one(),
            connection.execute(select(func.count()).select_from(outbox)).scalar_one(),
        )


def test_a_successful_worker_commits_its_state_and_its_event_together(service):
    url, engine = service
    response = requests.post(f"{url}/things/1", timeout=10)
    assert response.status_code == 201, response.text
    assert counts(engine) == (1, 1)


def test_a_failing_worker_leaves_neither_state_nor_event(service):
    url, engine = service
    assert requests.post(f"{url}/things/2?fail=1", timeout=10).status_code == 500
    assert counts(engine) == (0, 0)


def test_a_platform_error_answers_its_status_in_chinese_and_writes_nothing(service):
    url, engine = service
    response = requests.post(f"{url}/refused/4", timeout=10)
    assert response.status_code == 403
    assert response.json() == {"code": "scope.denied", "message": "无权操作其他县的数据"}
    assert "Traceback" not in response.text
    assert counts(engine) == (0, 0)


def test_a_commit_that_fails_is_answered_as_a_failure_not_as_created(service):
    url, engine = service
    response = requests.post(f"{url}/pairs/3", timeout=10)
    assert response.status_code == 500
    assert counts(engine) == (0, 0)


def test_database_calls_of_concurrent_workers_overlap_under_eventlet(service):
    url, _ = service
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        spans = [tuple(map(float, r.text.split())) for r in pool.map(lambda _: requests.get(f"{url}/sleep"), range(8))]
    latest_start = max(a for a, _ in spans)
    earliest_end = min(b for _, b in spans)
    assert latest_start < earliest_end, "the queries ran one after another: psycopg2 is blocking the hub"
