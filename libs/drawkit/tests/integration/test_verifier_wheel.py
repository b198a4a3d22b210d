"""The verifier as a citizen installs it (issue 23 §3): the wheel of hrss-drawkit alone, built from libs/drawkit,
installed with `pip install --no-deps --no-index` into a fresh virtual environment of every supported CPython found
on this machine, runs a test vector without a warning, as `python -m hrss.drawkit.verify` and as the script
`hrss-verify-draw`.

Integration: building the wheel fetches the build backend (setuptools ≥ 68, `[build-system]`) from the package
index, since the project's environment has no wheel builder; installing and running it need no network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hrss.drawkit.vectors import generate

pytestmark = pytest.mark.integration

LIB = Path(generate.__file__).parents[4]  # libs/drawkit
VECTORS = json.loads(Path(generate.__file__).with_name("vectors.json").read_text(encoding="utf-8"))
CASES = {case["name"]: case for case in VECTORS["cases"]}


def interpreter(version: str) -> str | None:
    """A CPython of that minor version on this machine: this one, one on PATH, or one that pyenv installed (as in
    tests/unit/test_verifier_alone.py)."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True, timeout=60).returncode == 0:
        return found
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(root.glob(f"{version}.*/bin/python{version}")) if root.is_dir() else []
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "drawkit"  # a copy: setuptools writes build/ and egg-info beside the sources it builds
    shutil.copytree(LIB, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = out.glob("hrss_drawkit-*-py3-none-any.whl")
    return found


def test_the_wheel_declares_every_supported_python_and_no_dependency(wheel: Path) -> None:
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        names = archive.namelist()
    assert "Requires-Python: >=3.9" in metadata
    assert "Requires-Dist" not in metadata
    assert "hrss/drawkit/verify/__main__.py" in names and "hrss/drawkit/vectors/vectors.json" in names


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_the_wheel_alone_installs_and_verifies_a_vector_without_a_warning(
    version: str, wheel: Path, tmp_path: Path
) -> None:
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    bin_dir = venv / "bin"
    install = [str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)]
    done = subprocess.run(install, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    record = tmp_path / "package.json"
    record.write_text(json.dumps(CASES["assignment-infeasible"]["package"], ensure_ascii=False), encoding="utf-8")
    for command in (
        [str(bin_dir / "python"), "-W", "error", "-m", "hrss.drawkit.verify", str(record)],
        [str(bin_dir / "hrss-verify-draw"), str(record)],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stderr == "" and "all checks pass" in done.stdout
