"""Integrity jobs, run against the service's database and bucket (not through HTTP):

    python -m evidence.cli fixity     [--config config.yaml]   re-hash every filed version; exit 1 if any is flagged
    python -m evidence.cli reconcile  [--config config.yaml]   objects without records, records without objects;
                                                               exit 1 if anything is found
    python -m evidence.cli policy     [--config config.yaml]   the S3 policy for the service's own storage user
Both jobs print a JSON report. `fixity` keeps one `fixity_check` row per object per run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from evidence.adapters.integrity import SqlIntegrityRecords
from evidence.bootstrap import store_from
from evidence.service_layer.integrity import fixity, reconcile
from hrss.contracts import utcnow
from hrss.db import database_url, make_engine
from hrss.storage import service_policy

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def load_config(path: Path) -> dict[str, Any]:
    """config.yaml with nameko's ${ENV:default} substitution."""
    import yaml
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evidence.cli", description="证据与档案完整性检查")
    parser.add_argument(
        "command",
        choices=["fixity", "reconcile", "policy"],
        help="fixity：重新计算摘要；reconcile：对账；policy：存储权限策略",
    )
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    if args.command == "policy":
        bucket = str((config.get("S3") or {}).get("bucket") or "hrss-evidence")
        json.dump(service_policy([bucket]), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    store = store_from(config)
    engine = make_engine(database_url(config), schema="evidence", pool_size=1)
    try:
        with Session(engine) as session:
            repo = SqlIntegrityRecords(session)
            if args.command == "fixity":
                report = fixity(repo, store, utcnow(), session.commit)
                bad = report["checked"] - report["counts"]["ok"]
            else:
                report = reconcile(repo, store)
                bad = len(report["findings"])
    finally:
        engine.dispose()
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
