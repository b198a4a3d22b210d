"""Registry files for end-to-end tests, as an office would import them (CSV with the importer's Chinese headers)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from registry.domain.entities import ENTITY_FIELDS
from registry.domain.inspectors import INSPECTOR_FIELDS

from hrss.contracts.uscc import uscc_with_check

INSPECTOR_COLUMNS = ["credential_no", "credential_expires", "name", "unit", "node", "line", "qualifications"]


def write_entities(path: Path, counts: Iterable[tuple[str, int]], grades: str = "ABCD", word: str = "测试") -> Path:
    """`count` enterprises in each region, with valid USCCs registered there; credit grades cycle through `grades`."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ENTITY_FIELDS.values())
        for region, count in counts:
            for n in range(count):
                row = {
                    "uscc": uscc_with_check(f"91{region}{n:09d}"[:17]),
                    "name": f"{region}{word}第{n}号有限公司",
                    "object_type": "企业",
                    "region_code": region,
                    "industry": "制造业",
                    "address": "",
                    "status": "存续",
                    "tags": "",
                    "credit_grade": grades[n % len(grades)],
                    "complaint_count": "0",
                    "serious_violation": "否",
                    "last_inspected": "",
                }
                writer.writerow([row[f] for f in ENTITY_FIELDS])
    return path


def write_inspectors(path: Path, rows: Iterable[tuple[str, ...]]) -> Path:
    """Inspectors as (credential_no, credential_expires, name, unit, node, line, qualifications)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([INSPECTOR_FIELDS[c] for c in INSPECTOR_COLUMNS])
        writer.writerows(rows)
    return path


def labour_inspectors(counties: Iterable[str], per_county: int, expires: date) -> list[tuple[str, ...]]:
    """`per_county` labour inspectors (劳动保障监察, 行政执法资格) of each county: HE-<county>-<n>."""
    return [
        (credential(county, n), expires.isoformat(), f"检查员{county}{n}", f"{county}劳动保障监察大队", county,
         "劳动保障监察", "行政执法资格")
        for county in counties
        for n in range(per_county)
    ]  # fmt: skip


def credential(county: str, n: int) -> str:
    return f"HE-{county}-{n}"
