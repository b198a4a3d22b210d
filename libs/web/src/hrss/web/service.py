"""The one shape of a nameko HTTP service: its components built once from config, and the write and read paths.

A service declares its unit of work and components, names its `Context`, and writes endpoints as one line each:

    class DrawService(HttpService):
        name = "draw"
        context = Context
        object_type = "draw"
        db: UnitOfWork = Database(metadata)
        wiring: Wiring[Components] = ComponentProvider(bootstrap)

        @write_http("POST", "/draws/<draw_id>/void")
        def void(self, request, draw_id):
            return self._write(request, "draw.void", draw_id, lambda ctx: handlers.void(ctx, draw_id, ...))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Request, Response

from hrss.auth import Principal
from hrss.auth.dependency import Authenticator, current_principal, service_identity_from_config, verifier_from_config
from hrss.auth.revocations import RevokedSessions
from hrss.bus.config import broker_from_config, bus_configured
from hrss.bus.revocations import RevocationFeed
from hrss.db.unit_of_work import UnitOfWork
from hrss.observability import ObservedService
from hrss.web.refusals import audited_write
from hrss.web.responses import json_response

C = TypeVar("C")


class Wiring(Generic[C]):
    """What a worker sees: the service's components, the caller from a request, and the service's own identity."""

    def __init__(self, components: C, auth: Authenticator) -> None:
        self.components = components
        self._auth = auth

    def principal_from(self, request: Any) -> Principal:
        """The caller, from the request's bearer token; `Unauthenticated` (401) otherwise."""
        return self._auth.principal_from(request)

    def as_service(self) -> Principal:
        """The service itself, for the nodes it serves: what its consumers and scheduled jobs act as."""
        return self._auth.as_service()


class ComponentProvider(DependencyProvider, Generic[C]):
    """The components `build(config)` makes at container start (so bad settings fail the start, not a request),
    with the token verifier and the service's identity from the same config. Where a bus is configured, the
    sessions the identity service ends are followed, and their tokens refused at once (`hrss.bus.revocations`)."""

    def __init__(self, build: Callable[[Mapping[str, Any]], C]) -> None:
        self.build = build
        self.components: C | None = None
        self.revoked = RevokedSessions()
        self.feed: RevocationFeed | None = None

    def setup(self) -> None:
        config = self.container.config
        self.components = self.build(config)
        self.verifier = verifier_from_config(config)
        self.identity = service_identity_from_config(config, self.container.service_name)

    def start(self) -> None:
        config = self.container.config
        if bus_configured(config):
            service = self.container.service_name
            self.feed = RevocationFeed(
                lambda: broker_from_config(config, f"{service}-revocations"), self.revoked, service
            )
            self.container.spawn_managed_thread(self.feed.run)

    def stop(self) -> None:
        if self.feed is not None:
            self.feed.stop()

    def get_dependency(self, worker_ctx: Any) -> Wiring[C]:
        assert self.components is not None, "components used before setup"
        return Wiring(self.components, Authenticator(self.verifier, self.identity, self.revoked))

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)


class HttpService(ObservedService):
    """Base of the platform's HTTP services. A subclass sets `db` (a `Database`), `wiring` (a
    `ComponentProvider`), `context` (what a use case is handed: `Context(uow, components, principal, trace_id)`)
    and `object_type` (what its audit entries name by default)."""

    context: ClassVar[Callable[..., Any]]
    object_type: ClassVar[str] = "-"
    db: UnitOfWork
    wiring: Wiring[Any]

    def _context(self, principal: Principal) -> Any:
        return self.context(self.db, self.wiring.components, principal, self.trace_id)

    def _as_service(self) -> Any:
        """The context of the service acting for itself (consumers, scheduled jobs)."""
        return self._context(self.wiring.as_service())

    def _reader(self, request: Request) -> Any:
        """The context of the request's caller, for a read; 401 without a valid token."""
        return self._context(self.wiring.principal_from(request))

    def _write(
        self,
        request: Request,
        action: str,
        object_id: str,
        run: Callable[[Any], Any],
        object_type: str | None = None,
    ) -> Response:
        """`run(context)` as the caller, in a savepoint: its result answered as JSON (a `Response` as it is); a
        refusal is rolled back, audited as refused and answered as the error's JSON."""

        def answer(principal: Principal) -> Response:
            result = run(self._context(principal))
            return result if isinstance(result, Response) else json_response(result)

        return audited_write(
            self.db,
            request,
            self.wiring.principal_from,
            action=action,
            object_type=object_type or self.object_type,
            object_id=object_id,
            run=answer,
            request_id=self.trace_id,
        )
