"""The GB/T 2260 administrative division table: province → city → county, bundled as data/gbt2260.csv."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hrss.contracts import Level

_CODE = re.compile(r"^[1-9]\d{5}$")
# Names that stand for a grouping in the table, not a place: they are left out of full names.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class UnknownRegion(ValueError):
    """A region code that is malformed or not in the division table."""

    def __init__(self, code: object, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Region:
    """One division: its 6-digit code, official name, level and the code of the division above (none for provinces)."""

    code: str
    name: str
    level: Level
    parent: str | None


def _well_formed(code: object) -> str:
    if not isinstance(code, str) or not _CODE.match(code):
        raise UnknownRegion(code, f"行政区划代码 {code} 格式错误：应为 6 位数字")
    return code


def subtree_prefix(code: str) -> str:
    """The code prefix shared by a region and everything below it, for a SQL LIKE ('13', '1301', '130102')."""
    _well_formed(code)
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class RegionTable:
    """An indexed, read-only division table."""

    def __init__(self, regions: Iterable[Region]) -> None:
        by_code: dict[str, Region] = {}
        for region in sorted(regions, key=lambda item: item.code):
            if region.code in by_code:
                raise ValueError(f"duplicate region code {region.code}")
            by_code[region.code] = region
        children: dict[str, list[Region]] = {code: [] for code in by_code}
        for region in by_code.values():
            if region.parent is None:
                if region.level is not Level.PROVINCE:
                    raise ValueError(f"region {region.code} has no parent but is not a province")
                continue
            if region.parent not in by_code:
                raise ValueError(f"region {region.code} has unknown parent {region.parent}")
            children[region.parent].append(region)
        self._by_code = by_code
        self._children = {code: tuple(items) for code, items in children.items()}
        self._provinces = tuple(region for region in by_code.values() if region.parent is None)

    @classmethod
    def load(cls) -> RegionTable:
        """The bundled GB/T 2260 table, read once per process."""
        return _bundled()

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[str]]) -> RegionTable:
        """Build a table from (code, name, level, parent) rows; an empty parent marks a province."""
        return cls(Region(code, name, Level(level), parent or None) for code, name, level, parent in rows)

    def get(self, code: str) -> Region | None:
        """The region with this code, or None."""
        return self._by_code.get(code) if isinstance(code, str) else None

    def check(self, code: str) -> Region:
        """The region with this code; UnknownRegion if the code is malformed or not in the table."""
        region = self.get(code)
        if region is None:
            _well_formed(code)
            raise UnknownRegion(code, f"行政区划代码 {code} 不在 GB/T 2260 区划表中")
        return region

    def children(self, code: str) -> tuple[Region, ...]:
        """The regions directly below this one, in code order."""
        return self._children[self.check(code).code]

    def subtree(self, code: str) -> tuple[Region, ...]:
        """The region and every region below it, in code order."""
        found: list[Region] = []
        stack = [self.check(code)]
        while stack:
            region = stack.pop()
            found.append(region)
            stack.extend(reversed(self._children[region.code]))
        return tuple(found)

    def path(self, code: str) -> tuple[Region, ...]:
        """The chain from the province down to this region."""
        chain = [self.check(code)]
        while chain[-1].parent is not None:
            chain.append(self._by_code[chain[-1].parent])
        return tuple(reversed(chain))

    def full_name(self, code: str) -> str:
        """The name with its province and city, leaving out groupings such as 市辖区 ('河北省石家庄市长安区')."""
        return "".join(region.name for region in self.path(code) if region.name not in _PLACEHOLDERS)

    def provinces(self) -> tuple[Region, ...]:
        """All provinces, in code order."""
        return self._provinces

    def counties_of(self, code: str) -> tuple[Region, ...]:
        """The county-level regions in this region's subtree (a county gives itself)."""
        return tuple(region for region in self.subtree(code) if region.level is Level.COUNTY)

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_code.values())


@cache
def _bundled() -> RegionTable:
    text = resources.files("registry").joinpath("data/gbt2260.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    if header != ["code", "name", "level", "parent"]:
        raise ValueError(f"unexpected header in gbt2260.csv: {header}")
    return RegionTable.from_rows(reader)
