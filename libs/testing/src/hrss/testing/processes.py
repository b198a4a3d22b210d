"""Real OS processes for end-to-end tests: start, wait until healthy, kill -9, restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> None:
    """Poll `predicate` until it holds, else fail naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


class ManagedProcess:
    """One child process with its own log file; `health_url` answers 200 once it is ready."""

    def __init__(
        self,
        name: str,
        args: list[str],
        env: dict[str, str],
        log_dir: Path,
        health_url: str | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.args = args
        self.env = {**os.environ, **env}
        self.log_path = log_dir / f"{name}.log"
        self.health_url = health_url
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> ManagedProcess:
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== start #{self.starts}: {' '.join(self.args)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd)
        log.close()
        if self.health_url:
            wait_until(self._healthy, timeout, f"{self.name} at {self.health_url} (log: {self.log_path})")
        return self

    def _healthy(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; log: {self.log_path}\n{self.tail()}")
        try:
            answered = requests.get(self.health_url, timeout=1).status_code == 200  # type: ignore[arg-type]
        except requests.RequestException:
            return False
        # free_port() can race: another process may have taken the port and answered in our place
        return answered and self._listens_itself()

    def _listens_itself(self) -> bool:
        """True if the listening socket of the health URL's port is one of the process's own (Linux /proc)."""
        assert self.proc is not None and self.health_url is not None
        port = urlparse(self.health_url).port
        try:
            inodes = {
                os.readlink(f"/proc/{self.proc.pid}/fd/{fd}")[len("socket:[") : -1]
                for fd in os.listdir(f"/proc/{self.proc.pid}/fd")
                if os.readlink(f"/proc/{self.proc.pid}/fd/{fd}").startswith("socket:[")
            }
            with open("/proc/net/tcp") as table:
                rows = [line.split() for line in table.readlines()[1:]]
        except OSError:
            return True  # no /proc (or the fd vanished): trust the answer
        listening = {row[9] for row in rows if row[3] == "0A" and int(row[1].rsplit(":", 1)[1], 16) == port}
        return bool(listening & inodes)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL: no clean-up, no commit, no goodbye."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM and wait; SIGKILL only if it will not go."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def nameko_service(
    name: str, target: str, config: Path, env: dict[str, str], log_dir: Path, cwd: Path | None = None
) -> tuple[ManagedProcess, str]:
    """A `nameko run` process on a free port; returns it and its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = ManagedProcess(
        name,
        [sys.executable, "-m", "nameko", "run", "--config", str(config), target],
        {**env, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"},
        log_dir,
        health_url=f"{base}/health",
        cwd=cwd,
    )
    return process, base
