"""nameko dependency: the identity components built once per container, and the caller's principal."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from hrss.auth.dependency import Authenticator, current_principal
from identity.bootstrap import Components, bootstrap


class Identity:
    """What a worker sees: the components, and `principal_from(request)` verified with this service's keys."""

    def __init__(self, components: Components) -> None:
        self.components = components
        self._auth = Authenticator(components.verifier, None)

    def principal_from(self, request: Any):  # type: ignore[no-untyped-def]
        return self._auth.principal_from(request)


class IdentityComponents(DependencyProvider):
    """Built from config at container start, so bad keys fail the start and not the first request."""

    components: Components | None = None

    def setup(self) -> None:
        self.components = bootstrap(self.container.config)

    def get_dependency(self, worker_ctx: Any) -> Identity:
        assert self.components is not None
        return Identity(self.components)

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)
