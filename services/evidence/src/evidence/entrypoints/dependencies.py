"""nameko dependency: the evidence components built once per container, and the caller's principal."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from evidence.bootstrap import Components, bootstrap
from hrss.auth import Principal
from hrss.auth.dependency import Authenticator, current_principal, service_identity_from_config, verifier_from_config


class Evidence:
    """What a worker sees: the components, `principal_from(request)`, and the service's own identity."""

    def __init__(self, components: Components, auth: Authenticator) -> None:
        self.components = components
        self._auth = auth

    def principal_from(self, request: Any) -> Principal:
        return self._auth.principal_from(request)

    def as_service(self) -> Principal:
        return self._auth.as_service()


class EvidenceComponents(DependencyProvider):
    """Built from config at container start, so an unreachable or non-WORM bucket fails the start."""

    components: Components | None = None

    def setup(self) -> None:
        self.components = bootstrap(self.container.config)
        self.verifier = verifier_from_config(self.container.config)
        self.identity = service_identity_from_config(self.container.config, self.container.service_name)

    def get_dependency(self, worker_ctx: Any) -> Evidence:
        assert self.components is not None
        return Evidence(self.components, Authenticator(self.verifier, self.identity))

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)
