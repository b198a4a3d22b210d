"""Masking of personal data in public output: generated resident ID numbers (GB 11643 check digit), mobile and
landline numbers embedded anywhere in free Chinese text never survive; USCCs (public) always do."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from hrss.contracts.masking import (
    PROVINCES,
    id_check_character,
    is_resident_id,
    looks_like_resident_id,
    mask_entity_name,
    mask_person_name,
    mask_text,
    mask_value,
)
from hrss.contracts.uscc import ALPHABET, uscc_with_check

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_PUNCT = st.sampled_from(list("，。、；：（）“”《》！？ \n\t-"))
_ASCII = st.sampled_from(list("abcXYZ0123456789:/"))
# free text: Chinese with punctuation, Latin letters and digits anywhere (dates, amounts, numbers of documents)
FREE = st.text(st.one_of(_HAN, _PUNCT, _ASCII), max_size=60)
# what stands right beside an embedded ID: anything, digits included (a longer run is searched for a valid ID)
EDGE = st.one_of(_HAN, _PUNCT, st.just(""))
# beside a phone number or a 15-digit ID: never a digit (a digit would make it a longer, different number)
TOKEN_EDGE = st.one_of(_HAN, _PUNCT)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """A valid 18-digit resident ID: a region code, a birth date, a sequence and the GB 11643 check character."""
    region = draw(st.sampled_from(sorted(PROVINCES))) + f"{draw(st.integers(0, 9999)):04d}"
    born = date(1900, 1, 1) + timedelta(days=draw(st.integers(0, 45000)))
    body = region + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return body + id_check_character(body)


@st.composite
def old_resident_ids(draw: st.DrawFn) -> str:
    """A 15-digit resident ID of the first generation (birth date as YYMMDD, no check character)."""
    region = draw(st.sampled_from(sorted(PROVINCES))) + f"{draw(st.integers(0, 9999)):04d}"
    born = date(1900, 1, 1) + timedelta(days=draw(st.integers(0, 36000)))
    return region + born.strftime("%y%m%d") + f"{draw(st.integers(0, 999)):03d}"


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile number as written (with +86, spaces or hyphens) and its 11 digits."""
    rest = draw(st.text(st.sampled_from("0123456789"), min_size=9, max_size=9))
    digits = "1" + draw(st.sampled_from("3456789")) + rest
    sep = draw(st.sampled_from(["", " ", "-"]))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086-"]))
    return prefix + digits[:3] + sep + digits[3:7] + sep + digits[7:], digits


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """A unified social credit code: any registration and type code, a region code, an organisation code."""
    head = draw(st.text(st.sampled_from(ALPHABET), min_size=2, max_size=2))
    region = f"{draw(st.integers(110000, 829999)):06d}"
    organisation = draw(st.text(st.sampled_from(ALPHABET), min_size=9, max_size=9))
    return uscc_with_check(head + region + organisation)


def embedded(draw: st.DrawFn, secret: str, edge: st.SearchStrategy[str] = EDGE) -> str:
    return draw(FREE) + draw(edge) + secret + draw(edge) + draw(FREE)


@given(st.data(), resident_ids())
@settings(max_examples=400)
def test_no_resident_id_survives_anywhere_in_free_text(data: st.DataObject, code: str) -> None:
    assert code[17] == ric.calc_check_digit(code)  # held to python-stdnum's GB 11643
    text = embedded(data.draw, code)
    masked = mask_text(text)
    assert code not in masked and code[:-1] not in masked  # not even without its check character


@given(st.data(), old_resident_ids())
@settings(max_examples=200)
def test_no_fifteen_digit_resident_id_survives(data: st.DataObject, code: str) -> None:
    # no check character: only a run of exactly 15 digits can be told from other numbers
    assert code not in mask_text(embedded(data.draw, code, TOKEN_EDGE))


@given(st.data(), mobiles())
@settings(max_examples=400)
def test_no_mobile_number_survives_with_or_without_separators(data: st.DataObject, mobile: tuple[str, str]) -> None:
    written, digits = mobile
    masked = mask_text(embedded(data.draw, written, TOKEN_EDGE))
    assert written not in masked
    assert digits not in re.sub(r"[\s-]", "", masked)  # not even with the separators taken out


@given(st.data(), st.lists(st.one_of(resident_ids(), mobiles().map(lambda m: m[0])), min_size=1, max_size=5))
@settings(max_examples=200)
def test_several_numbers_in_one_text_are_all_masked(data: st.DataObject, secrets: list[str]) -> None:
    text = "".join(data.draw(FREE) + data.draw(TOKEN_EDGE) + s + data.draw(TOKEN_EDGE) for s in secrets)
    masked = mask_text(text)
    assert not any(s in masked for s in secrets)


@given(st.data(), usccs())
@settings(max_examples=400)
def test_a_uscc_is_public_and_never_masked(data: st.DataObject, code: str) -> None:
    # a code that is also a well-formed resident ID (province, birth date) is masked: privacy first
    assume(not (code[:17].isdigit() and looks_like_resident_id(code)))
    assert code in mask_text(embedded(data.draw, code))


def test_a_uscc_that_is_also_a_resident_id_is_masked() -> None:
    body = "11010119900307123"
    code = body + id_check_character(body)
    assert is_resident_id(code) and code not in mask_text(f"代码{code}")


def test_landlines_with_area_codes_keep_the_area_code_only() -> None:
    for written in ["0571-86000000", "(0571) 8600 0000", "（010）62345678", "010 62345678", "0571-86000000转123"]:
        masked = mask_text(f"联系电话：{written}。")
        assert written not in masked and "*" in masked
        assert ("0571" in masked) or ("010" in masked)


def test_ordinary_numbers_dates_and_document_numbers_stay() -> None:
    text = "2026年5月6日检查，涉及职工1200人，欠薪金额3456789元，浙人社抽〔2026〕12号。"
    assert mask_text(text) == text


def test_an_owner_named_after_the_label_is_masked_to_the_surname() -> None:
    assert mask_text("经营者：王小二，地址略") == "经营者：王**，地址略"
    assert mask_person_name("欧阳小明") == "欧阳**"


def test_an_individual_business_named_by_its_owner_shows_the_surname_only() -> None:
    assert mask_entity_name("王小二", "个体工商户") == "王**"
    assert mask_entity_name("王小二五金店", "个体工商户") == "王小二五金店"
    assert mask_entity_name("王小二", "企业") == "王小二"  # a company's name is public whatever it looks like


def test_every_string_inside_a_value_is_masked_and_the_names_given_too() -> None:
    value = {"entity": "王小二", "items": [{"note": "手机13812345678"}], "count": 3}
    assert mask_value(value, ["王小二"]) == {"entity": "王**", "items": [{"note": "手机138****5678"}], "count": 3}


_PROVINCE_NAMES = ["浙江省", "河北省", "广西壮族自治区", ""]
_CITIES = ["杭州市", "温州市", "石家庄市", "恩施土家族苗族自治州", ""]
_DISTRICTS = ["上城区", "西湖区", "苍南县", "正定县", ""]
HOME_WORDS = ["住址：", "家庭住址：", "现住址为", "家住", "户籍地：", "户籍所在地", "居住地址：", "现居住地", "住在"]


@st.composite
def home_addresses(draw: st.DrawFn) -> tuple[str, str]:
    """A natural person's detailed address (a road and number with building, unit and room; or a village and its
    group) under an optional province, city and district: (the whole address, its detailed part)."""
    coarse = draw(st.sampled_from(_PROVINCE_NAMES)) + draw(st.sampled_from(_CITIES)) + draw(st.sampled_from(_DISTRICTS))
    name = draw(st.text(_HAN, min_size=2, max_size=4))
    if draw(st.booleans()):
        detail = name + draw(st.sampled_from(["路", "街", "大道", "巷", "弄"])) + f"{draw(st.integers(1, 999))}号"
        if draw(st.booleans()):
            detail += f"{draw(st.integers(1, 30))}幢{draw(st.integers(1, 6))}单元{draw(st.integers(101, 2999))}室"
    else:
        detail = draw(st.text(_HAN, min_size=2, max_size=3)) + "镇" + name + "村"
        detail += draw(st.sampled_from(["一组", "三组", f"{draw(st.integers(1, 12))}组"]))
    return coarse + detail, detail


@given(st.data(), home_addresses(), st.sampled_from(HOME_WORDS))
@settings(max_examples=400)
def test_no_home_address_survives_in_free_text(data: st.DataObject, address: tuple[str, str], word: str) -> None:
    whole, detail = address
    masked = mask_text(embedded(data.draw, word + whole, TOKEN_EDGE))
    assert detail not in masked and whole not in masked


@given(st.data(), home_addresses())
@settings(max_examples=200)
def test_a_home_address_among_other_personal_data_is_masked_with_them(
    data: st.DataObject, address: tuple[str, str]
) -> None:
    whole, detail = address
    code = data.draw(resident_ids())
    written, digits = data.draw(mobiles())
    text = data.draw(FREE) + f"，身份证{code}，家住{whole}，手机{written}。" + data.draw(FREE)
    masked = mask_text(text)
    assert detail not in masked and code not in masked and digits not in re.sub(r"[\s-]", "", masked)


def test_a_home_address_keeps_province_city_and_district_only() -> None:
    assert mask_text("家住杭州市上城区解放路123号2单元301室。") == "家住杭州市上城区" + "*" * 14 + "。"
    assert mask_text("户籍地：浙江省温州市苍南县灵溪镇沪山村三组") == "户籍地：浙江省温州市苍南县********"


def test_what_is_not_a_home_address_stays() -> None:
    for text in ["住址不详", "户籍地浙江", "企业住所：杭州市上城区解放路1号", "注册地址：杭州市西湖区文三路90号"]:
        assert mask_text(text) == text  # an entity's registered address is public


def test_an_owner_after_either_label_is_masked() -> None:
    assert mask_text("业主：李小四") == "业主：李**"


def test_an_individual_business_named_by_its_owner_is_masked_as_the_registry_names_the_type() -> None:
    assert mask_entity_name("王小二", "individual_business") == "王**"  # the registry's object type value
    assert mask_entity_name("王小二", "enterprise") == "王小二"
