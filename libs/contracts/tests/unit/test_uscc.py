"""The unified social credit code: normalisation, the check character, agreement with stdnum."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import uscc as stdnum_uscc

from hrss.contracts.uscc import ALPHABET, InvalidUscc, check_uscc, normalize_uscc, registration_region, uscc_with_check

VALID = "91110000600037341L"


def test_a_valid_code_is_returned_as_is() -> None:
    assert check_uscc(VALID) == VALID


def test_lower_case_and_full_width_characters_are_normalised() -> None:
    assert normalize_uscc("  ９１１１００００６０００３７３４１ｌ\u3000") == VALID
    assert check_uscc("91110000600037341l") == VALID
    assert check_uscc("９１１１００００６０００３７３４１Ｌ") == VALID


def test_a_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(InvalidUscc) as caught:
        check_uscc("91110000600037341M")
    assert caught.value.reason == "check_character"
    assert str(caught.value) == "统一社会信用代码校验位错误：应为 L"


@pytest.mark.parametrize("value", ["9111000060003734", "91110000600037341LL", ""])
def test_a_code_of_the_wrong_length_is_refused(value: str) -> None:
    with pytest.raises(InvalidUscc) as caught:
        check_uscc(value)
    assert caught.value.reason == "length"
    assert "统一社会信用代码应为 18 位" in str(caught.value)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_excluded_by_the_standard_are_refused(letter: str) -> None:
    with pytest.raises(InvalidUscc) as caught:
        check_uscc(VALID[:10] + letter + VALID[11:])
    assert caught.value.reason == "characters"
    assert "统一社会信用代码含有不允许的字符（不得使用 I、O、Z、S、V）" in str(caught.value)
    assert "第 11 位" in str(caught.value)


def test_punctuation_inside_a_code_is_refused() -> None:
    with pytest.raises(InvalidUscc) as caught:
        check_uscc("9111-000600037341L")
    assert caught.value.reason == "characters"


def test_a_letter_in_the_region_part_is_refused() -> None:
    with pytest.raises(InvalidUscc) as caught:
        check_uscc("91A10000600037341L")
    assert caught.value.reason == "characters"
    assert "第 3–8 位" in str(caught.value)


def test_registration_region_is_characters_three_to_eight() -> None:
    assert registration_region(VALID) == "110000"


def test_uscc_with_check_appends_the_check_character() -> None:
    assert uscc_with_check(VALID[:17]) == VALID


def test_uscc_with_check_refuses_a_body_of_the_wrong_length() -> None:
    with pytest.raises(InvalidUscc) as caught:
        uscc_with_check(VALID)
    assert caught.value.reason == "length"


def test_a_code_registered_by_a_non_digit_authority_is_accepted() -> None:
    # GB 32100 lets the first two characters be letters (N: agriculture, Y: other); stdnum wants digits there.
    code = uscc_with_check("N2410402MA0000000")
    assert check_uscc(code) == code
    assert not stdnum_uscc.is_valid(code)


def _random_code(rng: random.Random) -> str:
    digits = "0123456789"
    body = "".join(rng.choice(digits) for _ in range(8)) + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + rng.choice(ALPHABET)


def test_check_agrees_with_stdnum_on_ten_thousand_random_codes() -> None:
    rng = random.Random(32100)
    valid = 0
    for _ in range(10_000):
        code = _random_code(rng)
        if rng.random() < 0.5:
            code = code[:17] + stdnum_uscc.calc_check_digit(code[:17])
        assert uscc_with_check(code[:17])[-1] == stdnum_uscc.calc_check_digit(code[:17])
        try:
            ours = check_uscc(code)
        except InvalidUscc:
            assert not stdnum_uscc.is_valid(code), code
        else:
            assert ours == stdnum_uscc.validate(code)
            valid += 1
    assert 4_000 < valid < 6_000


def test_the_alphabet_is_the_one_stdnum_uses() -> None:
    assert stdnum_uscc._alphabet == ALPHABET
