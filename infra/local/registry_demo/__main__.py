"""`python -m registry_demo seed|files …` (from infra/local): load a demo province into the registry, or write
its files."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from registry.bootstrap import bootstrap
from registry.domain.entities import ENTITY_FIELDS
from registry.domain.inspectors import INSPECTOR_FIELDS

from hrss.contracts import PlatformError, parse_nodes
from hrss.db import make_engine
from registry_demo.generator import AS_OF, DEFAULT_PROVINCE, generate_entities, write_csv
from registry_demo.inspectors import generate_inspectors
from registry_demo.load import entities_present, load_demo


def seed(args: argparse.Namespace) -> int:
    """Load the demo province into the registry of HRSS_PG_DSN, unless `--if-empty` and it holds entities."""
    dsn = os.environ.get("HRSS_PG_DSN")
    if not dsn:
        print("HRSS_PG_DSN 未设置（本地请用 infra/local/services exec …）", file=sys.stderr)
        return 2
    nodes = tuple(n.code for n in parse_nodes(os.environ.get("HRSS_NODES", "")))
    engine = make_engine(dsn, schema="registry", pool_size=2, application_name="registry-demo")
    try:
        present = entities_present(engine)
        if args.if_empty and present:
            print(f"名录库已有 {present} 个检查对象，不再生成演示数据")
            return 0
        province = args.province or nodes[0]
        result = load_demo(engine, nodes, bootstrap({}), province, args.entities, args.inspectors_per_county)
    except PlatformError as error:
        print(json.dumps(error.to_dict(), ensure_ascii=False), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def files(args: argparse.Namespace) -> int:
    """Write entities.csv and inspectors.csv of demo data for one province."""
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    entities = generate_entities(args.province, args.entities, args.seed, as_of=args.as_of)
    count = write_csv(args.out / "entities.csv", entities, ENTITY_FIELDS, bom=args.bom)
    inspectors = generate_inspectors(args.province, args.per_county, args.seed, as_of=args.as_of)
    staff = write_csv(args.out / "inspectors.csv", inspectors, INSPECTOR_FIELDS, bom=args.bom)
    elapsed = time.perf_counter() - started
    print(f"{count} entities, {staff} inspectors in {args.out} ({elapsed:.1f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m registry_demo", description="一单两库演示数据")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("seed", help="生成并导入演示数据（确定性）")
    load.add_argument("--province", default=None, help="省级节点（默认 HRSS_NODES 的第一个）")
    load.add_argument("--entities", type=int, default=20_000)
    load.add_argument("--inspectors-per-county", type=int, default=6)
    load.add_argument("--if-empty", action="store_true", help="名录库已有数据时什么也不做")
    out = commands.add_parser("files", help=files.__doc__)
    out.add_argument("--province", default=DEFAULT_PROVINCE, help="province region code (default 410000 河南省)")
    out.add_argument("--entities", type=int, default=10_000, help="number of entities")
    out.add_argument("--per-county", type=int, default=10, help="inspectors per county")
    out.add_argument("--seed", type=int, default=0)
    out.add_argument("--as-of", type=date.fromisoformat, default=AS_OF, help="reference date (YYYY-MM-DD)")
    out.add_argument("--bom", action="store_true", help="start the files with a UTF-8 BOM (for Excel)")
    out.add_argument("--out", type=Path, default=Path("."), help="output folder")
    args = parser.parse_args(argv)
    return seed(args) if args.command == "seed" else files(args)


if __name__ == "__main__":
    sys.exit(main())
