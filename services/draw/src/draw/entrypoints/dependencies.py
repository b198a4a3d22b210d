"""nameko dependency: the draw components built once per container, and the caller's principal."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from draw.bootstrap import Components, bootstrap
from hrss.auth import Principal
from hrss.auth.dependency import Authenticator, current_principal, verifier_from_config


class Draw:
    """What a worker sees: the components, and `principal_from(request)` verified with the platform's keys."""

    def __init__(self, components: Components, auth: Authenticator) -> None:
        self.components = components
        self._auth = auth

    def principal_from(self, request: Any) -> Principal:
        return self._auth.principal_from(request)


class DrawComponents(DependencyProvider):
    """Built from config at container start, so an unreachable object store fails the start."""

    components: Components | None = None

    def setup(self) -> None:
        self.components = bootstrap(self.container.config)
        self.verifier = verifier_from_config(self.container.config)

    def get_dependency(self, worker_ctx: Any) -> Draw:
        assert self.components is not None
        return Draw(self.components, Authenticator(self.verifier, None))

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)
