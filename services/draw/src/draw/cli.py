"""The draw from a terminal, through the service's HTTP API, as the operator whose access token is given.

    export HRSS_DRAW_URL=http://127.0.0.1:8103  HRSS_TOKEN=<access token from the identity service>
    python -m draw.cli freeze TASK_ID --plan "省厅、市局、公证员各掷骰 20 位" [--batch-size 50]
    python -m draw.cli contribute DRAW_ID --witness "公证员 李四" --value 27182818284590452353
    python -m draw.cli draw DRAW_ID
    python -m draw.cli replace DRAW_ID USCC --reason unreachable
    python -m draw.cli expand DRAW_ID --ratio TASK_ID:ITEM_ID=40% --reason "问题较多"
    python -m draw.cli replace-member DRAW_ID USCC INSPECTOR_ID --reason health --approver "王队长"
    python -m draw.cli void DRAW_ID --reason "见证人未到场"
    python -m draw.cli show DRAW_ID | public DRAW_ID | auditor DRAW_ID  [--out FILE]
    python -m draw.cli auditor DRAW_ID --without-frame --out package.json
    python -m draw.cli frame DRAW_ID --out frame.tsv
Then `python -m hrss.drawkit.verify FILE` checks a saved record; `frame` saves the frame snapshot file
(docs/draw-spec.md §4.3), which `hrss.drawkit.stream` re-verifies block by block. Errors print the service's
Chinese message and its code, and exit with 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def call(method: str, path: str, body: object | None = None, environ: dict[str, str] | None = None) -> Any:
    return json.loads(fetch(method, path, body, environ))


def fetch(method: str, path: str, body: object | None = None, environ: dict[str, str] | None = None) -> bytes:
    """The body of the service's answer; an error answer exits with its Chinese message and code."""
    env = environ if environ is not None else dict(os.environ)
    url = env.get("HRSS_DRAW_URL", "http://127.0.0.1:8103").rstrip("/") + path
    headers = {"Content-Type": "application/json"}
    if env.get("HRSS_TOKEN"):
        headers["Authorization"] = f"Bearer {env['HRSS_TOKEN']}"
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return bytes(answer.read())
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}")
        raise SystemExit(f"{detail.get('message', error.reason)}（{detail.get('code', error.code)}）") from None


def _ratios(values: list[str]) -> dict[str, str]:
    found = {}
    for value in values:
        key, sep, ratio = value.partition("=")
        if not sep:
            raise SystemExit(f"--ratio 应为 任务编号:事项编号=比例，如 t:i=40%（收到 {value!r}）")
        found[key] = ratio
    return found


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m draw.cli", description="随机抽取（经抽取服务的接口）")
    commands = parser.add_subparsers(dest="command", required=True)
    freeze = commands.add_parser("freeze", help="冻结名单快照并公布承诺")
    freeze.add_argument("task_id")
    freeze.add_argument("--plan", required=True, help="随机数来源计划")
    freeze.add_argument("--batch-size", type=int, default=0)
    contribute = commands.add_parser("contribute", help="见证人提交随机数")
    contribute.add_argument("draw_id")
    contribute.add_argument("--witness", required=True)
    contribute.add_argument("--value", required=True)
    commands.add_parser("draw", help="抽取并派发").add_argument("draw_id")
    replace = commands.add_parser("replace", help="替换无效检查对象")
    replace.add_argument("draw_id")
    replace.add_argument("uscc")
    replace.add_argument("--reason", required=True, help="deregistered | closed | unreachable | moved_out")
    expand = commands.add_parser("expand", help="扩大抽取")
    expand.add_argument("draw_id")
    expand.add_argument("--ratio", action="append", required=True, help="任务编号:事项编号=新比例")
    expand.add_argument("--reason", required=True)
    member = commands.add_parser("replace-member", help="更换检查人员")
    member.add_argument("draw_id")
    member.add_argument("uscc")
    member.add_argument("inspector_id")
    member.add_argument("--reason", required=True, help="job_change | work_conflict | health")
    member.add_argument("--approver", required=True)
    void = commands.add_parser("void", help="作废本次抽取")
    void.add_argument("draw_id")
    void.add_argument("--reason", required=True)
    for name, text in (("show", "抽取概况"), ("public", "公开记录"), ("auditor", "审计包")):
        reader = commands.add_parser(name, help=text)
        reader.add_argument("draw_id")
        reader.add_argument("--out", type=Path, help="写入文件（默认标准输出）")
    commands.choices["auditor"].add_argument("--without-frame", action="store_true", help="不含名单（名单另取 frame）")
    snapshot = commands.add_parser("frame", help="名单快照文件（每个叶子一行）")
    snapshot.add_argument("draw_id")
    snapshot.add_argument("--out", type=Path, required=True, help="写入文件")
    args = parser.parse_args(argv)

    def post(path: str, body: object) -> Any:
        return call("POST", path, body, environ)

    draw = f"/draws/{getattr(args, 'draw_id', '')}"
    if args.command == "frame":
        data = fetch("GET", f"{draw}/auditor/frame.tsv", None, environ)
        args.out.write_bytes(data)
        lines = data.count(b"\n")
        print(f"已写入 {args.out}（{lines} 行）")
        return 0
    if args.command == "freeze":
        result = post("/draws", {"task_id": args.task_id, "randomness_plan": args.plan, "batch_size": args.batch_size})
    elif args.command == "contribute":
        result = post(f"{draw}/contributions", {"witness": args.witness, "value": args.value})
    elif args.command == "draw":
        result = post(f"{draw}/draw", {})
    elif args.command == "replace":
        result = post(f"{draw}/replacements", {"uscc": args.uscc, "reason": args.reason})
    elif args.command == "expand":
        result = post(f"{draw}/expansions", {"ratios": _ratios(args.ratio), "reason": args.reason})
    elif args.command == "replace-member":
        body = {"uscc": args.uscc, "inspector_id": args.inspector_id, "reason": args.reason, "approver": args.approver}
        result = post(f"{draw}/team-replacements", body)
    elif args.command == "void":
        result = post(f"{draw}/void", {"reason": args.reason})
    else:
        suffix = {"show": "", "public": "/public", "auditor": "/auditor"}[args.command]
        if getattr(args, "without_frame", False):
            suffix += "?frame=none"
        result = call("GET", draw + suffix, None, environ)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if getattr(args, "out", None):
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"已写入 {args.out}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
