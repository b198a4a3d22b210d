"""Where the real servers are, and whether they answer."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULTS = {
    "HRSS_PG_DSN": "postgresql://hrss_admin:hrss_admin@127.0.0.1:15432/hrss",
    "HRSS_KAFKA_BOOTSTRAP": "127.0.0.1:19092",
    "HRSS_ES_URL": "http://127.0.0.1:19200",
    "HRSS_S3_ENDPOINT": "127.0.0.1:19000",
    "HRSS_S3_ACCESS_KEY": "hrssminio",
    "HRSS_S3_SECRET_KEY": "hrssminio-secret",
}


@dataclass(frozen=True)
class Servers:
    """Addresses of the stack started by `infra/local/stack up`."""

    pg_dsn: str
    kafka_bootstrap: str
    es_url: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str

    @classmethod
    def from_environment(cls) -> Servers:
        values = dict(DEFAULTS)
        env_file = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack")) / "env"
        if env_file.exists():
            for line in env_file.read_text().splitlines():
                line = line.removeprefix("export ").strip()
                if "=" in line and line.startswith("HRSS_"):
                    key, _, value = line.partition("=")
                    values[key] = value.strip("'\"")
        values.update({k: v for k, v in os.environ.items() if k in DEFAULTS})
        return cls(
            pg_dsn=values["HRSS_PG_DSN"],
            kafka_bootstrap=values["HRSS_KAFKA_BOOTSTRAP"],
            es_url=values["HRSS_ES_URL"],
            s3_endpoint=values["HRSS_S3_ENDPOINT"],
            s3_access_key=values["HRSS_S3_ACCESS_KEY"],
            s3_secret_key=values["HRSS_S3_SECRET_KEY"],
        )


def reachable(host_port: str, timeout: float = 2.0) -> bool:
    """True if a TCP connection to host:port succeeds."""
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def host_port_of(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.hostname}:{parsed.port}"
