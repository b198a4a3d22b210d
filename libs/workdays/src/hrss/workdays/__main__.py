"""Load a year's official holiday schedule into the store, or list the loads.

    export HRSS_WORKDAYS_STORE=/var/lib/hrss/workdays
    python -m hrss.workdays load --year 2027 --file 2027.json --source "国办发明电〔2026〕N号" --by 张三
    python -m hrss.workdays list

The file holds {"holidays": {"2027-01-01": "元旦", ...}, "workdays": {"2027-02-07": "春节调休", ...}}: every day
off of each holiday period and every make-up working day, all in the year. Each load is kept with who loaded it,
when and from which notice; a later load of the same year replaces the earlier one for the calendar, and both stay.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict

from hrss.workdays.store import STORE_VAR, WorkdayStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hrss.workdays", description="工作日历：载入国务院节假日安排")
    parser.add_argument("--store", default=os.environ.get(STORE_VAR, ""), help=f"存放目录（默认 ${STORE_VAR}）")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="载入一年的节假日安排")
    load.add_argument("--year", type=int, required=True)
    load.add_argument("--file", required=True, help="JSON：holidays 与 workdays")
    load.add_argument("--source", required=True, help="依据的通知（文号或标题）")
    load.add_argument("--by", default=getpass.getuser(), help="载入人（默认当前系统用户）")
    commands.add_parser("list", help="列出全部载入记录")
    args = parser.parse_args(argv)
    if not args.store:
        parser.error(f"请用 --store 或环境变量 {STORE_VAR} 指定存放目录")
    store = WorkdayStore(args.store)
    try:
        if args.command == "load":
            with open(args.file, encoding="utf-8") as f:
                raw = json.load(f)
            found = asdict(store.load_year(args.year, raw, loaded_by=args.by, source=args.source))
        else:
            found = {"loads": [asdict(x) for x in store.loads()]}
    except (OSError, ValueError) as error:  # CalendarDataError and JSON errors are ValueErrors
        print(f"载入失败：{error}", file=sys.stderr)
        return 1
    json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
