"""Deterministic demo data for one province: entities (检查对象) and inspectors (执法检查人员), as CSV rows.

Everything comes from `random.Random` seeded by the caller and from the bundled GB/T 2260 table, never from
the clock: the same arguments give byte-identical output. The data is synthetic but shaped like the real
registries: real cities and counties, company names such as 郑州鑫盛建筑工程有限公司, valid USCCs whose
registration region is the entity's county, valid national ID numbers, the tags (分类标注) that the 9 items
of the seeds/002 checklist inspect. Values are the Chinese labels the importer accepts.

Entity rows are prefix-stable: row *i* does not depend on `count`, so the first rows of a large run are a
small run. The first rows visit every county once (in a shuffled order), so `count` ≥ the number of counties
gives every county an entity. The inspectors' former employers (曾任职单位) are, unless given, USCCs of the
first 20 × counties entities of the same seed in the same county.

    cd infra/local && python -m registry_demo files --entities 100000 --per-county 12 --seed 1 --out /tmp/demo
"""

from __future__ import annotations

import csv
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from operator import mul
from pathlib import Path
from random import Random

from registry.domain.entities import (
    GRADE_LABELS,
    OBJECT_TYPE_LABELS,
    CreditGrade,
    ObjectType,
)
from registry.domain.entities import STATUS_LABELS as ENTITY_STATUS_LABELS
from registry.domain.regions import Region, RegionTable

from hrss.contracts import Level
from hrss.contracts.uscc import uscc_with_check
from registry_demo.words import (
    _AUTONOMOUS,
    _BRAND_CHARS,
    _COMPANY_FORMS,
    _ENTITY_STATUSES,
    _GRADES,
    _INSURED_SHARE,
    _KINDS,
    _NO_COMPLAINT,
    _NUMERALS,
    _ORGANS,
    _PROVINCE_SUFFIX,
    _PUBLIC_SECTOR,
    _ROADS,
    _SECTIONS,
    _SHOP_SURNAMES,
    _SHOPS,
    _SUFFIXES,
    _WORD_TAGS,
)

DEFAULT_PROVINCE = "410000"  # 河南省
AS_OF = date(2026, 12, 1)
EMPLOYERS_PER_COUNTY = 20  # entities per county regenerated for the inspectors' former employers
MAX_ENTITIES = 10**8  # the 8-digit organisation code body is a permutation of the row number
TAG_SEPARATOR = "；"

Rnd = Callable[[], float]


def short_name(name: str) -> str:
    """A place name without its administrative suffix ('郑州市' → '郑州', '长阳土家族自治县' → '长阳', '郏县' kept)."""
    for pattern in _AUTONOMOUS:
        if match := pattern.match(name):
            return match.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class County:
    """A county-level region with the names the generator writes."""

    code: str
    name: str
    short: str  # 中原
    city_short: str  # 郑州 (the province's for a municipality, the county's for a directly administered one)
    full_name: str  # 河南省郑州市中原区, for addresses
    local_name: str  # 郑州市中原区 for a district, 新郑市 for a county or county-level city: for unit names
    weight: int


def province_counties(province: str, regions: RegionTable | None = None) -> tuple[County, ...]:
    """The county-level regions of a province, in code order; ValueError for a non-province or one without any."""
    table = regions or RegionTable.load()
    top = table.check(province)
    if top.level is not Level.PROVINCE:
        raise ValueError(f"{province} {top.name} is not a province")
    province_short = _PROVINCE_SUFFIX.sub("", top.name)
    counties: list[County] = []
    for region in table.counties_of(province):
        city = table.check(region.parent) if region.parent else top
        counties.append(_county(region, city, top, province_short, table))
    if not counties:
        raise ValueError(f"{province} {top.name} has no county-level regions in the division table")
    return tuple(counties)


def _county(region: Region, city: Region, province: Region, province_short: str, table: RegionTable) -> County:
    short = short_name(region.name)
    if city.level is Level.PROVINCE or city.name in ("市辖区", "县"):  # a municipality's districts and counties
        city_short, city_name = province_short, province.name
    elif city.name.endswith("直辖县级行政区划"):
        city_short, city_name = short, ""
    else:
        city_short, city_name = short_name(city.name), city.name
    district = region.name.endswith("区")
    weight = 3 if district else 2 if region.name.endswith("市") else 1
    local = city_name + region.name if district and city_name else region.name
    return County(region.code, region.name, short, city_short, table.full_name(region.code), local, weight)


# -- entities ----------------------------------------------------------------------------------------------


def _cumulative(weights: Iterable[float]) -> list[float]:
    values = list(accumulate(weights))
    return [value / values[-1] for value in values[:-1]]  # bisect(cum, random()) picks index 0 … len


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ZERO = ord("0") * sum(_ORG_WEIGHTS)


def _org_check(body: str) -> str:
    """The check character of a GB 11714 organisation code (8 digits)."""
    value = 11 - (sum(map(mul, body.encode(), _ORG_WEIGHTS)) - _ORG_ZERO) % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def generate_entities(
    province: str = DEFAULT_PROVINCE,
    count: int = 1000,
    seed: int = 0,
    *,
    as_of: date = AS_OF,
    regions: RegionTable | None = None,
) -> Iterator[dict[str, str]]:
    """`count` entity rows keyed by `ENTITY_FIELDS`, all in `province`; the same arguments give the same rows."""
    if not 0 <= count <= MAX_ENTITIES:
        raise ValueError(f"count must be between 0 and {MAX_ENTITIES}")
    counties = province_counties(province, regions)
    rng = Random(seed)
    rnd = rng.random
    first = list(counties)
    rng.shuffle(first)
    county_cum = _cumulative(county.weight for county in counties)
    kinds = [(OBJECT_TYPE_LABELS[kind], prefix, kind) for kind, _, prefix in _KINDS]
    kind_cum = _cumulative(weight for _, weight, _ in _KINDS)
    section_cum = _cumulative(section[1] for section in _SECTIONS)
    grade_cum = _cumulative(share for _, share in _GRADES)
    grades = [(GRADE_LABELS[grade], _NO_COMPLAINT[grade], grade is CreditGrade.D) for grade, _ in _GRADES]
    status_cum = _cumulative(share for _, share in _ENTITY_STATUSES)
    statuses = [ENTITY_STATUS_LABELS[status] for status, _ in _ENTITY_STATUSES]
    # the organisation code body is (row × multiplier + offset) mod 10^8: a permutation, so no code repeats
    multiplier = 1 + 2 * int(rnd() * (MAX_ENTITIES // 2))
    while multiplier % 5 == 0:
        multiplier += 2
    offset = int(rnd() * MAX_ENTITIES)
    brand, brand_n = _BRAND_CHARS, len(_BRAND_CHARS)
    roads, roads_n = _ROADS, len(_ROADS)
    forms, forms_n = _COMPANY_FORMS, len(_COMPANY_FORMS)
    first_day = as_of.toordinal() - 3 * 365
    enterprise = OBJECT_TYPE_LABELS[ObjectType.ENTERPRISE]
    for row in range(count):
        county = first[row] if row < len(first) else counties[bisect(county_cum, rnd())]
        label, prefix, kind = kinds[bisect(kind_cum, rnd())]
        name_brand = brand[int(rnd() * brand_n)] + brand[int(rnd() * brand_n)]
        if label == enterprise:
            industry, _, words, section_tags = _SECTIONS[bisect(section_cum, rnd())]
            word = words[int(rnd() * len(words))]
            name = county.city_short + name_brand + word + forms[int(rnd() * forms_n)]
            tags = [tag for tag, share in section_tags if rnd() < share]
            tags.extend(_WORD_TAGS.get(word, ()))
            if rnd() < _INSURED_SHARE:
                tags.append("参保企业")
        else:
            name, industry, tags = _other_entity(kind, county, name_brand, rnd)
        body = f"{(row * multiplier + offset) % MAX_ENTITIES:08d}"
        grade, no_complaint, worst = grades[bisect(grade_cum, rnd())]
        draw = rnd()
        complaints = 0 if draw < no_complaint else 1 + int(((draw - no_complaint) / (1 - no_complaint)) ** 3 * 12)
        serious = rnd() < (0.25 if worst else 0.005)
        inspected = rnd() < 0.35
        yield {
            "uscc": uscc_with_check(prefix + county.code + body + _org_check(body)),
            "name": name,
            "object_type": label,
            "region_code": county.code,
            "industry": industry,
            "address": f"{county.full_name}{roads[int(rnd() * roads_n)]}{1 + int(rnd() * 999)}号",
            "status": statuses[bisect(status_cum, rnd())],
            "tags": TAG_SEPARATOR.join(dict.fromkeys(tags)),
            "credit_grade": grade,
            "complaint_count": str(complaints),
            "serious_violation": "是" if serious else "否",
            "last_inspected": date.fromordinal(first_day + int(rnd() * 3 * 365)).isoformat() if inspected else "",
        }


def _pick(items: Sequence[str], rnd: Rnd) -> str:
    return items[int(rnd() * len(items))]


def _other_entity(kind: ObjectType, county: County, brand: str, rnd: Rnd) -> tuple[str, str, list[str]]:
    """Name, industry and tags of an entity that is not an enterprise."""
    draw = rnd()
    city, local = county.city_short, county.local_name
    if kind is ObjectType.INDIVIDUAL_BUSINESS:
        industry, _, words = _SHOPS[0 if draw < 0.5 else 1 if draw < 0.8 else 2]
        owner = _pick(_SHOP_SURNAMES, rnd) + "记" if rnd() < 0.3 else brand
        return f"{county.short}{owner}{_pick(words, rnd)}店", industry, []
    if kind is ObjectType.PRIVATE_NON_ENTERPRISE:
        if draw < 0.40:
            return f"{city}{brand}职业培训学校", "教育", ["民办培训机构"]
        if draw < 0.55:
            return f"{city}{brand}职业技能培训中心", "教育", ["民办培训机构"]
        if draw < 0.65:
            return f"{city}{brand}技工学校", "教育", ["技工院校"]
        if draw < 0.75:
            return f"{city}{brand}职业技能鉴定所", "教育", ["职业技能鉴定机构"]
        if draw < 0.90:
            return f"{city}{brand}养老服务中心", "卫生和社会工作", []
        return f"{city}{brand}幼儿园", "教育", []
    if kind is ObjectType.PARTNERSHIP:
        word = _pick(("企业管理咨询中心", "投资管理中心", "商贸中心", "科技中心"), rnd)
        form = "（有限合伙）" if draw < 0.7 else "（普通合伙）"
        tags = ["参保企业"] if rnd() < 0.5 else []
        return f"{city}{brand}{word}{form}", "租赁和商务服务业", tags
    if kind is ObjectType.FOUNDATION:
        return f"{city}{brand}{_pick(('慈善', '教育', '公益', '助学'), rnd)}基金会", _PUBLIC_SECTOR, []
    if kind is ObjectType.STATE_ORGAN:
        return local + _pick(_ORGANS, rnd), _PUBLIC_SECTOR, []
    if kind is ObjectType.PUBLIC_INSTITUTION:
        if draw < 0.15:
            return f"{local}技工学校", "教育", ["技工院校"]
        if draw < 0.20:
            return f"{city}技师学院", "教育", ["技工院校"]
        if draw < 0.30:
            return f"{local}职业技能鉴定中心", "教育", ["职业技能鉴定机构"]
        if draw < 0.40:
            return f"{local}公共就业和人才服务中心", _PUBLIC_SECTOR, ["人力资源服务机构"]
        if draw < 0.55:
            return f"{local}人民医院", "卫生和社会工作", []
        if draw < 0.75:
            return f"{local}第{_pick(_NUMERALS, rnd)}高级中学", "教育", []
        return f"{local}{_pick(('疾病预防控制中心', '实验小学', '中医院', '广播电视台'), rnd)}", _PUBLIC_SECTOR, []
    trade = _pick(("建筑业", "餐饮业", "物流", "人力资源服务业", "企业家", "个体劳动者", "家政服务业"), rnd)
    return f"{city}{trade}协会", _PUBLIC_SECTOR, []


# -- files -------------------------------------------------------------------------------------------------


def write_csv(
    path: Path | str, rows: Iterable[Mapping[str, str]], fields: Mapping[str, str], *, bom: bool = False
) -> int:
    """Write rows as a UTF-8 CSV headed by the fields' Chinese labels; the number of rows written.

    `bom=True` starts the file with a UTF-8 byte order mark, which Excel needs to show Chinese; the importer
    reads either.
    """
    written = 0
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields.values())
        names = tuple(fields)
        for row in rows:
            writer.writerow([row.get(name, "") for name in names])
            written += 1
    return written
