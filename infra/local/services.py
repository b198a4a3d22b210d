"""Run every service under services/ as local processes: migrations, `nameko run`, and its outbox relay.

Two deployment shapes run side by side, so that both paths are live on a newcomer's machine:
- the **central** platform at the province (HRSS_NODES, 330000): every service, serving the whole province, the
  inspection and evidence of every county included (counties log into it with county-scoped accounts);
- one **federated** county (FEDERATED_COUNTY, 330106 西湖区) running its own inspection, evidence, publication and
  notification (谁检查、谁公开: it publishes the results it inspects; it tells its own people), with a database of its
  own, on ports 8114, 8115, 8116 and 8117;
  the central platform leaves that county's dispatches and results to it (HRSS_DELEGATED_NODES).

`up [service ...]` and `down [service ...]` start or stop only the services named (each with its relay and, for a
federated one, the county's process), e.g. `infra/local/services up publication`; with no name, all of them.
`exec <command>` runs a command with the central environment (for a service's CLI).

A service declares how it runs in its pyproject.toml:

    [tool.hrss]
    entrypoint = "draw.entrypoints.service:DrawService"   # what `nameko run` starts
    port = 8101                                            # its HTTP port on 127.0.0.1
    workers = ["notification.entrypoints.sender"]          # optional: modules run beside it (python -m), like the relay
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack")) / "services"
PYTHON = ROOT / ".venv" / "bin" / "python"
FEDERATED_COUNTY = os.environ.get("HRSS_FEDERATED_COUNTY", "330106")
FEDERATED_SERVICES = ("inspection", "evidence", "publication", "notification")
FEDERATED_PORT_OFFSET = 10  # inspection 8104 → 8114, evidence 8105 → 8115, publication 8106 → 8116, notification 8117
SEAL_KEYS = "HRSS_ENROLMENT_SEAL_KEYS"  # the notification sender's private key opening enrolment codes
MAIL_CATCHER_PORT = "2525"  # the local mail catcher (aiosmtpd writing a Maildir): every e-mail of the local platform
RETENTION_NOTE = "（仅限本地演示；部署默认 COMPLIANCE 30 年，见 docs/evidence.md）"


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
    env.setdefault("HRSS_DELEGATED_NODES", FEDERATED_COUNTY)
    # the State Council's holiday schedules loaded year by year (python -m hrss.workdays load), shared by all
    env.setdefault("HRSS_WORKDAYS_STORE", str(STATE / "workdays"))
    # a developer's MinIO: filed evidence locked in GOVERNANCE for a day, not COMPLIANCE for 30 years (printed by
    # `up` so that nobody takes it for the deployment's setting)
    env.setdefault("HRSS_EVIDENCE_RETENTION_MODE", "GOVERNANCE")
    env.setdefault("HRSS_EVIDENCE_RETENTION_DAYS", "1")
    # audit checkpoints (issue 17, item 3): the province's are anchored in a locked bucket, which a developer's MinIO
    # keeps in GOVERNANCE for a day (a deployment: COMPLIANCE for 30 years)
    env.setdefault("HRSS_AUDIT_ANCHOR_BUCKET", "hrss-audit-anchor")
    env.setdefault("HRSS_AUDIT_ANCHOR_RETENTION_MODE", "GOVERNANCE")
    env.setdefault("HRSS_AUDIT_ANCHOR_RETENTION_DAYS", "1")
    secrets = local_secrets()
    for key, value in secrets.items():
        if not key.startswith("HRSS_AUDIT_KEY_") and key != SEAL_KEYS:  # those go only to the processes that use them
            env.setdefault(key, value)
    # enrolment codes (docs/identity.md): identity seals them to the notification senders' public key; the sender
    # (alone: worker_env) opens them and sends them to the local mail catcher, whose Maildir people read
    from hrss.auth.sealing import OpeningKeys

    env.setdefault("HRSS_ENROLMENT_SEAL_PUBLIC_KEYS", OpeningKeys.parse(secrets[SEAL_KEYS]).public_text())
    env.setdefault("HRSS_SMTP_HOST", "127.0.0.1")
    env.setdefault("HRSS_SMTP_PORT", MAIL_CATCHER_PORT)
    env.setdefault("HRSS_MAILDIR", str(STATE / "maildir"))
    for key, value in audit_keys(env["HRSS_NODES"], below=FEDERATED_COUNTY).items():
        env.setdefault(key, value)
    return env


def audit_keys(served: str, below: str = "") -> dict[str, str]:
    """The checkpoint keys of a process (`hrss.bus.checkpoints`): it signs with the keys of the nodes it serves and
    trusts the public keys of the federated nodes `below` it. One Ed25519 key per node (kid `<node>.local`), made
    once in the local secrets file."""
    from hrss.auth import SigningKey

    path = STATE / "local-secrets.env"
    found = dict(line.partition("=")[::2] for line in path.read_text().splitlines() if line)
    keys = {}
    for node in [n.strip() for n in f"{served},{below}".split(",") if n.strip()]:
        name = f"HRSS_AUDIT_KEY_{node}"
        if name not in found:
            found[name] = f"{node}.local={SigningKey.generate(f'{node}.local').private_base64()}"
            with path.open("a") as out:
                out.write(f"{name}={found[name]}\n")
        keys[node] = SigningKey.parse(found[name])
    signing = [f"{n}:{keys[n].kid}={keys[n].private_base64()}" for n in served.split(",") if n.strip()]
    trusted = [f"{keys[n].kid}={keys[n].public_base64()}" for n in below.split(",") if n.strip()]
    return {"HRSS_AUDIT_SIGNING_KEYS": ",".join(signing), "HRSS_AUDIT_TRUSTED_KEYS": ",".join(trusted)}


def new_seal_key() -> str:
    from hrss.auth.sealing import OpeningKeys

    return OpeningKeys.generate("local").private_text()


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
    made = {
        "HRSS_IDENTITY_TOTP_KEY": lambda: "local=" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "HRSS_REGISTRY_PERSONAL_KEY": lambda: "local=" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "HRSS_PG_ROLE_PASSWORD": lambda: secrets.token_urlsafe(24),  # the services' own database login roles
        "HRSS_S3_SERVICE_PASSWORD": lambda: secrets.token_urlsafe(24),  # the services' own object-store users
        SEAL_KEYS: new_seal_key,
    }
    for name, make in made.items():
        if name not in found:
            found[name] = make()
            with path.open("a") as out:
                out.write(f"{name}={found[name]}\n")
    return found


def own_role(service: str, owner_dsn: str, env: dict[str, str]) -> dict[str, str]:
    """The service's database login, as its own role `hrss_<service>` that owns nothing and may only read and
    append to its history tables (`hrss.db.roles`), granted after its migration in the database of `owner_dsn`."""
    from hrss.db.roles import create_login_role, grant_service, with_role

    role, password = f"hrss_{service}", env["HRSS_PG_ROLE_PASSWORD"]
    create_login_role(owner_dsn, role, password)
    grant_service(owner_dsn, service, role)
    return {"HRSS_PG_DSN": with_role(owner_dsn, role, password)}


ROOT_S3_KEYS = ("HRSS_S3_ACCESS_KEY", "HRSS_S3_SECRET_KEY")


def own_storage(service: str, directory: Path, env: dict[str, str]) -> dict[str, str]:
    """The service's object-store keys, as its own user `hrss-<service>` limited to the bucket its config.yaml
    names and the audit anchor's bucket (`hrss.storage`: append and read, never delete or bypass object lock), set
    up with the root key of the stack. Nothing but this step sees the root key."""
    import yaml

    from hrss.storage.users import admin_clients, ensure_locked_bucket, ensure_service_user

    s3 = (yaml.safe_load((directory / "config.yaml").read_text()) or {}).get("S3")
    buckets = [env["HRSS_AUDIT_ANCHOR_BUCKET"]] if env.get("HRSS_AUDIT_ANCHOR_BUCKET") else []  # every service anchors
    if s3:
        found = re.fullmatch(r"\$\{(\w+):([^}]*)\}", str(s3.get("bucket") or ""))  # ${HRSS_DRAW_BUCKET:hrss-draw}
        buckets.insert(0, (env.get(found.group(1)) or found.group(2)) if found else str(s3.get("bucket")))
    if not buckets:
        return {}
    user, password = f"hrss-{service}", env["HRSS_S3_SERVICE_PASSWORD"]
    client, admin = admin_clients(env["HRSS_S3_ENDPOINT"], env["HRSS_S3_ACCESS_KEY"], env["HRSS_S3_SECRET_KEY"], False)
    for bucket in buckets:
        ensure_locked_bucket(client, bucket)
    ensure_service_user(admin, service, user, password, buckets)
    return {"HRSS_S3_ACCESS_KEY": user, "HRSS_S3_SECRET_KEY": password}


def without_root_keys(env: dict[str, str]) -> dict[str, str]:
    """`env` without the object store's root key: no service or relay gets it."""
    return {key: value for key, value in env.items() if key not in ROOT_S3_KEYS}


def county_env(env: dict[str, str]) -> dict[str, str]:
    """The federated county's environment: its own node and database, nothing delegated below it."""
    return {
        **env,
        "HRSS_NODES": FEDERATED_COUNTY,
        "HRSS_DELEGATED_NODES": "",
        "HRSS_PG_DSN": county_database(env["HRSS_PG_DSN"]),
        **audit_keys(FEDERATED_COUNTY),
    }


def county_database(dsn: str) -> str:
    """The DSN of the federated county's database on the same server, created on first use."""
    import psycopg2

    from hrss.contracts.nodes import check_code

    base, _, _name = dsn.rpartition("/")
    name = f"hrss_county_{check_code(FEDERATED_COUNTY)}"
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    return f"{base}/{name}"


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
    log_path = STATE / f"{name}.log"
    log_path.touch(mode=0o600)  # a service's log may name accounts and nodes: not for other users of the machine
    log_path.chmod(0o600)
    log = log_path.open("ab")
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    (STATE / f"{name}.pid").write_text(str(proc.pid))
    print(f"    {name}: started (pid {proc.pid}, log {STATE / (name + '.log')})")


def chosen(names: list[str]) -> list[dict[str, object]]:
    """The services named (all with no name); an unknown name fails."""
    services = discover()
    unknown = set(names) - {str(s["name"]) for s in services}
    if unknown:
        raise SystemExit(f"no such service: {', '.join(sorted(unknown))}")
    return [s for s in services if not names or s["name"] in names]


def up(names: list[str]) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    services = chosen(names)
    env = stack_env()
    if not services:
        print("==> services: none under services/ yet; the stack alone is running")
    from hrss.db.migrations import upgrade

    if not names or "notification" in names:
        start_mail_catcher(env)
    for service in services:
        name, directory = str(service["name"]), Path(str(service["dir"]))
        print(f"==> services: {name}")
        own = {**without_root_keys(env), **own_storage(name, directory, env)}  # its own object-store user
        if (directory / "migrations").is_dir():
            upgrade(directory / "migrations", env["HRSS_PG_DSN"], name)  # as the owner
            own = {**own, **own_role(name, env["HRSS_PG_DSN"], env)}  # the service and its relay: its own role
        service_env = {**own, "WEB_SERVER_ADDRESS": f"127.0.0.1:{service.get('port', 8000)}"}
        nameko = [str(PYTHON), "-m", "nameko", "run", "--config", "config.yaml", str(service["entrypoint"])]
        spawn(name, nameko, service_env, directory)
        spawn(f"{name}-relay", [str(PYTHON), "-m", "hrss.bus.relay", "--service", name], own, directory)
        for worker, module in workers(service):
            spawn(worker, [str(PYTHON), "-m", module], worker_env(module, own), directory)
        seed = service.get("seed")
        if seed:  # demo data a fresh platform starts with (the command itself skips a database that has data)
            print(f"    {name}: {seed}")  # a tool of the run scripts (infra/local/<tool>), not of the service package
            subprocess.run([str(PYTHON), "-m", *str(seed).split()], env=env, cwd=ROOT / "infra/local", check=True)
    start_federated_county(services, env)
    print_where_to_look(services, env)
    if any(service["name"] == "identity" for service in services) and not names:
        subprocess.run([str(PYTHON), str(ROOT / "infra/local/demo.py")], env=env, cwd=ROOT, check=False)


def start_federated_county(services: list[dict[str, object]], env: dict[str, str]) -> None:
    from hrss.db.migrations import upgrade

    if not any(service["name"] in FEDERATED_SERVICES for service in services):
        return
    county = county_env(env)
    print(f"==> services: federated county {FEDERATED_COUNTY} ({', '.join(FEDERATED_SERVICES)}, own database)")
    for service in services:
        name, directory = str(service["name"]), Path(str(service["dir"]))
        if name not in FEDERATED_SERVICES:
            continue
        upgrade(directory / "migrations", county["HRSS_PG_DSN"], name)
        own = {**without_root_keys(county), **own_storage(name, directory, county)}
        own = {**own, **own_role(name, county["HRSS_PG_DSN"], county)}
        port = int(str(service.get("port", 8000))) + FEDERATED_PORT_OFFSET
        service_env = {**own, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}
        nameko = [str(PYTHON), "-m", "nameko", "run", "--config", "config.yaml", str(service["entrypoint"])]
        spawn(f"{name}-{FEDERATED_COUNTY}", nameko, service_env, directory)
        relay = [str(PYTHON), "-m", "hrss.bus.relay", "--service", name]
        spawn(f"{name}-{FEDERATED_COUNTY}-relay", relay, own, directory)
        for worker, module in workers(service, f"-{FEDERATED_COUNTY}"):
            spawn(worker, [str(PYTHON), "-m", module], worker_env(module, own), directory)


def worker_env(module: str, env: dict[str, str]) -> dict[str, str]:
    """A worker's environment: the notification sender alone gets the key that opens enrolment codes."""
    if module != "notification.entrypoints.sender":
        return env
    return {**env, SEAL_KEYS: local_secrets()[SEAL_KEYS]}


def start_mail_catcher(env: dict[str, str]) -> None:
    """The local mail catcher, unless the developer set an SMTP server of their own: every e-mail the platform
    sends lands in HRSS_MAILDIR (one file per message; `ls -t $HRSS_MAILDIR/new | head`)."""
    if env.get("HRSS_SMTP_HOST") != "127.0.0.1" or env.get("HRSS_SMTP_PORT") != MAIL_CATCHER_PORT:
        return
    listen = f"127.0.0.1:{MAIL_CATCHER_PORT}"
    catcher = ["-m", "aiosmtpd", "-n", "-l", listen, "-c", "aiosmtpd.handlers.Mailbox", env["HRSS_MAILDIR"]]
    spawn("mail-catcher", [str(PYTHON), *catcher], env, ROOT)


def workers(service: dict[str, object], suffix: str = "") -> list[tuple[str, str]]:
    """The processes a service runs beside it and its relay ([tool.hrss] workers), as (process name, module)."""
    modules = [str(m) for m in service.get("workers", []) or []]  # type: ignore[attr-defined]
    return [(f"{service['name']}{suffix}-{m.rsplit('.', 1)[-1]}", m) for m in modules]


def process_names(service: dict[str, object]) -> list[str]:
    """The processes `up` starts for a service: it and its relay, and the federated county's where it runs one."""
    names = [str(service["name"]), f"{service['name']}-relay", *(w for w, _ in workers(service))]
    if service["name"] in FEDERATED_SERVICES:
        names += [f"{service['name']}-{FEDERATED_COUNTY}", f"{service['name']}-{FEDERATED_COUNTY}-relay"]
        names += [w for w, _ in workers(service, f"-{FEDERATED_COUNTY}")]
    return names


def down(names: list[str]) -> None:
    mine = {process for service in chosen(names) for process in process_names(service)} if names else None
    for pid_file in sorted(STATE.glob("*.pid")):
        if mine is not None and pid_file.stem not in mine:
            continue
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
    pid = pid_of("mail-catcher")
    print(f"{'mail-catcher':24} {'running pid ' + str(pid) if pid else 'stopped'}")
    for service in discover():
        for name in process_names(service):
            pid = pid_of(name)
            print(f"{name:24} {'running pid ' + str(pid) if pid else 'stopped'}")


def print_where_to_look(services: list[dict[str, object]], env: dict[str, str]) -> None:
    print("\n平台已启动 / the platform is up:")
    from sqlalchemy.engine import make_url

    owner = make_url(env["HRSS_PG_DSN"]).render_as_string(hide_password=True)
    print(f"  PostgreSQL     {owner} (owner, for migrations and operators; each service logs in as hrss_<service>)")
    print(f"  Kafka          {env.get('HRSS_KAFKA_BOOTSTRAP')}")
    print(f"  Elasticsearch  {env.get('HRSS_ES_URL')}")
    print(f"  MinIO          http://{env.get('HRSS_S3_ENDPOINT')} (root: operators only; services: hrss-<service>)")
    for service in services:
        base = f"http://127.0.0.1:{service.get('port', 8000)}"
        print(f"  {service['name']:<14} {base}  ({base}/metrics, {base}/health)")
    print(f"  联邦部署的县 / federated county {FEDERATED_COUNTY}（自建检查、证据、公开服务，独立数据库）:")
    for service in services:
        if service["name"] in FEDERATED_SERVICES:
            base = f"http://127.0.0.1:{int(str(service.get('port', 8000))) + FEDERATED_PORT_OFFSET}"
            print(f"    {service['name']:<12} {base}")
    mode, days = env.get("HRSS_EVIDENCE_RETENTION_MODE"), env.get("HRSS_EVIDENCE_RETENTION_DAYS")
    print(f"  证据保留 / evidence retention  {mode}，{days} 天{RETENTION_NOTE}")
    mode, days = env.get("HRSS_AUDIT_ANCHOR_RETENTION_MODE"), env.get("HRSS_AUDIT_ANCHOR_RETENTION_DAYS")
    print(f"  审计锚点 / audit anchor  {env.get('HRSS_AUDIT_ANCHOR_BUCKET')}，{mode}，{days} 天（仅限本地演示）")
    print(f"  邮件 / e-mail  {env.get('HRSS_MAILDIR')}（本地收信器 127.0.0.1:{MAIL_CATCHER_PORT}，激活码在此）")
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
    parser.add_argument(
        "argv", nargs=argparse.REMAINDER, help="up/down: only these services (default: all); exec: the command to run"
    )
    args = parser.parse_args()
    if args.command == "exec":
        return run_with_env(args.argv)
    if args.command == "status":
        status()
    else:
        {"up": up, "down": down}[args.command](args.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
