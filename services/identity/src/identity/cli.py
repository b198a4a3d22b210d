"""Commands for operators: `python -m identity.cli create-admin --node 330000 --login admin --name 管理员`.

The first administrator of a node is created here, never by default; the TOTP provisioning URI is printed once,
on the server's console (no enrolment code: the operator sets the password here). `--email` / `--mobile` record
where the administrator's later resets and lockouts are sent.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hrss.audit import AuditLog
from hrss.contracts import PlatformError, parse_nodes
from hrss.db import UnitOfWork, make_engine
from identity.adapters.orm import SCHEMA, audit_entry, outbox
from identity.bootstrap import bootstrap
from identity.service_layer.commands import CreateFirstAdmin
from identity.service_layer.context import Context
from identity.service_layer.handlers import handle


def load_config(path: Path | None) -> dict[str, Any]:
    """config.yaml with nameko's ${ENV:default} substitution, or nothing."""
    if path is None or not path.exists():
        return {}
    import yaml
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def create_admin(
    *,
    node: str,
    login: str,
    name: str,
    password: str,
    config: Mapping[str, Any],
    environ: Mapping[str, str] = os.environ,
    email: str | None = None,
    mobile: str | None = None,
) -> tuple[str, str]:
    """Create the first administrator of `node`; returns (account id, provisioning URI). Audited as `cli`."""
    url = config.get("DATABASE_URL") or environ.get("HRSS_PG_DSN")
    if not url:
        raise SystemExit("DATABASE_URL 或 HRSS_PG_DSN 未配置")
    served = config.get("NODES") or environ.get("HRSS_NODES") or node[:2] + "0000"
    nodes = tuple(n.code for n in parse_nodes(served))
    components = bootstrap(config, environ)
    engine = make_engine(str(url), schema=SCHEMA, pool_size=1, application_name="identity-cli")
    request_id = f"cli-{uuid.uuid4().hex}"
    unit = UnitOfWork(
        Session(engine, expire_on_commit=False),
        outbox,
        service="identity",
        nodes=nodes,
        trace_id=lambda: request_id,
        audit_log=AuditLog(audit_entry, (config.get("AUDIT") or {}).get("algorithm", "sha256")),
    )
    try:
        ctx = Context(unit, components, None, request_id)
        account, uri = handle(CreateFirstAdmin(node, login, name, password, email, mobile), ctx)
        unit.commit()
        return account.id, uri
    finally:
        unit.rollback()
        unit.close()
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m identity.cli", description="身份服务运维命令")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="创建节点的第一个管理员")
    admin.add_argument("--node", required=True, help="6 位行政区划代码")
    admin.add_argument("--login", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", help="管理员本人的电子邮箱（日后重置、锁定的通知发往此处）")
    admin.add_argument("--mobile", help="管理员本人的手机号码")
    admin.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    admin.add_argument("--config", type=Path, default=Path("config.yaml"))
    args = parser.parse_args(argv)
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != password:
            print("两次输入的密码不一致", file=sys.stderr)
            return 1
    try:
        account_id, uri = create_admin(
            node=args.node,
            login=args.login,
            name=args.name,
            password=password,
            config=load_config(args.config),
            email=args.email,
            mobile=args.mobile,
        )
    except PlatformError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    print(f"已创建管理员 {args.login}（账号 {account_id}，节点 {args.node}）")
    print("请用身份验证器应用扫描或输入以下地址绑定动态口令（仅显示这一次）：")
    print(uri)
    return 0


if __name__ == "__main__":
    sys.exit(main())
