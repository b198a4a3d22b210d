"""The verifier's command line (docs/draw-spec.md §11):

    python -m hrss.drawkit.verify RECORD.json            # public record, or auditor package (detected)
    python -m hrss.drawkit.verify RECORD.json --json     # the report as JSON
    python -m hrss.drawkit.verify PACKAGE.json --frame frame.tsv [--workers 2]
                                                         # the frame streamed from its snapshot file
    hrss-verify-draw …                                   # the same, as the installed script

Exit status 0 if every check passes, 1 otherwise, 2 if a file cannot be read. `python -m` runs
`hrss.drawkit.verify.__main__`, which nothing imports: so runpy finds no module of that name already imported and
warns of nothing (it did when `verify` was a module that the package's `__init__` imports).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hrss.drawkit.stream import file_blocks, read_block
from hrss.drawkit.verify.checks import verify, verify_streamed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="核验随机抽取记录（公开记录或审计包）")
    parser.add_argument("record", help="公开记录或审计包（JSON 文件，- 为标准输入）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出核验结果")
    parser.add_argument("--frame", type=Path, help="名单快照文件（每个叶子一行）：逐块流式核验，不读审计包中的名单")
    parser.add_argument("--workers", type=int, default=1, help="流式核验的进程数（默认 1）")
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.record == "-" else Path(args.record).read_text(encoding="utf-8")
        document = json.loads(text)
        if args.frame is not None and not args.frame.is_file():
            raise OSError(f"{args.frame}: no such file")
    except (OSError, ValueError) as error:
        print(f"无法读取记录：{error}", file=sys.stderr)
        return 2
    if args.frame is not None:
        report = verify_streamed(document, file_blocks(args.frame), read_block, max(1, args.workers))
    else:
        report = verify(document)
    if args.json:
        print(json.dumps([vars(c) for c in report.checks], ensure_ascii=False, indent=2))
    else:
        for check in report.checks:
            print(f"{'PASS' if check.ok else 'FAIL'}  {check.name:22} {check.detail}")
        print("核验通过 / all checks pass" if report.ok else "核验未通过 / some checks fail")
    return 0 if report.ok else 1
