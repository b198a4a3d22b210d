"""The words the demo data is made of: brand and given-name characters, surnames with their weights, roads, company
forms, public organs, the lines' qualifications and expertise, and the shares that shape the registries."""

from __future__ import annotations

import re

from registry.domain.entities import CreditGrade, EntityStatus, ObjectType
from registry.domain.inspectors import InspectorStatus

from hrss.contracts.lines import Line

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
