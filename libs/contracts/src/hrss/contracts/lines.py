"""Lines of business (业务条线): who owns a checklist item, an inspector's line, an archive's line; and what a
checklist item requires of the inspectors who check it (its line, and the qualifications it names)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum


class Line(StrEnum):
    LABOUR_INSPECTION = "labour_inspection"
    SOCIAL_INSURANCE = "social_insurance"
    EMPLOYMENT = "employment"
    VOCATIONAL_SKILLS = "vocational_skills"
    HR_MARKET = "hr_market"
    LABOUR_RELATIONS = "labour_relations"
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance"


LINE_LABELS = {
    Line.LABOUR_INSPECTION: "劳动保障监察",
    Line.SOCIAL_INSURANCE: "社会保险经办与稽核",
    Line.EMPLOYMENT: "就业促进",
    Line.VOCATIONAL_SKILLS: "职业能力建设",
    Line.HR_MARKET: "人力资源市场",
    Line.LABOUR_RELATIONS: "劳动关系",
    Line.UNEMPLOYMENT_INSURANCE: "失业保险",
}

# The words of a responsible unit's name (责任科室、单位) that tell its line, most specific first: 失业保险 before
# 社保/社会保险, so that 市失业保险中心 is unemployment insurance and 市社保局 social insurance.
_UNIT_WORDS = (
    ("劳动保障监察", Line.LABOUR_INSPECTION),
    ("监察", Line.LABOUR_INSPECTION),
    ("失业保险", Line.UNEMPLOYMENT_INSURANCE),
    ("社会保险", Line.SOCIAL_INSURANCE),
    ("社保", Line.SOCIAL_INSURANCE),
    ("职业能力", Line.VOCATIONAL_SKILLS),
    ("职业技能", Line.VOCATIONAL_SKILLS),
    ("劳动能力鉴定", Line.VOCATIONAL_SKILLS),
    ("就业", Line.EMPLOYMENT),
    ("人力资源流动", Line.HR_MARKET),
    ("人力资源市场", Line.HR_MARKET),
    ("劳动关系", Line.LABOUR_RELATIONS),
)

# Administrative enforcement qualification (行政执法资格): what the inspector registry is made of (000 §三(三):
# 行政执法类公务员、具有行政执法资格的工作人员); an official list loaded as a whole requires it of every item unless
# the loader is told otherwise.
ENFORCEMENT_QUALIFICATION = "行政执法资格"

MAX_QUALIFICATIONS = 10
MAX_QUALIFICATION_LENGTH = 40


def line_of_unit(responsible_unit: str) -> Line | None:
    """The line of the first responsible unit named (责任科室、单位 '劳动保障监察局（支队）、人力资源流动管理科' →
    labour inspection); None when no unit's name tells it."""
    for unit in re.split(r"[、，,；;/]", unicodedata.normalize("NFKC", responsible_unit)):
        for word, line in _UNIT_WORDS:
            if word in unit:
                return line
    return None


class BadQualifications(ValueError):
    """A list of required qualifications that cannot be stored; the message is in Chinese."""


def clean_qualifications(values: Iterable[object]) -> tuple[str, ...]:
    """Required qualification tags, NFKC-normalised, stripped, without repeats, sorted (order carries no meaning)."""
    found: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            raise BadQualifications("资格应为文字")
        tag = unicodedata.normalize("NFKC", value).strip()
        if not tag:
            raise BadQualifications("资格不能为空")
        if len(tag) > MAX_QUALIFICATION_LENGTH:
            raise BadQualifications(f"资格“{tag[:20]}…”超过 {MAX_QUALIFICATION_LENGTH} 个字")
        if tag.startswith("line:"):
            raise BadQualifications(f"资格“{tag}”不能以 line: 开头（抽取服务用它标记业务条线）")
        found.add(tag)
    if len(found) > MAX_QUALIFICATIONS:
        raise BadQualifications(f"一个抽查事项最多要求 {MAX_QUALIFICATIONS} 项资格")
    return tuple(sorted(found))
