"""The verifier citizens and auditors install (issue 23 §3): it runs on every supported CPython (3.9 to 3.13) with the
standard library alone, and prints no warning. The wheel itself is built and installed into fresh virtual
environments by tests/integration/test_verifier_wheel.py (it fetches the build backend from the package index)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hrss.drawkit
from hrss.drawkit.vectors import generate

VECTORS = json.loads(Path(generate.__file__).with_name("vectors.json").read_text(encoding="utf-8"))
CASES = {case["name"]: case for case in VECTORS["cases"]}
SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13")


def interpreter(version: str) -> str | None:
    """A CPython of that minor version on this machine: this one, one on PATH, or one that pyenv installed."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True, timeout=60).returncode == 0:
        return found
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(root.glob(f"{version}.*/bin/python{version}")) if root.is_dir() else []
    return str(candidates[-1]) if candidates else None


def write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def alone(tmp_path: Path) -> dict[str, str]:
    """A copy of hrss.drawkit and nothing else on the path, and the environment to run it with."""
    source = Path(hrss.drawkit.__file__).parent
    target = tmp_path / "site" / "hrss" / "drawkit"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(tmp_path / "site"), "LC_ALL": "C.UTF-8"}


@pytest.mark.parametrize("version", SUPPORTED)
def test_the_verifier_runs_alone_without_a_warning_on_every_supported_python(version: str, tmp_path: Path) -> None:
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine")
    env = alone(tmp_path)
    package = write(tmp_path, "package.json", CASES["assignment-infeasible"]["package"])
    public = write(tmp_path, "public.json", CASES["sm3-profile"]["public_record"])
    for record in (package, public):
        # -S: no site-packages at all, so only the standard library and the copy of hrss.drawkit can be imported;
        # -W error: any warning (runpy's RuntimeWarning included) is an error and fails the run
        command = [python, "-S", "-W", "error", "-m", "hrss.drawkit.verify", str(record)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stderr == ""
        assert "all checks pass" in done.stdout


def test_the_cli_in_this_python_prints_no_warning(tmp_path: Path) -> None:
    """`python -W error -m hrss.drawkit.verify`: runpy warned on every run while `verify` was a module the package
    imports; now `-m` runs `hrss.drawkit.verify.__main__`, which nothing imports."""
    record = write(tmp_path, "record.json", CASES["expansion"]["public_record"])
    command = [sys.executable, "-W", "error", "-m", "hrss.drawkit.verify", str(record)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "RuntimeWarning" not in done.stdout
