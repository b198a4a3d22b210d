"""Network partitions for tests: a TCP proxy in front of a server that can be cut and healed.

Kafka clients talk to the addresses the broker advertises, not to the bootstrap address, so a proxy in front of
the ordinary listener would only carry the first request. The local broker therefore has a CUTTABLE listener
(infra/local/lib/kafka.sh): bound on `HRSS_KAFKA_CUTTABLE_BACKEND` and advertised as
`HRSS_KAFKA_CUTTABLE_BOOTSTRAP`, where this proxy listens. A process bootstrapped there reaches the broker only
through the proxy; `cut()` drops every connection and refuses new ones until `heal()`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path


def cuttable_kafka() -> tuple[str, str]:
    """(bootstrap for the processes to cut off, the broker's backend address) from the stack's environment."""
    values = {
        "HRSS_KAFKA_CUTTABLE_BOOTSTRAP": "127.0.0.1:19094",
        "HRSS_KAFKA_CUTTABLE_BACKEND": "127.0.0.1:19095",
    }
    env_file = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack")) / "env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, _, value = line.removeprefix("export ").strip().partition("=")
            if key in values:
                values[key] = value.strip("'\"")
    values.update({k: v for k, v in os.environ.items() if k in values})
    return values["HRSS_KAFKA_CUTTABLE_BOOTSTRAP"], values["HRSS_KAFKA_CUTTABLE_BACKEND"]


def _address(host_port: str) -> tuple[str, int]:
    host, _, port = host_port.rpartition(":")
    return host, int(port)


class TcpProxy:
    """Forwards `listen` → `target` byte for byte, one pair of threads per connection."""

    def __init__(self, listen: str, target: str) -> None:
        self.listen, self.target = _address(listen), _address(target)
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self.connections = 0  # accepted since start, for tests that want to see traffic went through

    @property
    def is_cut(self) -> bool:
        return self._server is None

    def heal(self) -> None:
        """Start listening (again); new connections are forwarded."""
        with self._lock:
            if self._server is not None:
                return
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(self.listen)
            server.listen(64)
            self._server = server
        threading.Thread(target=self._accept, args=(server,), name="tcp-proxy-accept", daemon=True).start()

    start = heal

    def cut(self) -> None:
        """Stop listening and reset every open connection: clients see the server vanish."""
        with self._lock:
            server, self._server = self._server, None
            sockets, self._sockets = self._sockets, set()
        if server is not None:
            with contextlib.suppress(OSError):
                server.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            with contextlib.suppress(OSError):
                sock.close()

    stop = cut

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._server is not server:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._sockets.update((client, upstream))
                self.connections += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), name="tcp-proxy-pipe", daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def kafka_proxy() -> Iterator[tuple[str, TcpProxy]]:
    """A started proxy to the local broker's CUTTABLE listener and the bootstrap address to give the processes."""
    bootstrap, backend = cuttable_kafka()
    proxy = TcpProxy(bootstrap, backend)
    proxy.start()
    try:
        yield bootstrap, proxy
    finally:
        proxy.cut()
