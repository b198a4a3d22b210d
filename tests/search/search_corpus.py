"""A realistic generated corpus of published inspection results (deterministic for a seed).

Every document keeps the facts it was generated from (entity, items, region, year, violations), so that the
judged queries can grade each document by those facts instead of by its words."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import uscc as uscc_check

REGIONS = {  # district code -> (city code, city name, district name)
    "130102": ("130100", "石家庄市", "长安区"),
    "130104": ("130100", "石家庄市", "桥西区"),
    "130105": ("130100", "石家庄市", "新华区"),
    "130202": ("130200", "唐山市", "路南区"),
    "130203": ("130200", "唐山市", "路北区"),
    "130602": ("130600", "保定市", "竞秀区"),
    "130606": ("130600", "保定市", "莲池区"),
}
BRANDS = [
    "华建",
    "恒通",
    "宏达",
    "鑫源",
    "瑞丰",
    "金盛",
    "博远",
    "天成",
    "润泽",
    "永安",
    "中和",
    "嘉禾",
    "远航",
    "东方",
    "新兴",
    "盛世",
    "万通",
    "德信",
    "隆基",
    "安泰",
    "福润",
    "兴业",
    "广源",
    "联创",
    "昊天",
]
INDUSTRIES = [
    "建筑工程",
    "餐饮管理",
    "物流",
    "电子科技",
    "纺织",
    "商贸",
    "劳务派遣",
    "人力资源服务",
    "物业服务",
    "职业技能培训学校",
    "机械制造",
    "食品加工",
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
# the checklist of seeds/002 (code, name, line)
ITEMS = [
    ("PDS-01", "人力资源服务机构管理检查", "employment"),
    ("PDS-02", "技工院校监督检查", "vocational_skills"),
    ("PDS-03", "职业技能鉴定机构及其鉴定活动监督检查", "vocational_skills"),
    ("PDS-04", "民办培训机构及其培训活动检查", "vocational_skills"),
    ("PDS-05", "劳务派遣业务和派遣用工情况监督检查", "employment"),
    ("PDS-06", "不定时工作制和综合计算工时工作制执行情况监督检查", "labour_relations"),
    ("PDS-07", "对用人单位和个人遵守劳动用工和社会保险法律、法规情况的监督检查", "labour_inspection"),
    ("PDS-08", "养老保险稽核", "social_insurance"),
    ("PDS-09", "失业保险稽核", "social_insurance"),
]
# violation -> phrasings (several words for one fact: what synonyms and segmentation must bridge)
VIOLATIONS = {
    "wage_arrears": [
        "拖欠{n}名职工工资共计{amount}元",
        "欠付{n}名劳动者工资{amount}元",
        "存在欠薪行为，涉及金额{amount}元",
        "未按时足额支付{n}名员工的劳动报酬",
    ],
    "migrant_wage_arrears": [
        "拖欠{n}名农民工工资共计{amount}元",
        "欠付进城务工人员工资{amount}元",
        "工程项目拖欠农民工工资{amount}元",
    ],
    "social_insurance": [
        "未依法为{n}名职工缴纳社会保险费",
        "未足额缴纳社保，少缴社会保险费{amount}元",
        "未办理社会保险登记",
    ],
    "contract": ["未与{n}名劳动者签订书面劳动合同", "用工合同条款不全，未约定劳动报酬", "劳动合同未载明工作时间"],
    "overtime": ["延长工作时间未支付加班费", "未按规定支付{n}名职工加班工资"],
    "minimum_wage": ["支付{n}名职工的工资低于当地最低工资标准"],
    "dispatch": ["劳务派遣用工数量超过用工总量的百分之十", "派遣用工超比例且未履行告知义务"],
    "child_labour": ["使用{n}名未满十六周岁的童工"],
    "pension_fraud": ["{n}名人员死亡后仍冒领养老保险待遇{amount}元", "重复领取基本养老金{amount}元"],
    "unemployment": ["失业保险金领取人员已就业仍继续领取失业保险待遇"],
    "training": ["虚报培训人数骗取职业培训补贴", "未按备案内容开展职业技能培训"],
    "leave": ["未安排职工享受带薪年休假"],
}
# which violations an item can find
ITEM_VIOLATIONS = {
    "PDS-01": ["contract", "social_insurance"],
    "PDS-02": ["training"],
    "PDS-03": ["training"],
    "PDS-04": ["training"],
    "PDS-05": ["dispatch", "contract", "social_insurance"],
    "PDS-06": ["overtime", "leave", "minimum_wage"],
    "PDS-07": [
        "wage_arrears",
        "migrant_wage_arrears",
        "social_insurance",
        "contract",
        "overtime",
        "minimum_wage",
        "child_labour",
        "leave",
    ],
    "PDS-08": ["pension_fraud"],
    "PDS-09": ["unemployment", "social_insurance"],
}
CLEAN = ["未发现问题", "未发现开展相关经营活动", "通过登记住所无法联系", "已注销/停业"]


@dataclass
class Entity:
    name: str
    uscc: str
    brand: str
    industry: str
    district: str


@dataclass
class ResultDoc:
    """One published result: the indexed body and the facts it was made from."""

    doc_id: str
    entity: Entity
    item_codes: list[str]
    district: str
    year: int
    category: str
    body_name: str
    violations: list[str] = field(default_factory=list)
    text: str = ""

    def body(self) -> dict[str, Any]:
        city = REGIONS[self.district][0]
        names = {code: name for code, name, _ in ITEMS}
        lines = {code: line for code, _, line in ITEMS}
        return {
            "record_id": self.doc_id,
            "source_version": 1,
            "kind": "result",
            "node_path": ["130000", city, self.district],
            "node_code": self.district,
            "year": self.year,
            "items": [names[c] for c in self.item_codes],
            "item_codes": self.item_codes,
            "line": lines[self.item_codes[0]],
            "result_category": self.category,
            "inspecting_body": self.body_name,
            "entity_name": self.entity.name,
            "uscc": self.entity.uscc,
            "text": self.text,
            "published_at": f"{self.year}-{(int(self.doc_id[-3:]) % 12) + 1:02d}-15",
        }


def _uscc(rng: random.Random, district: str) -> str:
    stem = "91" + district + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return stem + uscc_check.calc_check_digit(stem)


def entities(rng: random.Random, count: int) -> list[Entity]:
    """Companies named like real ones: city, brand, industry, legal form; each name unique."""
    made: dict[str, Entity] = {}
    while len(made) < count:
        district = rng.choice(list(REGIONS))
        city_name = REGIONS[district][1].removesuffix("市")
        brand, industry = rng.choice(BRANDS), rng.choice(INDUSTRIES)
        name = f"{city_name}{brand}{industry}{rng.choice(FORMS)}"
        made.setdefault(name, Entity(name, _uscc(rng, district), brand, industry, district))
    return list(made.values())


def generate(seed: int = 18, results: int = 3000, entity_count: int = 400) -> list[ResultDoc]:
    """The corpus: results for random entities, items and years, with findings texts."""
    rng = random.Random(seed)
    companies = entities(rng, entity_count)
    docs = []
    for i in range(results):
        entity = rng.choice(companies)
        code = rng.choice([c for c, _, _ in ITEMS])
        items = [code] + ([rng.choice([c for c, _, _ in ITEMS if c != code])] if rng.random() < 0.2 else [])
        district_name = REGIONS[entity.district][2]
        body = rng.choice(
            [
                f"{district_name}人力资源和社会保障局",
                f"{district_name}劳动保障监察大队",
                f"{REGIONS[entity.district][1]}社会保险事业管理局",
            ]
        )
        year = rng.choice([2023, 2024, 2025])
        doc = ResultDoc(f"r{i:05d}", entity, items, entity.district, year, "", body)
        if rng.random() < 0.45:
            doc.category = rng.choice(CLEAN)
            findings = f"经检查，{doc.category}。"
        else:
            pool = sorted({v for c in items for v in ITEM_VIOLATIONS[c]})
            doc.violations = rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2])))
            doc.category = rng.choice(["发现问题已责令改正", "发现问题待后续处理", "不配合检查"])
            sentences = [
                rng.choice(VIOLATIONS[v]).format(n=rng.randint(2, 60), amount=rng.randint(3, 400) * 1000)
                for v in doc.violations
            ]
            tail = {
                "发现问题已责令改正": "已下达劳动保障监察责令改正决定书，责令限期改正。",
                "发现问题待后续处理": "已移交劳动保障监察机构立案处理。",
                "不配合检查": "该单位拒不提供工资台账等材料，不配合检查。",
            }[doc.category]
            findings = "经检查发现，该单位" + "；".join(sentences) + "。" + tail
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        doc.text = (
            f"{year}年{month}月{day}日，{body}依据“双随机、一公开”抽查任务，对{entity.name}开展"
            f"{'、'.join(n for c, n, _ in ITEMS if c in items)}。{findings}"
        )
        docs.append(doc)
    return docs
