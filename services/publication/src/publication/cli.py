"""Commands for operators: `python -m publication.cli reindex` rebuilds the public index from the public record.

The index is a projection: a new generation is filled from the latest version of every public record and swapped
in behind the alias (searches keep answering from the old one until then). The running service keeps writing to
the alias meanwhile, so what it published since the rebuild began is written again after the swap (external
versions make a repeat harmless). Run it after a crash that outlived the event's retries, a change of mappings or
synonyms, or to repair an index by hand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hrss.contracts import utcnow
from hrss.db import make_engine
from publication.adapters.orm import SCHEMA
from publication.adapters.repository import SqlPublicationRepository
from publication.adapters.search_index import PublicIndex
from publication.bootstrap import public_index
from publication.domain.records import Kind, RecordVersion

KINDS: tuple[Kind, ...] = ("result", "task", "plan", "checklist", "drawn_list")
PAGE = 1000
SKEW = timedelta(minutes=5)  # clocks of the service and this command may differ this much


def load_config(path: Path | None) -> dict[str, Any]:
    """config.yaml with nameko's ${ENV:default} substitution, or nothing."""
    if path is None or not path.exists():
        return {}
    import yaml
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def latest_versions(repo: SqlPublicationRepository, since: datetime | None = None) -> Iterator[RecordVersion]:
    """The latest version of every public record, newest first (only those published since `since`, if given)."""
    for kind in KINDS:
        offset = 0
        while page := repo.records(kind, "", None, PAGE, offset):
            for record in page:
                if since is not None and record.published_at < since:
                    break
                yield record
            else:
                offset += PAGE
                continue
            break


def reindex(config: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild this deployment's public index from its public record; what was done."""
    index: PublicIndex | None = public_index(config)
    if index is None:
        raise SystemExit("SEARCH.url（HRSS_ES_URL）未配置")
    url = str(config.get("DATABASE_URL") or "")
    if not url:
        raise SystemExit("DATABASE_URL（HRSS_PG_DSN）未配置")
    engine = make_engine(url, schema=SCHEMA, pool_size=1, application_name="publication-reindex")
    began = utcnow() - SKEW
    try:
        with Session(engine) as session:
            repo = SqlPublicationRepository(session)
            generation = index.rebuild(latest_versions(repo))
        with Session(engine) as session:  # a fresh snapshot: what committed while the generation was filled
            again = index.write(latest_versions(SqlPublicationRepository(session), since=began))
        return {"generation": generation, "rewritten": again.applied, "stale": again.stale}
    finally:
        index.close()
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publication.cli", description="公开服务运维命令")
    commands = parser.add_subparsers(dest="command", required=True)
    rebuild = commands.add_parser("reindex", help="从公开记录重建检索索引（别名切换，不停止检索）")
    rebuild.add_argument("--config", type=Path, default=Path(__file__).resolve().parents[2] / "config.yaml")
    args = parser.parse_args(argv)
    done = reindex(load_config(args.config))
    print(f"已重建检索索引 {done['generation']}；重建期间新公开的 {done['rewritten']} 条已补写")
    return 0


if __name__ == "__main__":
    sys.exit(main())
