"""A service's test helper module under a name of its own.

Every service keeps its fakes in `tests/fakes.py`; collected together (`make test` runs every service's tests in
one process), the plain name `fakes` would resolve to whichever service's folder came first on `sys.path`. Each
service's conftest loads its file as `<service>_fakes` instead, and its tests import that name.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_as(name: str, path: Path) -> ModuleType:
    """The module at `path`, imported once as `name` (and kept in `sys.modules` under that name)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
