"""Install one service and the libs it needs (its `hrss-*` dependencies, transitively), without their
third-party dependencies (those come from requirements/lock.txt, installed before).

    python infra/docker/install_service.py SERVICE [--skip hrss-drawnative] [--print]

The image recipe (Dockerfile at the repository root) runs it with the service named by its build argument; a
service's image therefore holds exactly what its pyproject.toml declares, and no other service.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"^[A-Za-z0-9_.-]+")


def projects() -> dict[str, Path]:
    """Every lib and service of the repository by its distribution name."""
    found = {}
    for pyproject in [*ROOT.glob("libs/*/pyproject.toml"), *ROOT.glob("services/*/pyproject.toml")]:
        found[tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]] = pyproject.parent
    return found


def needed(service: str, known: dict[str, Path]) -> list[str]:
    """The service's distribution and every repository project it depends on, transitively, libs first."""
    start = f"hrss-{service}"
    if start not in known or known[start].parent.name != "services":
        raise SystemExit(f"install_service: no service {service!r} (services/{service}/pyproject.toml)")
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        meta = tomllib.loads((known[name] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        for requirement in meta.get("dependencies", []):
            match = _NAME.match(requirement)
            if match and match.group(0) in known:
                visit(match.group(0))
        order.append(name)

    visit(start)
    return order


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service")
    parser.add_argument("--skip", action="append", default=[], help="a project installed otherwise (a built wheel)")
    parser.add_argument("--print", action="store_true", help="print the project folders instead of installing")
    args = parser.parse_args(argv)
    known = projects()
    folders = [str(known[name]) for name in needed(args.service, known) if name not in args.skip]
    if args.print:
        print("\n".join(str(Path(f).relative_to(ROOT)) for f in folders))
        return 0
    return subprocess.call([sys.executable, "-m", "pip", "install", "--no-deps", *folders])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
