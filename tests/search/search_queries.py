"""The judged query set: what a citizen or a staff member types, and a grade (0-2) for every document, decided
from the facts a document was generated from (search_corpus.ResultDoc), never from its words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search_corpus import FORMS, REGIONS, Entity, ResultDoc

Grade = Callable[[ResultDoc], int]


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    # entity, uscc, partial_name, concept, law, item, traditional, misspelling, region_year, sentence, body
    kind: str
    grade: Grade
    who: str = "citizen"  # or "staff": who typically types it


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


def _city_body(name: str, city: str) -> Grade:
    return lambda d: 2 if d.body_name == name else (1 if REGIONS[d.district][0] == city else 0)


def _category(category: str) -> Grade:
    return lambda d: 2 if d.category == category else 0


def _wage_payment(d: ResultDoc) -> int:
    if {"wage_arrears", "migrant_wage_arrears"} & set(d.violations):
        return 2
    return 1 if {"minimum_wage", "overtime"} & set(d.violations) else 0


def _city_brand(city: str, brand: str) -> Grade:
    def grade(d: ResultDoc) -> int:
        if d.entity.brand != brand:
            return 0
        return 2 if REGIONS[d.entity.district][0] == city else 1

    return grade


def _stem(name: str, stem: str) -> Grade:
    """The entity named, and 1 for another legal form of the same name."""
    return lambda d: 2 if d.entity.name == name else (1 if d.entity.name.startswith(stem) else 0)


def _city_year_topic(city: str, year: int, topic: Grade) -> Grade:
    def grade(d: ResultDoc) -> int:
        if not topic(d) or REGIONS[d.district][0] != city:
            return 0
        return 2 if d.year == year else 1

    return grade


def judged_queries(corpus: list[ResultDoc]) -> list[JudgedQuery]:
    """The queries over this corpus (entity queries name entities that exist in it)."""
    entities = sorted({d.entity.name: d.entity for d in corpus}.values(), key=lambda e: e.name)
    first, second, third = entities[3], entities[57], entities[120]
    district = "130102"
    district_name = REGIONS[district][2]
    return [
        JudgedQuery(first.name, "entity", _entity(first.name)),
        JudgedQuery(second.name, "entity", _entity(second.name)),
        JudgedQuery(third.uscc, "uscc", _entity(third.name), "staff"),
        JudgedQuery(third.uscc.lower(), "uscc", _entity(third.name), "staff"),
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
        JudgedQuery("养老保险稽核", "item", _item("PDS-08"), "staff"),
        JudgedQuery("技工院校", "item", _item("PDS-02"), "staff"),
        JudgedQuery("人力资源服务机构检查", "item", _item("PDS-01"), "staff"),
        JudgedQuery("工时制度", "item", _item("PDS-06"), "staff"),
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
        *more_queries(entities),
    ]


def more_queries(entities: list[Entity]) -> list[JudgedQuery]:
    """The second half of the set (issue 18 asks for 60): staff's items and law terms, more names, traditional
    characters, typing mistakes, cities and years, and questions in full sentences."""
    fourth, fifth, sixth = entities[200], entities[310], entities[250]
    fourth_city = REGIONS[fourth.district][0]
    fourth_city_name = REGIONS[fourth.district][1].removesuffix("市")
    stem = next(fifth.name.removesuffix(f) for f in sorted(FORMS, key=len, reverse=True) if fifth.name.endswith(f))
    other = "130104"
    other_name = REGIONS[other][2]
    return [
        JudgedQuery(fourth.name, "entity", _entity(fourth.name)),
        JudgedQuery(fifth.name, "entity", _entity(fifth.name)),
        JudgedQuery(sixth.uscc, "uscc", _entity(sixth.name), "staff"),
        JudgedQuery(f"{fourth_city_name}{fourth.brand}", "partial_name", _city_brand(fourth_city, fourth.brand)),
        JudgedQuery(stem, "partial_name", _stem(fifth.name, stem)),
        JudgedQuery("工资支付", "item", _wage_payment, "staff"),
        JudgedQuery("失业保险稽核", "item", _item("PDS-09"), "staff"),
        JudgedQuery("劳务派遣监督检查", "item", _item("PDS-05"), "staff"),
        JudgedQuery("职业技能鉴定", "item", _item("PDS-03"), "staff"),
        JudgedQuery("民办培训机构", "item", _item("PDS-04"), "staff"),
        JudgedQuery("责令改正", "law", _category("发现问题已责令改正"), "staff"),
        JudgedQuery("移交立案处理", "law", _category("发现问题待后续处理"), "staff"),
        JudgedQuery("拒不提供工资台账", "law", _category("不配合检查"), "staff"),
        JudgedQuery("最低工资标准", "law", _has("minimum_wage"), "staff"),
        JudgedQuery("书面劳动合同", "law", _has("contract"), "staff"),
        JudgedQuery("劳动报酬", "law", _wages, "staff"),
        JudgedQuery("失业金", "concept", _has("unemployment")),
        JudgedQuery("欠付工资", "concept", _wages),
        JudgedQuery("養老保險稽核", "traditional", _item("PDS-08")),
        JudgedQuery("勞務派遣", "traditional", _has("dispatch")),
        JudgedQuery("帶薪年休假", "traditional", _has("leave")),
        JudgedQuery("拖久工资", "misspelling", _wages),
        JudgedQuery("社会保检", "misspelling", _has("social_insurance")),
        JudgedQuery("最底工资", "misspelling", _has("minimum_wage")),
        JudgedQuery("劳动和同", "misspelling", _has("contract")),
        JudgedQuery(f"{other_name}2023年欠薪", "region_year", _region_year_topic(other, 2023, _wages), "staff"),
        JudgedQuery("唐山市 2024 社保", "region_year", _city_year_topic("130200", 2024, _has("social_insurance"))),
        JudgedQuery("保定 2025年 劳动合同", "region_year", _city_year_topic("130600", 2025, _has("contract"))),
        JudgedQuery("老板拖欠我们三个月工资不发去哪里投诉", "sentence", _wages),
        JudgedQuery("单位没有给我交社保能查到处罚结果吗", "sentence", _has("social_insurance")),
        JudgedQuery("公司逼员工加班又不给加班工资", "sentence", _has("overtime")),
        JudgedQuery("哪些公司使用童工被查处了", "sentence", _has("child_labour")),
        JudgedQuery(
            f"{other_name}人力资源和社会保障局", "body", _body(f"{other_name}人力资源和社会保障局", other), "staff"
        ),
        JudgedQuery("保定市社会保险事业管理局", "body", _city_body("保定市社会保险事业管理局", "130600"), "staff"),
    ]
