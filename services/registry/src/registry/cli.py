"""Operator commands: bulk imports with progress, loading an official checklist, rebuilding projections.

    python -m registry.cli import-entities FILE --node 410000 --actor 张三
    python -m registry.cli import-inspectors FILE --node 410000 --actor 张三
    python -m registry.cli load-checklist --node 410400 --actor 张三 --file 002_….txt
        [--lines-from-units] [--qualification 行政执法资格 …] [--no-qualification]
    python -m registry.cli rebuild-current

Demo data is not the registry's: `infra/local/registry_demo` (run by `make run`) generates a province and loads it
through these commands' functions.

The database, nodes and keys come from the environment the service uses (HRSS_PG_DSN, HRSS_NODES,
HRSS_REGISTRY_PERSONAL_KEY); `infra/local/services exec …` provides them locally. The operator is named with
`--actor`: every version and audit entry records it as `cli:<actor>`, acting as the node's administrator.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import text

from hrss.auth import Principal, admin_role_for
from hrss.contracts import Node, PlatformError, parse_nodes
from hrss.contracts.checklist_document import parse_checklist_document
from hrss.contracts.lines import ENFORCEMENT_QUALIFICATION
from hrss.db import make_engine
from registry.bootstrap import bootstrap, unit_of_work
from registry.entrypoints import imports
from registry.service_layer import checklist
from registry.service_layer.components import Components
from registry.service_layer.context import Context


def operator(actor: str, node: str) -> Principal:
    """The operator at the console, acting as the administrator of `node`."""
    place = Node(node)
    return Principal(f"cli:{actor}", actor, place, frozenset({admin_role_for(place.level)}))


def _progress(report: imports.ImportReport) -> None:
    done = report.to_dict()
    print(
        f"\r  已处理 {done['rows']:>10,} 行  新增 {done['created']:,}  变更 {done['changed']:,}"
        f"  未变 {done['unchanged']:,}  拒绝 {done['rejected']:,}",
        end="",
        file=sys.stderr,
        flush=True,
    )


def run_import(kind: str, path: Path, node: str, actor: str, components: Components, engine: Any, nodes: tuple) -> dict:
    importer = imports.import_entities if kind == "entities" else imports.import_inspectors
    report = importer(
        engine, path, components=components, principal=operator(actor, node), nodes=nodes, progress=_progress
    )
    print(file=sys.stderr)
    return report.to_dict()


def load_checklist(
    engine: Any,
    nodes: tuple,
    components: Components,
    node: str,
    actor: str,
    path: Path,
    qualifications: tuple[str, ...] = (ENFORCEMENT_QUALIFICATION,),
    *,
    lines_from_units: bool = False,
) -> list:
    """Load an official list, every item requiring `qualifications`; with `lines_from_units`, each item of the line
    of its first responsible unit (责任科室、单位), else of none."""
    specs = _parse_document(path)
    uow = unit_of_work(engine, nodes)
    try:
        ctx = Context(uow, components, operator(actor, node))
        source = path.name
        required = checklist.parse_qualifications(list(qualifications))
        results = checklist.load_list(
            ctx, node, specs, None, f"载入抽查事项清单 {source}", required, lines_from_units=lines_from_units
        )
        uow.commit()
        return results
    finally:
        uow.rollback()
        uow.close()


def _parse_document(path: Path) -> list:
    return parse_checklist_document(path.read_text(encoding="utf-8"))


def rebuild_current(engine: Any) -> dict[str, int]:
    """Rebuild the `*_current` projections from the version tables (after a restore, say), in one transaction."""
    from registry.adapters.rows import ENTITY_COLUMNS, INSPECTOR_COLUMNS

    counts = {}
    with engine.begin() as connection:
        for current, versions, key, columns in (
            ("entity_current", "entity_version", "entity_id", ENTITY_COLUMNS),
            ("inspector_current", "inspector_version", "inspector_id", INSPECTOR_COLUMNS),
        ):
            cols = ", ".join(columns)
            connection.execute(text(f"DELETE FROM registry.{current}"))
            result = connection.execute(
                text(
                    f"INSERT INTO registry.{current} (id, version, {cols}, content_hash, updated_at) "
                    f"SELECT DISTINCT ON ({key}) {key}, version, {cols}, content_hash, applied_at "
                    f"FROM registry.{versions} ORDER BY {key}, version DESC"
                )
            )
            counts[current] = result.rowcount
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m registry.cli", description="一单两库运维命令")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, what in (("import-entities", "导入检查对象"), ("import-inspectors", "导入检查人员")):
        command = commands.add_parser(name, help=f"{what}（CSV 或 XLSX，逐行报告被拒绝的行）")
        command.add_argument("file", type=Path)
        command.add_argument("--node", required=True, help="导入者所属节点")
        command.add_argument("--actor", required=True, help="操作人（记入每个版本与审计记录）")
    load = commands.add_parser("load-checklist", help="从正式文件载入抽查事项清单")
    load.add_argument("--node", required=True)
    load.add_argument("--actor", required=True)
    load.add_argument("--file", type=Path, required=True, help="清单文件（UTF-8 文本，正式文件的附件）")
    load.add_argument(
        "--qualification",
        action="append",
        dest="qualifications",
        help="每个事项要求检查人员具备的资格，可重复（默认 行政执法资格）",
    )
    load.add_argument("--no-qualification", action="store_true", help="事项不要求业务条线以外的资格")
    load.add_argument(
        "--lines-from-units",
        action="store_true",
        help="按“责任科室、单位”中列在首位的单位确定每个事项的业务条线（默认不指定条线）",
    )
    commands.add_parser("rebuild-current", help="从版本表重建当前状态投影")
    args = parser.parse_args(argv)

    dsn = os.environ.get("HRSS_PG_DSN")
    if not dsn:
        print("HRSS_PG_DSN 未设置（本地请用 infra/local/services exec …）", file=sys.stderr)
        return 2
    nodes = tuple(n.code for n in parse_nodes(os.environ.get("HRSS_NODES", "")))
    engine = make_engine(dsn, schema="registry", pool_size=2, application_name="registry-cli")
    try:
        if args.command == "rebuild-current":
            result: Any = rebuild_current(engine)
        else:
            components = bootstrap({})
            if args.command in ("import-entities", "import-inspectors"):
                kind = "entities" if args.command == "import-entities" else "inspectors"
                result = run_import(kind, args.file, args.node, args.actor, components, engine, nodes)
            else:
                required = () if args.no_qualification else tuple(args.qualifications or [ENFORCEMENT_QUALIFICATION])
                result = load_checklist(
                    engine,
                    nodes,
                    components,
                    args.node,
                    args.actor,
                    args.file,
                    required,
                    lines_from_units=args.lines_from_units,
                )
    except PlatformError as error:
        print(json.dumps(error.to_dict(), ensure_ascii=False), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
