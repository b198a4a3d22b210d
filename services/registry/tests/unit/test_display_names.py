"""Names an entity or inspector shows are what they are: no bidi overrides, zero-width or control characters."""

from __future__ import annotations

import pytest
from registry.domain.entities import try_parse_entity
from registry.domain.inspectors import try_parse_inspector
from registry.domain.regions import RegionTable

from hrss.contracts.uscc import uscc_with_check

REGIONS = RegionTable.load()


def entity(name: str) -> dict[str, str]:
    return {
        "uscc": uscc_with_check("91330102MA2B00001"),
        "name": name,
        "object_type": "企业",
        "region_code": "330102",
        "status": "存续",
    }


@pytest.mark.parametrize("name", ["杭州\u202e司公限有", "杭州\u200b某公司", "杭州\ue000某公司", "杭州\x1b某公司"])
def test_an_entity_name_with_hidden_characters_is_refused_naming_the_field(name: str) -> None:
    state, errors = try_parse_entity(entity(name), REGIONS)
    assert state is None
    assert [(e.field, e.code) for e in errors] in (
        [("name", "text.control_character")],
        [("name", "field.characters")],  # C0 controls: refused by the plain text check first
    )


def test_an_entity_name_with_an_ideographic_space_or_full_width_letters_is_kept() -> None:
    state, errors = try_parse_entity(entity("杭州　ＡＢＣ有限公司"), REGIONS)
    assert errors == [] and state is not None and state.name == "杭州　ＡＢＣ有限公司"


def test_an_inspector_name_with_a_bidi_override_is_refused() -> None:
    record = {
        "credential_no": "33010220260001",
        "name": "张\u202e三",
        "unit": "西湖区劳动保障监察大队",
        "region_code": "330102",
    }
    _, errors = try_parse_inspector(record, REGIONS)
    assert ("name", "text.control_character") in [(e.field, e.code) for e in errors]
