"""The checklist (抽查事项清单): the item model and the parsers of its values (ratio, frequency, levels…).

Reading the checklist table of an official document is `hrss.contracts.checklist_document`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from hrss.contracts import Level


class ChecklistError(ValueError):
    """A checklist value that cannot be read; `field` names it for programs, `message` explains it in Chinese."""

    def __init__(self, field: str, message: str, *, row: int | None = None, column: str | None = None) -> None:
        where = f"清单第 {row} 行“{column}”：" if row is not None and column is not None else ""
        super().__init__(where + message)
        self.field = field
        self.message = message
        self.row = row
        self.column = column


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class Category(StrEnum):
    GENERAL = "general"
    KEY = "key"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return "一般检查事项" if self is Category.GENERAL else "重点检查事项"


_CATEGORY_WORDS = {
    "一般检查事项": Category.GENERAL,
    "一般": Category.GENERAL,
    "重点检查事项": Category.KEY,
    "重点": Category.KEY,
}


def parse_category(text: str) -> Category:
    """Read 事项类别 ('一般检查事项', '重点检查事项', or the short forms)."""
    category = _CATEGORY_WORDS.get(_clean(text))
    if category is None:
        raise ChecklistError("category", f"未知的事项类别“{text}”：应为一般检查事项或重点检查事项")
    return category


class Method(StrEnum):
    ON_SITE = "on_site"
    DOCUMENTARY = "documentary"
    ONLINE_COMPARISON = "online_comparison"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return _METHOD_LABELS[self]


_METHOD_LABELS = {Method.ON_SITE: "现场检查", Method.DOCUMENTARY: "书面检查", Method.ONLINE_COMPARISON: "网上比对"}
_METHOD_WORDS = {
    "现场检查": Method.ON_SITE,
    "现场": Method.ON_SITE,
    "书面检查": Method.DOCUMENTARY,
    "书面": Method.DOCUMENTARY,
    "网上比对": Method.ONLINE_COMPARISON,
    "网上信息技术比对": Method.ONLINE_COMPARISON,
    "信息技术比对": Method.ONLINE_COMPARISON,
}


def parse_methods(text: str) -> tuple[Method, ...]:
    """Read 检查方式 ('现场检查、书面检查'), refusing words that name no known method."""
    methods: list[Method] = []
    for word in re.split(r"[、，,]", _clean(text)):
        word = word.strip()
        if not word:
            continue
        method = _METHOD_WORDS.get(word)
        if method is None:
            raise ChecklistError("methods", f"未知的检查方式“{word}”：应为现场检查、书面检查或网上比对")
        if method not in methods:
            methods.append(method)
    if not methods:
        raise ChecklistError("methods", "检查方式不能为空")
    return tuple(methods)


@dataclass(frozen=True)
class Ratio:
    """抽查比例: an exact fraction of the entities (0 < f ≤ 1), or an absolute minimum such as 200 persons."""

    kind: Literal["fraction", "minimum"]
    fraction: Fraction | None = None
    minimum: int | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "fraction":
            if not isinstance(self.fraction, Fraction) or self.minimum is not None or self.unit is not None:
                raise ChecklistError("ratio", "按比例抽查须给出一个分数，且不带最少数量")
            if not 0 < self.fraction <= 1:
                raise ChecklistError("ratio", "抽查比例应大于 0% 且不超过 100%")
        elif self.kind == "minimum":
            if self.fraction is not None or isinstance(self.minimum, bool) or not isinstance(self.minimum, int):
                raise ChecklistError("ratio", "按最少数量抽查须给出一个整数")
            if self.minimum <= 0:
                raise ChecklistError("ratio", "最少抽查数量应大于 0")
        else:
            raise ChecklistError("ratio", f"未知的抽查比例类型“{self.kind}”")

    @property
    def label(self) -> str:
        """The ratio as the documents write it ('5%', '2.5%', '至少200人')."""
        if self.fraction is None:
            return f"至少{self.minimum}{self.unit or ''}"
        percent = self.fraction * 100
        if percent.denominator == 1:
            return f"{percent.numerator}%"
        exact = Decimal(percent.numerator) / Decimal(percent.denominator)
        return f"{exact.normalize():f}%" if Fraction(exact) == percent else f"{float(percent):.2f}%"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: fractions as numerator and denominator, never floats."""
        if self.fraction is not None:
            return {"kind": "fraction", "numerator": self.fraction.numerator, "denominator": self.fraction.denominator}
        return {"kind": "minimum", "minimum": self.minimum, "unit": self.unit}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ratio:
        """The inverse of to_json."""
        try:
            if data["kind"] == "fraction":
                numerator, denominator = data["numerator"], data["denominator"]
                if not all(isinstance(n, int) and not isinstance(n, bool) for n in (numerator, denominator)):
                    raise TypeError
                return cls("fraction", fraction=Fraction(numerator, denominator))
            return cls(data["kind"], minimum=data.get("minimum"), unit=data.get("unit"))
        except (KeyError, TypeError, ZeroDivisionError) as error:
            raise ChecklistError("ratio", f"抽查比例数据不完整：{data!r}") from error


_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)\s*%$")
_MINIMUM = re.compile(r"^(?:至少|不少于|不低于|最少)\s*(-?\d+)\s*([^\d\s]*)$")


def parse_ratio(text: str) -> Ratio:
    """Read 抽查比例: '5%', '2.5%' or a minimum such as '至少200人' and '不少于 30 家'."""
    cleaned = _clean(text)
    if match := _PERCENT.match(cleaned):
        percent = Fraction(match.group(1))
        if percent <= 0:
            raise ChecklistError("ratio", f"抽查比例“{text}”应大于 0%")
        if percent > 100:
            raise ChecklistError("ratio", f"抽查比例“{text}”不能超过 100%")
        return Ratio("fraction", fraction=percent / 100)
    if match := _MINIMUM.match(cleaned):
        minimum = int(match.group(1))
        if minimum <= 0:
            raise ChecklistError("ratio", f"最少抽查数量“{text}”应大于 0")
        return Ratio("minimum", minimum=minimum, unit=match.group(2) or None)
    raise ChecklistError("ratio", f"无法识别的抽查比例“{text}”：应为百分比（如 5%）或最少数量（如 至少200人）")


@dataclass(frozen=True)
class Frequency:
    """抽查频次: a number of times a year, 'as needed' (根据工作需要), or both; `text` keeps the wording."""

    times_per_year: int | None
    as_needed: bool
    text: str

    def __post_init__(self) -> None:
        times = self.times_per_year
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times <= 0):
            raise ChecklistError("frequency", "每年抽查次数应为正整数")
        if times is None and not self.as_needed:
            raise ChecklistError("frequency", "抽查频次须写明每年次数或根据工作需要")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"times_per_year": self.times_per_year, "as_needed": self.as_needed, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Frequency:
        """The inverse of to_json."""
        try:
            return cls(data["times_per_year"], bool(data["as_needed"]), data["text"])
        except KeyError as error:
            raise ChecklistError("frequency", f"抽查频次数据不完整：{data!r}") from error


_FREQUENCY = re.compile(r"^(根据工作需要)?(?:或)?(?:(\d+)次/年|每年(\d+)次)?$")


def parse_frequency(text: str) -> Frequency:
    """Read 抽查频次: '1次/年', '2次/年', '根据工作需要', '根据工作需要或1次/年'."""
    cleaned = re.sub(r"\s+", "", _clean(text))
    match = _FREQUENCY.match(cleaned)
    if not cleaned or match is None or cleaned.endswith("或") or cleaned.startswith("或"):
        raise ChecklistError("frequency", f"无法识别的抽查频次“{text}”：应如 1次/年、根据工作需要或1次/年")
    times = match.group(2) or match.group(3)
    if times is not None and int(times) <= 0:
        raise ChecklistError("frequency", f"抽查频次“{text}”的次数应大于 0")
    return Frequency(int(times) if times else None, match.group(1) is not None, _clean(text))


_LEVEL_WORDS = {"省": Level.PROVINCE, "市": Level.CITY, "县": Level.COUNTY, "区": Level.COUNTY}
_LEVEL_RUN = re.compile(r"^[省市县区级、，,和及\s]+")
_ORDER = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def parse_levels(text: str) -> tuple[Level, ...]:
    """Read the levels named at the start of 实施层级 ('市、县人力资源社会保障部门' → city, county)."""
    # '县（市、区）' is the county level written out; its 市 is a county-level city, not the city level.
    cleaned = re.sub(r"县[(（][^)）]*[)）]", "县", _clean(text))
    run = _LEVEL_RUN.match(cleaned)
    found = {_LEVEL_WORDS[char] for char in run.group(0) if char in _LEVEL_WORDS} if run else set()
    if not found:
        raise ChecklistError("levels", f"实施层级“{text}”未写明省、市、县哪一级")
    return tuple(level for level in _ORDER if level in found)


_POINT_MARK = re.compile(r"(?:^|(?<=[；;。]))\s*(\d+)\s*[.、．]\s*")


def split_points(content: str) -> tuple[str, ...]:
    """The inspection points (检查要点) of a numbered 检查内容 ('1. …；2. …。'); unnumbered content is one point."""
    text = content.strip()
    starts: list[tuple[int, int]] = []  # (start of the marker, start of the point's text)
    for match in _POINT_MARK.finditer(text):
        if int(match.group(1)) == len(starts) + 1 and (starts or match.start() == 0):
            starts.append((match.start(), match.end()))
    if not starts:
        point = text.rstrip("；;。，, ")
        return (point,) if point else ()
    ends = [start for start, _ in starts[1:]] + [len(text)]
    points = (text[begin:end].strip().rstrip("；;。，, ").strip() for (_, begin), end in zip(starts, ends, strict=True))
    return tuple(point for point in points if point)


@dataclass(frozen=True)
class CheckItemSpec:
    """One checklist item (抽查事项) as the document states it; versions are told apart by content_hash()."""

    number: int
    name: str
    legal_basis: str
    object_type: str
    content: str
    points: tuple[str, ...]
    category: Category
    methods: tuple[Method, ...]
    ratio: Ratio
    frequency: Frequency
    levels: tuple[Level, ...]
    implementing_body: str
    responsible_unit: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types: enums as their values, the ratio as in Ratio.to_json."""
        return {
            "number": self.number,
            "name": self.name,
            "legal_basis": self.legal_basis,
            "object_type": self.object_type,
            "content": self.content,
            "points": list(self.points),
            "category": self.category.value,
            "methods": [method.value for method in self.methods],
            "ratio": self.ratio.to_json(),
            "frequency": self.frequency.to_json(),
            "levels": [level.value for level in self.levels],
            "implementing_body": self.implementing_body,
            "responsible_unit": self.responsible_unit,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckItemSpec:
        """The inverse of to_json."""
        try:
            return cls(
                number=int(data["number"]),
                name=data["name"],
                legal_basis=data["legal_basis"],
                object_type=data["object_type"],
                content=data["content"],
                points=tuple(data["points"]),
                category=Category(data["category"]),
                methods=tuple(Method(value) for value in data["methods"]),
                ratio=Ratio.from_json(data["ratio"]),
                frequency=Frequency.from_json(data["frequency"]),
                levels=tuple(Level(value) for value in data["levels"]),
                implementing_body=data["implementing_body"],
                responsible_unit=data["responsible_unit"],
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, ChecklistError):
                raise
            raise ChecklistError("item", f"抽查事项数据不完整或取值无效：{error}") from error

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON (sorted keys, no whitespace): equal specs, equal hashes."""
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
