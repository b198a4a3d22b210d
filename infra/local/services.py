"""Run every service under services/ as local processes: migrations, `nameko run`, and its outbox relay.

`exec <command>` runs a command with the same environment (for a service's CLI).

A service declares how it runs in its pyproject.toml:

    [tool.hrss]
    entrypoint = "draw.entrypoints.service:DrawService"   # what `nameko run` starts
    port = 8101                                            # its HTTP port on 127.0.0.1
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack")) / "services"
PYTHON = ROOT / ".venv" / "bin" / "python"


def discover() -> list[dict[str, object]]:
    found = []
    for pyproject in sorted(ROOT.glob("services/*/pyproject.toml")):
        settings = tomllib.loads(pyproject.read_text()).get("tool", {}).get("hrss", {})
        if "entrypoint" not in settings:
            continue
        found.append({"name": pyproject.parent.name, "dir": pyproject.parent, **settings})
    return found


def stack_env() -> dict[str, str]:
    env = dict(os.environ)
    env_file = STATE.parent / "env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            env.setdefault(key.strip(), value.strip().strip("'\""))
    env.setdefault("HRSS_NODES", os.environ.get("HRSS_NODES", "330000"))
    # a developer's MinIO: filed evidence locked in GOVERNANCE for a day, not COMPLIANCE for 30 years
    env.setdefault("HRSS_EVIDENCE_RETENTION_MODE", "GOVERNANCE")
    env.setdefault("HRSS_EVIDENCE_RETENTION_DAYS", "1")
    for key, value in local_secrets().items():
        env.setdefault(key, value)
    return env


def local_secrets() -> dict[str, str]:
    """Token signing and data encryption keys for this machine's stack: made once, kept beside the state, never
    committed. A deployment takes them from its secret store instead. A key a newer service needs is added."""
    import base64
    import secrets

    path = STATE / "local-secrets.env"
    if not path.exists():
        from hrss.auth import SigningKey

        key = SigningKey.generate("local")
        STATE.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(
            f"HRSS_AUTH_SIGNING_KEY=local={key.private_base64()}\nHRSS_AUTH_PUBLIC_KEYS=local={key.public_base64()}\n"
        )
    pairs = (line.partition("=") for line in path.read_text().splitlines() if line)
    found = {name: value for name, _, value in pairs}
    for name in ("HRSS_IDENTITY_TOTP_KEY", "HRSS_REGISTRY_PERSONAL_KEY"):
        if name not in found:
            found[name] = "local=" + base64.b64encode(secrets.token_bytes(32)).decode()
            with path.open("a") as out:
                out.write(f"{name}={found[name]}\n")
    return found


def pid_of(name: str) -> int | None:
    pid_file = STATE / f"{name}.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def spawn(name: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
    if pid_of(name):
        print(f"    {name}: already running")
        return
    log = (STATE / f"{name}.log").open("ab")
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    (STATE / f"{name}.pid").write_text(str(proc.pid))
    print(f"    {name}: started (pid {proc.pid}, log {STATE / (name + '.log')})")


def up() -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    services = discover()
    env = stack_env()
    if not services:
        print("==> services: none under services/ yet; the stack alone is running")
    from hrss.db.migrations import upgrade

    for service in services:
        name, directory = str(service["name"]), Path(str(service["dir"]))
        print(f"==> services: {name}")
        if (directory / "migrations").is_dir():
            upgrade(directory / "migrations", env["HRSS_PG_DSN"], name)
        service_env = {**env, "WEB_SERVER_ADDRESS": f"127.0.0.1:{service.get('port', 8000)}"}
        nameko = [str(PYTHON), "-m", "nameko", "run", "--config", "config.yaml", str(service["entrypoint"])]
        spawn(name, nameko, service_env, directory)
        spawn(f"{name}-relay", [str(PYTHON), "-m", "hrss.bus.relay", "--service", name], env, directory)
        seed = service.get("seed")
        if seed:  # demo data a fresh platform starts with (the command itself skips a database that has data)
            print(f"    {name}: {seed}")
            subprocess.run([str(PYTHON), "-m", *str(seed).split()], env=env, cwd=directory, check=True)
    print_where_to_look(services, env)


def down() -> None:
    for pid_file in sorted(STATE.glob("*.pid")):
        pid = pid_of(pid_file.stem)
        if pid:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not pid_of(pid_file.stem):
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
            print(f"    {pid_file.stem}: stopped")
        pid_file.unlink(missing_ok=True)


def status() -> None:
    for service in discover():
        for name in (str(service["name"]), f"{service['name']}-relay"):
            pid = pid_of(name)
            print(f"{name:24} {'running pid ' + str(pid) if pid else 'stopped'}")


def print_where_to_look(services: list[dict[str, object]], env: dict[str, str]) -> None:
    print("\n平台已启动 / the platform is up:")
    print(f"  PostgreSQL     {env.get('HRSS_PG_DSN')}")
    print(f"  Kafka          {env.get('HRSS_KAFKA_BOOTSTRAP')}")
    print(f"  Elasticsearch  {env.get('HRSS_ES_URL')}")
    print(f"  MinIO          http://{env.get('HRSS_S3_ENDPOINT')}")
    for service in services:
        base = f"http://127.0.0.1:{service.get('port', 8000)}"
        print(f"  {service['name']:<14} {base}  ({base}/metrics, {base}/health)")
    if any(service["name"] == "identity" for service in services):
        admin = "infra/local/services exec .venv/bin/python -m identity.cli create-admin --node 330000 --login admin"
        print(f"  first admin    {admin}")
    print(f"  logs           {STATE}/*.log, infra/local/stack logs <server>")
    print("  stop           make stop")


def run_with_env(argv: list[str]) -> int:
    """Run a command (a service's CLI, say) with the environment the local services get."""
    if not argv:
        print("usage: infra/local/services exec <command> [args...]", file=sys.stderr)
        return 2
    return subprocess.run(argv, env=stack_env(), check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description="本地运行平台服务")
    parser.add_argument("command", choices=["up", "down", "status", "exec"])
    parser.add_argument("argv", nargs=argparse.REMAINDER, help="with exec: the command to run")
    args = parser.parse_args()
    if args.command == "exec":
        return run_with_env(args.argv)
    {"up": up, "down": down, "status": status}[args.command]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
