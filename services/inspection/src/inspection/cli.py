"""Inspection jobs from a terminal, through the service's HTTP API, as the operator whose access token is given.

    export HRSS_INSPECTION_URL=http://127.0.0.1:8104  HRSS_TOKEN=<access token (an administrator or the service)>
    python -m inspection.cli deadlines --on 2026-06-30      # record overdue subjects, publish inspection.overdue
    python -m inspection.cli deadlines --on 2026-06-30 --list [--node 330100]   # reminders and overdue flags
Run it daily (cron, a Kubernetes CronJob); running it twice on a day publishes nothing new. Every due date past the
official holiday data is printed with "provisional": true (counted on weekends only until the year's schedule is
loaded: python -m hrss.workdays load). Errors print the service's Chinese message and its code, and exit with 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


def call(method: str, path: str, environ: dict[str, str] | None = None) -> Any:
    env = environ if environ is not None else dict(os.environ)
    url = env.get("HRSS_INSPECTION_URL", "http://127.0.0.1:8104").rstrip("/") + path
    headers = {"Content-Type": "application/json"}
    if env.get("HRSS_TOKEN"):
        headers["Authorization"] = f"Bearer {env['HRSS_TOKEN']}"
    request = urllib.request.Request(url, data=b"{}" if method == "POST" else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}")
        raise SystemExit(f"{detail.get('message', error.reason)}（{detail.get('code', error.code)}）") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inspection.cli", description="抽查检查服务的作业")
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("deadlines", help="期限检查：提醒与逾期")
    d.add_argument("--on", help="日期 YYYY-MM-DD（北京时间），默认今天")
    d.add_argument("--list", action="store_true", help="只列出提醒与逾期，不记录")
    d.add_argument("--node", help="只看该节点及下级")
    args = parser.parse_args(argv)
    params = {k: v for k, v in (("on", args.on), ("node", args.node)) if v}
    if args.list:
        found = call("GET", "/deadlines?" + urllib.parse.urlencode(params))
    else:
        found = call("POST", "/deadlines/run?" + urllib.parse.urlencode({"on": args.on} if args.on else {}))
    json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
