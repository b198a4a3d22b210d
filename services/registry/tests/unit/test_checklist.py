"""The checklist item model and the parser of the 平顶山 2020 checklist (seeds/002).

The tests on the real document need `shared/seeds/` beside the checkout (or HRSS_SEEDS_DIR): they fail, never
skip, when it is missing.
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest

from hrss.contracts import Level
from hrss.contracts.checklist import (
    Category,
    CheckItemSpec,
    ChecklistError,
    Frequency,
    Method,
    Ratio,
    parse_frequency,
    parse_levels,
    parse_methods,
    parse_ratio,
    split_points,
)
from hrss.contracts.checklist_document import COLUMNS, parse_checklist_document
from hrss.testing import seeds as fixtures

CITY_AND_COUNTY = (Level.CITY, Level.COUNTY)


def _document_text() -> str:
    try:
        return fixtures.seed_document(fixtures.CHECKLIST_DOCUMENT).read_text(encoding="utf-8")
    except fixtures.SeedMissing as missing:
        pytest.fail(f"the real checklist is required: {missing}", pytrace=False)


@pytest.fixture(scope="module")
def items() -> list[CheckItemSpec]:
    return parse_checklist_document(_document_text())


def _row(**cells: str) -> str:
    values = {
        "序号": "1",
        "抽查事项": "人力资源服务机构管理检查",
        "检查依据": "《人力资源市场暂行条例》第三十五条",
        "检查对象": "人力资源服务机构",
        "检查内容": "1. 是否符合设立条件；2. 经营情况。",
        "事项类别": "一般检查事项",
        "检查方式": "现场检查",
        "抽查比例": "5%",
        "抽查频次": "1次/年",
        "实施层级": "市、县人力资源社会保障部门",
        "责任科室、单位": "劳动保障监察局",
    }
    values.update(cells)
    return "\t".join(values[column] for column in COLUMNS)


def _document(*rows: str) -> str:
    return "附件\n\n" + "\t".join(COLUMNS) + "\n" + "\n".join(rows) + "\n\n印发\n"


def test_the_real_document_has_nine_items_numbered_in_order(items: list[CheckItemSpec]) -> None:
    assert [item.number for item in items] == list(range(1, 10))
    assert all(item.category is Category.GENERAL for item in items)
    assert all(item.levels == CITY_AND_COUNTY for item in items)


def test_item_one_is_read_exactly(items: list[CheckItemSpec]) -> None:
    item = items[0]
    assert item.name == "人力资源服务机构管理检查"
    assert item.object_type == "人力资源服务机构"
    assert item.legal_basis.startswith("《中华人民共和国就业促进法》第六十、六十五条")
    assert item.points == ("是否符合设立条件", "经营情况和人力资源服务活动情况", "法律、法规和规章规定的其他事项")
    assert item.methods == (Method.ON_SITE,)
    assert item.ratio == Ratio("fraction", fraction=Fraction(1, 20))
    assert item.frequency == Frequency(1, False, "1次/年")
    assert item.implementing_body == "市、县人力资源社会保障部门"
    assert item.responsible_unit == "劳动保障监察局（支队）、人力资源流动管理科"


def test_item_two_has_two_methods_a_thirty_percent_ratio_and_two_checks_a_year(items: list[CheckItemSpec]) -> None:
    item = items[1]
    assert item.name == "技工院校监督检查"
    assert item.methods == (Method.ON_SITE, Method.DOCUMENTARY)
    assert item.ratio.fraction == Fraction(3, 10)
    assert item.ratio.label == "30%"
    assert item.frequency.times_per_year == 2
    assert not item.frequency.as_needed
    assert len(item.points) == 3


def test_items_three_and_four_are_sampled_at_twenty_percent(items: list[CheckItemSpec]) -> None:
    assert items[2].ratio.fraction == items[3].ratio.fraction == Fraction(1, 5)
    assert items[3].points == ("职业培训活动依法开展情况", "日常办学情况")
    assert items[2].responsible_unit == "职业能力建设科、劳动能力鉴定中心"


def test_item_five_is_inspected_as_needed_or_once_a_year(items: list[CheckItemSpec]) -> None:
    item = items[4]
    assert item.frequency == Frequency(1, True, "根据工作需要或1次/年")
    assert item.object_type == "劳务派遣单位和用工单位"
    assert len(item.points) == 5
    assert item.responsible_unit == "就业促进局"


def test_item_six_after_the_page_break_is_read(items: list[CheckItemSpec]) -> None:
    item = items[5]
    assert item.name == "不定时工作制和综合计算工时工作制执行情况监督检查"
    assert item.legal_basis == "《中华人民共和国劳动法》第八十五条"
    assert item.ratio.fraction == Fraction(1, 10)
    assert item.points[0] == "工作时间执行情况"
    assert len(item.points) == 4


def test_item_seven_has_eight_points(items: list[CheckItemSpec]) -> None:
    item = items[6]
    assert len(item.points) == 8
    assert item.points[6] == "社会保险登记情况"
    assert item.points[7] == "法律、法规和规章规定的其他事项"
    assert item.frequency.as_needed


def test_item_eight_samples_at_least_two_hundred_persons_by_online_comparison(items: list[CheckItemSpec]) -> None:
    item = items[7]
    assert item.name == "养老保险稽核"
    assert item.ratio == Ratio("minimum", minimum=200, unit="人")
    assert item.ratio.label == "至少200人"
    assert item.methods == (Method.ONLINE_COMPARISON,)
    assert item.points == ("养老保险待遇领取情况",)
    assert item.implementing_body == "市、县社保经办机构"


def test_item_nine_samples_sixteen_percent_on_site(items: list[CheckItemSpec]) -> None:
    item = items[8]
    assert item.ratio.fraction == Fraction(4, 25)
    assert item.methods == (Method.ON_SITE,)
    assert item.responsible_unit == "市失业保险中心"
    assert item.points == ("企业参保情况、失业保险待遇及相关补贴待遇落实情况",)


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("5%", Fraction(1, 20)),
        ("16%", Fraction(4, 25)),
        ("2.5%", Fraction(1, 40)),
        ("100%", Fraction(1)),
        ("５％", Fraction(1, 20)),
    ],
)
def test_a_percentage_is_read_as_an_exact_fraction(text: str, fraction: Fraction) -> None:
    assert parse_ratio(text) == Ratio("fraction", fraction=fraction)


def test_a_minimum_with_spaces_and_another_unit_is_read() -> None:
    assert parse_ratio("不少于 30 家") == Ratio("minimum", minimum=30, unit="家")
    assert parse_ratio("至少200") == Ratio("minimum", minimum=200)


def test_ratio_over_one_hundred_percent_is_refused() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_ratio("101%")
    assert caught.value.field == "ratio"
    assert "100%" in caught.value.message


@pytest.mark.parametrize("text", ["0%", "-5%", "0.0%", "至少0人", "至少-3人", "五个百分点", "5", "%", ""])
def test_zero_negative_and_garbage_ratios_are_refused(text: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_ratio(text)
    assert caught.value.field == "ratio"


def test_a_ratio_cannot_be_built_out_of_range() -> None:
    with pytest.raises(ChecklistError):
        Ratio("fraction", fraction=Fraction(3, 2))


def test_ratio_labels_read_as_the_documents_write_them() -> None:
    assert parse_ratio("2.5%").label == "2.5%"
    assert parse_ratio("不少于 30 家").label == "至少30家"


@pytest.mark.parametrize("text", ["5%", "2.5%", "至少200人", "至少200"])
def test_a_ratio_survives_a_json_round_trip(text: str) -> None:
    ratio = parse_ratio(text)
    assert Ratio.from_json(json.loads(json.dumps(ratio.to_json()))) == ratio


def test_a_fraction_ratio_is_written_as_numerator_and_denominator() -> None:
    assert parse_ratio("5%").to_json() == {"kind": "fraction", "numerator": 1, "denominator": 20}


@pytest.mark.parametrize(
    ("text", "times", "as_needed"),
    [
        ("1次/年", 1, False),
        ("2次/年", 2, False),
        ("根据工作需要或1次/年", 1, True),
        ("根据工作需要", None, True),
        ("每年 3 次", 3, False),
    ],
)
def test_frequencies_are_read(text: str, times: int | None, as_needed: bool) -> None:
    frequency = parse_frequency(text)
    assert (frequency.times_per_year, frequency.as_needed) == (times, as_needed)
    assert frequency.text == text


@pytest.mark.parametrize("text", ["", "经常", "0次/年", "或1次/年", "根据工作需要或"])
def test_unreadable_frequencies_are_refused(text: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_frequency(text)
    assert caught.value.field == "frequency"


def test_methods_are_split_on_chinese_and_latin_commas() -> None:
    assert parse_methods("现场检查、书面检查") == (Method.ON_SITE, Method.DOCUMENTARY)
    assert parse_methods("书面检查，网上比对, 现场检查") == (
        Method.DOCUMENTARY,
        Method.ONLINE_COMPARISON,
        Method.ON_SITE,
    )
    assert parse_methods("网上信息技术比对") == (Method.ONLINE_COMPARISON,)


def test_an_unknown_method_is_refused_by_name() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_methods("现场检查、电话抽查")
    assert "电话抽查" in caught.value.message


def test_method_and_category_labels_are_chinese() -> None:
    assert Method.ONLINE_COMPARISON.label == "网上比对"
    assert Category.KEY.label == "重点检查事项"


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("市、县人力资源社会保障部门", CITY_AND_COUNTY),
        ("省、市、县人力资源社会保障部门", (Level.PROVINCE, Level.CITY, Level.COUNTY)),
        ("县（市、区）人力资源社会保障部门", (Level.COUNTY,)),
        ("省级人力资源社会保障部门", (Level.PROVINCE,)),
        ("市、县失业保险经办机构", CITY_AND_COUNTY),
    ],
)
def test_implementing_levels_are_read_from_the_start_of_the_text(text: str, levels: tuple[Level, ...]) -> None:
    assert parse_levels(text) == levels


def test_an_implementing_body_without_a_level_is_refused() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_levels("人力资源社会保障部门")
    assert caught.value.field == "levels"


def test_points_are_split_on_numbering_with_either_semicolon() -> None:
    assert split_points("1. 甲；2. 乙; 3. 丙。") == ("甲", "乙", "丙")


def test_points_accept_enumeration_commas_and_full_width_digits() -> None:
    assert split_points("１、甲情况；２、乙情况") == ("甲情况", "乙情况")


def test_content_without_numbering_is_one_point() -> None:
    assert split_points("企业参保情况、失业保险待遇落实情况。") == ("企业参保情况、失业保险待遇落实情况",)


def test_numbers_inside_a_point_do_not_split_it() -> None:
    assert split_points("1. 支付1.5倍加班工资情况；2. 执行2020年最低工资标准情况") == (
        "支付1.5倍加班工资情况",
        "执行2020年最低工资标准情况",
    )


def test_a_spec_survives_a_json_round_trip(items: list[CheckItemSpec]) -> None:
    for item in items:
        data = json.loads(json.dumps(item.to_json(), ensure_ascii=False))
        assert CheckItemSpec.from_json(data) == item


def test_spec_json_uses_plain_values(items: list[CheckItemSpec]) -> None:
    data = items[1].to_json()
    assert data["methods"] == ["on_site", "documentary"]
    assert data["category"] == "general"
    assert data["levels"] == ["city", "county"]
    assert data["ratio"] == {"kind": "fraction", "numerator": 3, "denominator": 10}


def test_the_same_spec_has_the_same_hash(items: list[CheckItemSpec]) -> None:
    again = fixtures.load_seed_checklist()
    assert [item.content_hash() for item in items] == [item.content_hash() for item in again]
    assert CheckItemSpec.from_json(items[0].to_json()).content_hash() == items[0].content_hash()
    assert len(items[0].content_hash()) == 64


def test_changing_one_field_changes_the_hash(items: list[CheckItemSpec]) -> None:
    item = items[0]
    assert dataclasses.replace(item, ratio=parse_ratio("6%")).content_hash() != item.content_hash()
    assert dataclasses.replace(item, responsible_unit="劳动关系科").content_hash() != item.content_hash()


def test_a_spec_with_a_bad_enum_value_is_refused_from_json(items: list[CheckItemSpec]) -> None:
    data = items[0].to_json() | {"methods": ["telepathy"]}
    with pytest.raises(ChecklistError):
        CheckItemSpec.from_json(data)


def test_a_malformed_row_names_its_row_and_column() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist_document(_document(_row(), _row(序号="2", 抽查比例="150%")))
    error = caught.value
    assert (error.row, error.column, error.field) == (2, "抽查比例", "ratio")
    assert str(error).startswith("清单第 2 行“抽查比例”：")


def test_a_row_with_missing_cells_is_refused() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist_document(_document("1\t人力资源服务机构管理检查\t依据"))
    assert caught.value.row == 1
    assert "11 列" in caught.value.message


def test_an_empty_cell_is_refused_by_column() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist_document(_document(_row(检查对象="")))
    assert caught.value.column == "检查对象"


def test_a_repeated_number_is_refused() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist_document(_document(_row(), _row()))
    assert caught.value.row == 2
    assert caught.value.column == "序号"


def test_a_document_without_the_table_header_is_refused() -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist_document("没有清单的文件\n")
    assert caught.value.field == "header"


def test_the_repeated_header_after_a_page_break_is_skipped() -> None:
    header = "\t".join(COLUMNS)
    items = parse_checklist_document(_document(_row(), "", header, _row(序号="2", 事项类别="重点检查事项")))
    assert [item.number for item in items] == [1, 2]
    assert items[1].category is Category.KEY


def test_the_seed_checklist_loader_gives_the_parsed_document(items: list[CheckItemSpec]) -> None:
    assert fixtures.load_seed_checklist() == items


def test_the_seeds_folder_is_beside_the_checkout_unless_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(fixtures.SEEDS_ENV, raising=False)
    repo = Path(fixtures.__file__).resolve().parents[5]  # <repo>/libs/testing/src/hrss/testing/seeds.py
    assert fixtures.seeds_dir() == (repo.parent / "shared" / "seeds").resolve()
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv(fixtures.SEEDS_ENV, str(tmp_path))
    assert fixtures.seed_document("x.txt") == tmp_path / "x.txt"


def test_a_missing_seed_document_is_an_error_naming_where_it_was_looked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(fixtures.SEEDS_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError) as caught:
        fixtures.load_seed_checklist()
    assert str(tmp_path / fixtures.CHECKLIST_DOCUMENT) in str(caught.value)
    assert fixtures.SEEDS_ENV in str(caught.value)
