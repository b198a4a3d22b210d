"""The seed documents (`shared/seeds/`) read as fixture data: the real checklist of seeds/002.

The seeds are not part of the repository: they sit in a `shared/` folder beside the checkout
(`…/main` and `…/shared`), locally and in CI alike. `HRSS_SEEDS_DIR` names another folder and wins.
A missing document raises `SeedMissing` saying where it was looked for; nothing falls back silently.
"""

from __future__ import annotations

import os
from pathlib import Path

from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.checklist_document import parse_checklist_document

SEEDS_ENV = "HRSS_SEEDS_DIR"
CHECKLIST_DOCUMENT = "002_faaf37735c8daa25.txt"  # 平顶山 2020 方案: its attachment is a real 9-item checklist


class SeedMissing(FileNotFoundError):
    """A seed document that is not where the repository layout (or HRSS_SEEDS_DIR) says it is."""


def seeds_dir() -> Path:
    """`$HRSS_SEEDS_DIR` if set, else `shared/seeds` beside the repository checkout."""
    configured = os.environ.get(SEEDS_ENV, "").strip()
    if configured:
        return Path(configured)
    # this file is <repo>/libs/testing/src/hrss/testing/seeds.py: parents[5] is <repo>
    return (Path(__file__).resolve().parents[5] / ".." / "shared" / "seeds").resolve()


def seed_document(name: str) -> Path:
    """The path of one seed document; `SeedMissing` (a FileNotFoundError) if it is not there."""
    directory = seeds_dir()
    path = directory / name
    if not path.is_file():
        source = f"${SEEDS_ENV}={os.environ[SEEDS_ENV]}" if os.environ.get(SEEDS_ENV, "").strip() else "the repo layout"
        raise SeedMissing(
            f"seed document {name} not found at {path} (seeds folder from {source}); "
            f"put the shared/ folder beside the repository checkout or set {SEEDS_ENV} to the seeds folder"
        )
    return path


def load_seed_checklist() -> list[CheckItemSpec]:
    """The 9 items of the checklist in seeds/002, parsed."""
    return parse_checklist_document(seed_document(CHECKLIST_DOCUMENT).read_text(encoding="utf-8"))
