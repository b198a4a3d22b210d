"""Integrity jobs, run against the service's database and bucket (not through HTTP):

    python -m evidence.cli fixity     [--config config.yaml]   re-hash every filed version; exit 1 if any is flagged
    python -m evidence.cli reconcile  [--config config.yaml]   objects without records, records without objects;
                                                               exit 1 if anything is found
    python -m evidence.cli policy     [--config config.yaml]   the S3 policy for the service's own storage user
    python -m evidence.cli reindex    [--config config.yaml]   rebuild the staff archive index behind its alias
Both jobs print a JSON report. `fixity` keeps one `fixity_check` row per object per run.

`reindex` fills a new generation of the archive index from the archives this deployment keeps (their latest
versions, the kept text of their documents; a document never extracted is extracted now) and swaps the alias to it;
searches answer from the old generation until then. What the running service filed meanwhile is written again
after the swap (external versions make a repeat harmless).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from evidence.adapters.integrity import SqlIntegrityRecords
from evidence.bootstrap import store_from
from evidence.service_layer.integrity import fixity, reconcile
from hrss.contracts import utcnow
from hrss.db import database_url, make_engine
from hrss.storage import service_policy

SKEW = timedelta(minutes=5)  # clocks of the service and this command may differ this much
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
        choices=["fixity", "reconcile", "policy", "reindex"],
        help="fixity：重新计算摘要；reconcile：对账；policy：存储权限策略；reindex：重建档案检索索引",
    )
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    if args.command == "policy":
        bucket = str((config.get("S3") or {}).get("bucket") or "hrss-evidence")
        json.dump(service_policy([bucket]), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.command == "reindex":
        report = reindex(config)
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
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


def reindex(config: dict[str, Any]) -> dict[str, Any]:
    """Rebuild this deployment's archive index from its archives; what was done."""
    from evidence.adapters import orm
    from evidence.bootstrap import bootstrap
    from evidence.service_layer import indexing
    from evidence.service_layer.context import Context
    from hrss.auth import Principal
    from hrss.bus.config import served_nodes
    from hrss.db import UnitOfWork

    components = bootstrap(config)
    if components.search is None:
        raise SystemExit("SEARCH.url（HRSS_ES_URL）未配置")
    nodes = tuple(n.code for n in served_nodes(config))
    engine = make_engine(database_url(config), schema="evidence", pool_size=1, application_name="evidence-reindex")
    began = utcnow() - SKEW
    principal = Principal.for_service("evidence", list(nodes))

    def context(session: Session) -> Context:
        uow = UnitOfWork(session, orm.outbox, service="evidence", nodes=nodes, trace_id=lambda: "reindex")
        return Context(uow, components, principal, "reindex")

    try:
        with Session(engine) as session:
            generation = indexing.rebuild(context(session))
            session.commit()
        with Session(engine) as session:  # a fresh snapshot: what was filed while the generation was filled
            again = components.search.write(indexing.all_bodies(context(session), since=began))
        return {"generation": generation, "rewritten": again.applied, "stale": again.stale}
    finally:
        components.search.close()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
