"""Lines of business (业务条线): who owns a checklist item, an inspector's line, an archive's line."""

from __future__ import annotations

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
