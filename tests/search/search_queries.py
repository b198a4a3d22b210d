"""The judged query set: what a citizen or a staff member types, and a grade (0-2) for every document, decided
from the facts a document was generated from (search_corpus.ResultDoc), never from its words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search_corpus import REGIONS, ResultDoc

Grade = Callable[[ResultDoc], int]


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    kind: str  # entity, partial_name, item, concept, traditional, misspelling, region_year, sentence, uscc, body
    grade: Grade


def _has(*violations: str) -> Grade:
    return lambda d: 2 if set(violations) & set(d.violations) else 0


def _wages(d: ResultDoc) -> int:
    return 2 if {"wage_arrears", "migrant_wage_arrears"} & set(d.violations) else 0


def _migrant_wages(d: ResultDoc) -> int:
    if "migrant_wage_arrears" in d.violations:
        return 2
    return 1 if "wage_arrears" in d.violations else 0


def _item(code: str) -> Grade:
    return lambda d: 2 if code in d.item_codes else 0


def _entity(name: str) -> Grade:
    return lambda d: 2 if d.entity.name == name else 0


def _brand(brand: str, industry: str) -> Grade:
    return lambda d: (
        2 if (d.entity.brand, d.entity.industry) == (brand, industry) else (1 if d.entity.brand == brand else 0)
    )


def _region_year_topic(district: str, year: int, topic: Grade) -> Grade:
    def grade(d: ResultDoc) -> int:
        if not topic(d) or d.district != district:
            return 0
        return 2 if d.year == year else 1

    return grade


def _both(first: Grade, second: Grade) -> Grade:
    return lambda d: 2 if first(d) and second(d) else (1 if first(d) or second(d) else 0)


def _body(name: str, district: str) -> Grade:
    return lambda d: 2 if d.body_name == name else (1 if d.district == district else 0)


def judged_queries(corpus: list[ResultDoc]) -> list[JudgedQuery]:
    """The queries over this corpus (entity queries name entities that exist in it)."""
    entities = sorted({d.entity.name: d.entity for d in corpus}.values(), key=lambda e: e.name)
    first, second, third = entities[3], entities[57], entities[120]
    district = "130102"
    district_name = REGIONS[district][2]
    return [
        JudgedQuery(first.name, "entity", _entity(first.name)),
        JudgedQuery(second.name, "entity", _entity(second.name)),
        JudgedQuery(third.uscc, "uscc", _entity(third.name)),
        JudgedQuery(third.uscc.lower(), "uscc", _entity(third.name)),
        JudgedQuery(f"{first.brand}{first.industry}", "partial_name", _brand(first.brand, first.industry)),
        JudgedQuery(f"{second.brand}{second.industry[:2]}", "partial_name", _brand(second.brand, second.industry)),
        JudgedQuery("欠薪", "concept", _wages),
        JudgedQuery("拖欠工资", "concept", _wages),
        JudgedQuery("拖欠农民工工资", "concept", _migrant_wages),
        JudgedQuery("社保", "concept", _has("social_insurance")),
        JudgedQuery("未缴纳社会保险费", "concept", _has("social_insurance")),
        JudgedQuery("劳动合同", "concept", _has("contract")),
        JudgedQuery("用工合同", "concept", _has("contract")),
        JudgedQuery("加班费", "concept", _has("overtime")),
        JudgedQuery("最低工资", "concept", _has("minimum_wage")),
        JudgedQuery("劳务派遣超比例", "concept", _has("dispatch")),
        JudgedQuery("童工", "concept", _has("child_labour")),
        JudgedQuery("冒领养老金", "concept", _has("pension_fraud")),
        JudgedQuery("带薪年休假", "concept", _has("leave")),
        JudgedQuery("骗取培训补贴", "concept", _has("training")),
        JudgedQuery("养老保险稽核", "item", _item("PDS-08")),
        JudgedQuery("技工院校", "item", _item("PDS-02")),
        JudgedQuery("人力资源服务机构检查", "item", _item("PDS-01")),
        JudgedQuery("工时制度", "item", _item("PDS-06")),
        JudgedQuery("勞動合同", "traditional", _has("contract")),
        JudgedQuery("拖欠工資", "traditional", _wages),
        JudgedQuery("社會保險", "traditional", _has("social_insurance")),
        JudgedQuery("劳务派谴", "misspelling", _has("dispatch")),
        JudgedQuery("加班费没给", "misspelling", _has("overtime")),
        JudgedQuery(f"{district_name} 2024 拖欠工资", "region_year", _region_year_topic(district, 2024, _wages)),
        JudgedQuery(
            f"{district_name}2025年社保", "region_year", _region_year_topic(district, 2025, _has("social_insurance"))
        ),
        JudgedQuery(
            "建筑工地拖欠农民工工资还不给缴社保怎么办",
            "sentence",
            _both(_has("migrant_wage_arrears"), _has("social_insurance")),
        ),
        JudgedQuery("公司不签劳动合同也不给加班费", "sentence", _both(_has("contract"), _has("overtime"))),
        JudgedQuery(f"{district_name}劳动保障监察大队", "body", _body(f"{district_name}劳动保障监察大队", district)),
    ]
