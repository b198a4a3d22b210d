"""Fixtures for the reporting service's tests: the fakes and the activity generator importable from every folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from hrss.testing.modules import load_as

load_as("reporting_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own
