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

    python -m registry.demo --entities 100000 --per-county 12 --seed 1 --out /tmp/demo
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate
from operator import mul
from pathlib import Path
from random import Random

from stdnum import numdb
from stdnum.cn import ric

from hrss.contracts import Level
from hrss.contracts.lines import LINE_LABELS, Line
from hrss.contracts.uscc import uscc_with_check
from registry.domain.entities import (
    ENTITY_FIELDS,
    GRADE_LABELS,
    OBJECT_TYPE_LABELS,
    CreditGrade,
    EntityStatus,
    ObjectType,
)
from registry.domain.entities import STATUS_LABELS as ENTITY_STATUS_LABELS
from registry.domain.inspectors import INSPECTOR_FIELDS, POOL_LABELS, InspectorStatus, Pool
from registry.domain.inspectors import STATUS_LABELS as INSPECTOR_STATUS_LABELS
from registry.domain.regions import Region, RegionTable

DEFAULT_PROVINCE = "410000"  # 河南省
AS_OF = date(2026, 12, 1)
EMPLOYERS_PER_COUNTY = 20  # entities per county regenerated for the inspectors' former employers
MAX_ENTITIES = 10**8  # the 8-digit organisation code body is a permutation of the row number
TAG_SEPARATOR = "；"

Rnd = Callable[[], float]

# -- words -------------------------------------------------------------------------------------------------

_BRAND_CHARS = (
    "华鑫盛泰恒瑞丰达兴源宏信诚德嘉润通宇博豫中天龙凯顺祥安远鼎福金海宏昌鸿富汇康明光正阳新亿众"
    "佳美联合永久广升荣百利晟泽豪卓越科联腾飞锦程嘉禾长城东方黄河嵩岳伏牛中原春秋景隆昊晨浩宸"
)
_SHOP_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = tuple(max(1, 40 - index // 3) for index in range(len(_SURNAMES)))  # common surnames first
_GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬飞鑫波斌宇浩凯健俊帆帅旭宁琳颖"
    "晨欣怡佳雪婷丹鹏辉峰建国志国庆海燕亮林文博瑞雨泽子涵一鸣振东晓梅永红春燕卫东"
)
_ROADS = (
    "人民路",
    "建设路",
    "解放路",
    "中州大道",
    "文化路",
    "黄河路",
    "长江路",
    "嵩山路",
    "桐柏路",
    "工业路",
    "新华路",
    "和平路",
    "胜利街",
    "光明路",
    "民主路",
    "团结路",
    "东风路",
    "健康路",
    "经三路",
    "纬五路",
    "农业路",
    "花园路",
    "未来路",
    "商都路",
    "金水路",
    "航海路",
    "中原路",
    "陇海路",
    "迎宾大道",
    "滨河路",
    "开元大道",
    "红旗路",
    "青年路",
    "学院路",
    "车站路",
    "兴业大道",
    "科技大道",
    "创业路",
    "振兴路",
    "朝阳路",
)

# GB/T 4754 sections (in Chinese), weight, words for enterprise names, tags given with a probability
_Section = tuple[str, int, tuple[str, ...], tuple[tuple[str, float], ...]]
_SECTIONS: tuple[_Section, ...] = (
    (
        "制造业",
        18,
        ("机械制造", "食品", "纺织服装", "电子科技", "新材料", "化工", "塑料制品", "汽车配件", "建材", "家具"),
        (("农民工集中用工", 0.2), ("劳务派遣用工单位", 0.1)),
    ),
    (
        "建筑业",
        12,
        ("建筑工程", "建设工程", "建筑劳务", "装饰工程", "市政工程", "安装工程"),
        (("建筑施工企业", 1.0), ("农民工集中用工", 0.6)),
    ),
    ("批发和零售业", 22, ("商贸", "贸易", "百货", "医药", "农资", "建材销售"), ()),
    ("住宿和餐饮业", 8, ("餐饮管理", "酒店管理", "餐饮服务", "饮食"), (("劳务派遣用工单位", 0.05),)),
    (
        "交通运输、仓储和邮政业",
        6,
        ("物流", "运输", "供应链管理", "仓储", "快递"),
        (("劳务派遣用工单位", 0.1), ("农民工集中用工", 0.1)),
    ),
    ("信息传输、软件和信息技术服务业", 5, ("网络科技", "信息技术", "软件", "数据科技"), ()),
    ("租赁和商务服务业", 9, ("人力资源服务", "劳务派遣", "企业管理咨询", "劳务服务", "广告", "会展服务"), ()),
    ("教育", 2, ("教育科技", "教育咨询", "职业培训"), ()),
    ("房地产业", 4, ("置业", "物业服务", "房地产开发"), ()),
    ("农、林、牧、渔业", 4, ("农业科技", "农业开发", "生态农业", "畜牧"), ()),
    ("居民服务、修理和其他服务业", 4, ("家政服务", "保洁服务", "汽车维修", "家电维修"), ()),
    ("科学研究和技术服务业", 2, ("技术服务", "检测", "工程设计"), ()),
    ("卫生和社会工作", 1, ("医疗管理", "健康管理", "养老服务"), ()),
    ("文化、体育和娱乐业", 1, ("文化传媒", "体育发展", "影视"), ()),
    ("电力、热力、燃气及水生产和供应业", 1, ("燃气", "热力", "新能源", "供水"), ()),
    ("采矿业", 1, ("矿业", "石材"), ()),
)
# tags that follow from the name word rather than the section
_WORD_TAGS = {
    "人力资源服务": ("人力资源服务机构",),
    "劳务派遣": ("劳务派遣单位", "人力资源服务机构"),
    "劳务服务": ("人力资源服务机构",),
    "职业培训": ("民办培训机构",),
    "建筑劳务": ("农民工集中用工",),
}
_COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
_INSURED_SHARE = 0.85  # enterprises tagged 参保企业

_SHOPS = (
    ("批发和零售业", 5, ("便利", "百货", "五金", "副食", "服装", "水果", "烟酒", "手机", "建材", "日杂")),
    ("住宿和餐饮业", 3, ("烩面", "餐饮", "快餐", "小吃", "火锅", "烧烤", "早餐", "饺子")),
    ("居民服务、修理和其他服务业", 2, ("理发", "家电维修", "洗车", "干洗", "汽修", "摄影")),
)
_PUBLIC_SECTOR = "公共管理、社会保障和社会组织"
_ORGANS = (
    "教育局",
    "自然资源局",
    "交通运输局",
    "农业农村局",
    "住房和城乡建设局",
    "市场监督管理局",
    "卫生健康委员会",
    "民政局",
    "财政局",
    "水利局",
    "文化广电和旅游局",
    "应急管理局",
    "退役军人事务局",
    "统计局",
    "司法局",
    "发展和改革委员会",
)
_NUMERALS = "一二三四五六七八九十"

# object type, weight (per mille), USCC registration authority + kind characters (GB 32100 Table 1 and 2)
_KINDS: tuple[tuple[ObjectType, int, str], ...] = (
    (ObjectType.ENTERPRISE, 800, "91"),
    (ObjectType.INDIVIDUAL_BUSINESS, 120, "92"),
    (ObjectType.PRIVATE_NON_ENTERPRISE, 30, "52"),
    (ObjectType.PARTNERSHIP, 15, "91"),
    (ObjectType.FOUNDATION, 5, "53"),
    (ObjectType.STATE_ORGAN, 10, "11"),
    (ObjectType.PUBLIC_INSTITUTION, 15, "12"),
    (ObjectType.SOCIAL_GROUP, 5, "51"),
)
_GRADES = ((CreditGrade.A, 0.60), (CreditGrade.B, 0.30), (CreditGrade.C, 0.08), (CreditGrade.D, 0.02))
_NO_COMPLAINT = {CreditGrade.A: 0.92, CreditGrade.B: 0.85, CreditGrade.C: 0.55, CreditGrade.D: 0.40}
_ENTITY_STATUSES = (
    (EntityStatus.ACTIVE, 0.95),
    (EntityStatus.SUSPENDED, 0.02),
    (EntityStatus.DEREGISTERED, 0.02),
    (EntityStatus.REVOKED, 0.005),
    (EntityStatus.MOVED_OUT, 0.005),
)

_LINES = (
    (Line.LABOUR_INSPECTION, 0.40),
    (Line.SOCIAL_INSURANCE, 0.20),
    (Line.EMPLOYMENT, 0.10),
    (Line.VOCATIONAL_SKILLS, 0.10),
    (Line.HR_MARKET, 0.08),
    (Line.LABOUR_RELATIONS, 0.07),
    (Line.UNEMPLOYMENT_INSURANCE, 0.05),
)
_LINE_QUALIFICATIONS = {
    Line.LABOUR_INSPECTION: ("劳动保障监察员",),
    Line.SOCIAL_INSURANCE: ("社会保险稽核员",),
    Line.EMPLOYMENT: ("就业服务监管",),
    Line.VOCATIONAL_SKILLS: ("职业技能鉴定督导员",),
    Line.HR_MARKET: ("人力资源市场监管",),
    Line.LABOUR_RELATIONS: ("劳动关系协调员",),
    Line.UNEMPLOYMENT_INSURANCE: ("失业保险稽核员",),
}
_LINE_EXPERTISE = {
    Line.LABOUR_INSPECTION: ("劳动合同", "工资支付", "工时休假", "农民工工资", "女职工和未成年工保护", "劳务派遣"),
    Line.SOCIAL_INSURANCE: ("养老保险待遇", "社会保险登记", "社会保险缴费", "工伤保险"),
    Line.EMPLOYMENT: ("劳务派遣", "就业补贴", "人力资源服务"),
    Line.VOCATIONAL_SKILLS: ("技工院校管理", "职业技能鉴定", "职业培训"),
    Line.HR_MARKET: ("人力资源服务", "劳务派遣", "招聘活动"),
    Line.LABOUR_RELATIONS: ("特殊工时审批", "劳动合同", "集体协商"),
    Line.UNEMPLOYMENT_INSURANCE: ("失业保险", "稳岗返还", "社会保险缴费"),
}
_EXPERT_QUALIFICATIONS = ("注册会计师", "律师", "高级人力资源管理师", "社会保险专家", "劳动关系协调师", "审计师")
_EXPERT_UNITS = ("会计师事务所", "律师事务所", "人力资源咨询有限公司", "税务师事务所")
_EXPERT_POSITIONS = ("注册会计师", "律师", "高级工程师", "副教授", "高级经济师")
_BUREAU_POSITIONS = ("科员", "一级科员", "四级主任科员", "三级主任科员", "副科长", "科长")
_SQUAD_POSITIONS = ("科员", "一级科员", "四级主任科员", "中队长", "副大队长", "大队长")
_INSPECTOR_STATUSES = (
    (InspectorStatus.ACTIVE, 0.91),
    (InspectorStatus.ON_LEAVE, 0.04),
    (InspectorStatus.TRANSFERRED, 0.03),
    (InspectorStatus.RETIRED, 0.02),
)
_EXPERT_SHARE = 0.05
# the first inspectors of every county: a labour inspection team (≥2 inspectors, 004 §9.3.2.3) that a draw of
# labour inspection items can always call on, whatever the random lines of the others
_SQUAD_SIZE = 2
_EXPIRED_SHARE = 0.03
_FORMER_EMPLOYER_SHARE = 0.15
_PHONE_PREFIXES = tuple(
    f"{p}" for p in (*range(130, 140), *range(150, 154), *range(155, 160), 166, 173, 177, *range(180, 190), 191, 199)
)
_BIRTH_YEARS = range(1965, 1999)

# -- names of places ---------------------------------------------------------------------------------------

_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
    "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|"
    "京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = (  # 族 after each people's name first: 长白朝鲜族自治县 is 长白, not 长 + 白(族)
    re.compile(rf"^(.+?)(?:(?:{_ETHNIC})族)+自治(?:州|县|旗)$"),
    re.compile(rf"^(.+?)(?:(?:{_ETHNIC})族?)+自治(?:州|县|旗)$"),  # 伊犁哈萨克自治州
)
_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$")
_SUFFIXES = ("地区", "新区", "林区", "矿区", "市", "盟", "县", "区", "旗")


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


# -- inspectors --------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id_with_check(first17: str) -> str:
    """Append the GB 11643 check character to 17 digits."""
    total = sum(int(char) * weight for char, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _valid_id(code: str, year: int) -> bool:
    number = national_id_with_check(f"{code}{year}0701001")
    try:
        return bool(ric.is_valid(number))
    except Exception:  # python-stdnum 2.2 raises KeyError for some codes instead of saying no
        return False


_SPAN = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")


@cache
def _historic_codes(province: str) -> tuple[tuple[str, str, frozenset[int]], ...]:
    """(code, name, birth years in 1965–1998 it is valid for) of the county-level codes python-stdnum's table
    (the one `ric.is_valid` checks against) knows in the province, past ones included; () if it cannot be read.
    """
    found: list[tuple[str, str, frozenset[int]]] = []
    try:
        for _, low, _, _, children in numdb.get("cn/loc").prefixes:
            if low != province[:2]:
                continue
            for _, rest, _, props, _ in children:
                if rest.endswith("00"):  # a province or city, not a county
                    continue
                for variant in str(props.get("county", "")).split(","):
                    if match := _SPAN.match(variant):
                        first, last = int(match.group(1) or 0), int(match.group(2) or 9999)
                        years = frozenset(year for year in _BIRTH_YEARS if first <= year <= last)
                        found.append((low + rest, match.group(3), years))
    except (AttributeError, TypeError, ValueError):  # the table's layout is stdnum's own business
        return ()
    return tuple(found)


def _id_regions(province: str, counties: Sequence[County]) -> dict[str, dict[int, str]]:
    """county → {birth year in 1965–1998: region code of an ID number issued there to someone born then}.

    The county's own code is used, with birth years from those in which the code existed. An ID number carries
    the code its place had when it was issued, so for a county whose code is younger than 1998 the code is an
    older one: of the same name in the province, else of the same city, else of the province, as real ID
    numbers do. Years without any valid code are left out (Hainan before 1988).
    """
    historic = _historic_codes(province)
    valid: dict[str, set[int]] = {}
    by_name: dict[str, list[str]] = {}
    for code, name, years in historic:
        valid.setdefault(code, set()).update(years)
        by_name.setdefault(short_name(name), []).append(code)
    anywhere = sorted(valid)
    result: dict[str, dict[int, str]] = {}
    for county in counties:
        if not historic:  # stdnum's table unreadable: ask it about the county itself
            valid[county.code] = {year for year in _BIRTH_YEARS if _valid_id(county.code, year)}
        own = sorted(valid.get(county.code, ()))
        if own:  # the county's own code, in the years it existed
            result[county.code] = dict.fromkeys(own, county.code)
            continue
        same_name = [code for code in by_name.get(county.short, ()) if code != county.code]
        same_city = [code for code in anywhere if code[:4] == county.code[:4]]
        candidates = (county.code, *same_name, *same_city, *anywhere)
        chosen: dict[int, str] = {}
        for year in _BIRTH_YEARS:
            issued = next((c for c in candidates if year in valid.get(c, ())), None)
            if issued is not None:
                chosen[year] = issued
        if not chosen:
            raise ValueError(f"no region code for national ID numbers of people born 1965–1998 in {county.code}")
        result[county.code] = chosen
    return result


def employers_by_county(
    province: str = DEFAULT_PROVINCE,
    seed: int = 0,
    *,
    per_county: int = EMPLOYERS_PER_COUNTY,
    as_of: date = AS_OF,
    regions: RegionTable | None = None,
) -> dict[str, list[str]]:
    """USCCs of the first `per_county` × counties entities of `generate_entities(province, …, seed)`, by county."""
    counties = province_counties(province, regions)
    found: dict[str, list[str]] = {county.code: [] for county in counties}
    rows = generate_entities(province, per_county * len(counties), seed, as_of=as_of, regions=regions)
    for row in rows:
        found[row["region_code"]].append(row["uscc"])
    return found


def generate_inspectors(
    province: str = DEFAULT_PROVINCE,
    per_county: int = 10,
    seed: int = 0,
    *,
    as_of: date = AS_OF,
    employers: Mapping[str, Sequence[str]] | None = None,
    regions: RegionTable | None = None,
) -> Iterator[dict[str, str]]:
    """`per_county` inspector rows keyed by `INSPECTOR_FIELDS` for every county of `province`.

    `employers` maps a county code to USCCs the county's inspectors may formerly have worked for; by default
    the entities of `employers_by_county(province, seed)`, which `generate_entities` with the same seed repeats.
    """
    if per_county < 0:
        raise ValueError("per_county must not be negative")
    counties = province_counties(province, regions)
    if employers is None:
        employers = employers_by_county(province, seed, as_of=as_of, regions=regions)
    id_regions = _id_regions(province, counties)
    rng = Random(f"{seed}:inspectors")
    rnd = rng.random
    surname_cum = _cumulative(_SURNAME_WEIGHTS)
    line_cum = _cumulative(share for _, share in _LINES)
    status_cum = _cumulative(share for _, share in _INSPECTOR_STATUSES)
    statuses = [INSPECTOR_STATUS_LABELS[status] for status, _ in _INSPECTOR_STATUSES]
    enforcement, expert = POOL_LABELS[Pool.ENFORCEMENT], POOL_LABELS[Pool.EXPERT]
    as_of_day = as_of.toordinal()
    for county in counties:
        birth_codes = id_regions[county.code]
        birth_years = tuple(birth_codes)
        pool_of_employers = list(employers.get(county.code, ()))
        for number in range(1, per_county + 1):
            line = _LINES[bisect(line_cum, rnd())][0]
            is_expert = rnd() < _EXPERT_SHARE
            if rnd() < _EXPIRED_SHARE:
                expires = date.fromordinal(as_of_day - 1 - int(rnd() * 720))
            else:
                expires = date.fromordinal(as_of_day + 30 + int(rnd() * 5 * 365))
            squad = number <= _SQUAD_SIZE
            if squad:  # the county's labour inspection squad: on duty, with a valid credential
                line, is_expert = Line.LABOUR_INSPECTION, False
                expires = max(expires, date.fromordinal(as_of_day + 30 + number))
            name = _SURNAMES[bisect(surname_cum, rnd())] + _pick(_GIVEN_CHARS, rnd)
            if rnd() < 0.6:
                name += _pick(_GIVEN_CHARS, rnd)
            expertise = {_pick(_LINE_EXPERTISE[line], rnd) for _ in range(1 + int(rnd() * 3))}
            if is_expert:
                unit = county.city_short + _pick(_BRAND_CHARS, rnd) + _pick(_BRAND_CHARS, rnd)
                unit += _pick(_EXPERT_UNITS, rnd)
                position = _pick(_EXPERT_POSITIONS, rnd)
                qualifications = [_pick(_EXPERT_QUALIFICATIONS, rnd)]
            elif line is Line.LABOUR_INSPECTION and rnd() < 0.7:
                unit, position = county.local_name + "劳动保障监察大队", _pick(_SQUAD_POSITIONS, rnd)
                qualifications = ["行政执法资格", *_LINE_QUALIFICATIONS[line]]
            else:
                unit, position = county.local_name + "人力资源和社会保障局", _pick(_BUREAU_POSITIONS, rnd)
                qualifications = ["行政执法资格", *_LINE_QUALIFICATIONS[line]]
            former: list[str] = []
            if pool_of_employers and rnd() < _FORMER_EMPLOYER_SHARE:
                former = [_pick(pool_of_employers, rnd) for _ in range(1 if rnd() < 0.7 else 2)]
            year = birth_years[int(rnd() * len(birth_years))]
            born = date.fromordinal(date(year, 1, 1).toordinal() + int(rnd() * 365))
            sequence = 1 + int(rnd() * 999)
            yield {
                "credential_no": f"{county.code}{expires.year - 5}{number:04d}",
                "credential_expires": expires.isoformat(),
                "name": name,
                "unit": unit,
                "node": county.code,
                "line": LINE_LABELS[line],
                "position": position,
                "qualifications": TAG_SEPARATOR.join(qualifications),
                "expertise": TAG_SEPARATOR.join(sorted(expertise)),
                "pool": expert if is_expert else enforcement,
                "status": INSPECTOR_STATUS_LABELS[InspectorStatus.ACTIVE]
                if squad
                else statuses[bisect(status_cum, rnd())],
                "station_region": county.code,
                "former_employers": TAG_SEPARATOR.join(dict.fromkeys(former)),
                "national_id": national_id_with_check(f"{birth_codes[year]}{born:%Y%m%d}{sequence:03d}"),
                "phone": _pick(_PHONE_PREFIXES, rnd) + f"{int(rnd() * 10**8):08d}",
            }


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


def main(argv: Sequence[str] | None = None) -> None:
    """Write entities.csv and inspectors.csv of demo data for one province."""
    parser = argparse.ArgumentParser(prog="python -m registry.demo", description=main.__doc__)
    parser.add_argument("--province", default=DEFAULT_PROVINCE, help="province region code (default 410000 河南省)")
    parser.add_argument("--entities", type=int, default=10_000, help="number of entities")
    parser.add_argument("--per-county", type=int, default=10, help="inspectors per county")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF, help="reference date (YYYY-MM-DD)")
    parser.add_argument("--bom", action="store_true", help="start the files with a UTF-8 BOM (for Excel)")
    parser.add_argument("--out", type=Path, default=Path("."), help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    entities = generate_entities(args.province, args.entities, args.seed, as_of=args.as_of)
    count = write_csv(args.out / "entities.csv", entities, ENTITY_FIELDS, bom=args.bom)
    inspectors = generate_inspectors(args.province, args.per_county, args.seed, as_of=args.as_of)
    staff = write_csv(args.out / "inspectors.csv", inspectors, INSPECTOR_FIELDS, bom=args.bom)
    elapsed = time.perf_counter() - started
    print(f"{count} entities, {staff} inspectors in {args.out} ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
