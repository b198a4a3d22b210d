"""nameko dependency: the registry components built once per container, the caller's principal, and the
service's own identity for the events it consumes."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from hrss.auth import Principal
from hrss.auth.dependency import (
    Authenticator,
    current_principal,
    service_identity_from_config,
    verifier_from_config,
)
from registry.bootstrap import Components, bootstrap


class Registry:
    """What a worker sees: the components, and `principal_from(request)` verified with the platform's keys."""

    def __init__(self, components: Components, auth: Authenticator) -> None:
        self.components = components
        self._auth = auth

    def principal_from(self, request: Any) -> Principal:
        return self._auth.principal_from(request)

    def as_service(self) -> Principal:
        """The registry acting for the nodes it serves (the consumer of other services' events)."""
        return self._auth.as_service()


class RegistryComponents(DependencyProvider):
    """Built from config at container start, so a missing key or holiday file fails the start."""

    components: Components | None = None

    def setup(self) -> None:
        self.components = bootstrap(self.container.config)
        self.verifier = verifier_from_config(self.container.config)
        self.service_identity = service_identity_from_config(self.container.config, self.container.service_name)

    def get_dependency(self, worker_ctx: Any) -> Registry:
        assert self.components is not None
        return Registry(self.components, Authenticator(self.verifier, self.service_identity))

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)
