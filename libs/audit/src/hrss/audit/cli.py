"""`python -m hrss.audit.cli --schema <service> --node <code>`: verify a node's audit chain."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from hrss.audit.chain import printable
from hrss.audit.log import AuditLog
from hrss.audit.tables import audit_table
from hrss.audit.verify import Checkpoint, verify


def load_checkpoints(path: Path | None, node: str) -> list[Checkpoint]:
    """Checkpoints from a JSON list of {node, size, head_hash, made_at}."""
    if path is None:
        return []
    return [
        Checkpoint(c["node"], int(c["size"]), c["head_hash"], datetime.fromisoformat(c["made_at"]))
        for c in json.loads(path.read_text())
        if c["node"] == node
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="校验一个节点的审计哈希链")
    parser.add_argument("--dsn", default=os.environ.get("HRSS_PG_DSN"))
    parser.add_argument("--schema", required=True, help="the service's schema holding audit_entry")
    parser.add_argument("--node", required=True)
    parser.add_argument("--checkpoints", type=Path, help="JSON file of checkpoints kept by the level above")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("--dsn or HRSS_PG_DSN is required")
    engine = create_engine(
        args.dsn.replace("postgresql://", "postgresql+psycopg2://", 1),
        poolclass=NullPool,
        connect_args={"options": f"-csearch_path={args.schema}"},
    )
    log = AuditLog(audit_table(MetaData(schema=args.schema)))
    with Session(engine) as session:
        report = verify(args.node, list(log.entries(session, args.node)), load_checkpoints(args.checkpoints, args.node))
    engine.dispose()
    finding = report.finding
    if args.json:
        print(
            json.dumps(
                {
                    "node": report.node,
                    "entries": report.entries,
                    "head_hash": report.head_hash,
                    "checkpoints": report.checkpoints,
                    "ok": report.ok,
                    "problem": str(finding.problem) if finding else None,
                    "seq": finding.seq if finding else None,
                    "message": finding.message if finding else None,
                },
                ensure_ascii=False,
            )
        )
    elif finding is None:
        print(f"节点 {report.node}：{report.entries} 条审计记录，哈希链完整（对照 {report.checkpoints} 个检查点）")
    else:
        print(f"节点 {report.node}：第 {finding.seq} 条起有问题 [{finding.problem}] {printable(finding.message)}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
