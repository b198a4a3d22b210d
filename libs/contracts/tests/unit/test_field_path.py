"""Field names in validation errors: shown when they are names or ids, never echoing arbitrary caller text."""

from __future__ import annotations

from hrss.contracts import field_path
from hrss.contracts.errors import UNSHOWABLE


def test_names_indexes_and_ids_are_shown_as_a_dotted_path() -> None:
    assert field_path(("entries", 2, "items", "item-1", "result"), "<body>") == "entries.2.items.item-1.result"
    assert field_path((), "<body>") == "<body>"


def test_a_key_with_spaces_sql_or_control_characters_is_not_echoed() -> None:
    for key in ("INSERT ", "x; DROP TABLE t", "\u0007bell", "人力资源", "a" * 65):
        assert field_path(("entries", 0, key), "<body>") == f"entries.0.{UNSHOWABLE}"


def test_a_typed_error_says_its_code_and_message_where_it_is_defined() -> None:
    from hrss.contracts.errors import Conflict, PlatformError

    class Voided(Conflict):
        code = "thing.voided"
        template = "事项 {thing} 已作废"

    error = Voided(thing="T-1")
    assert (error.status, error.code, error.message, error.values) == (
        409,
        "thing.voided",
        "事项 T-1 已作废",
        {"thing": "T-1"},
    )
    assert error.to_dict() == {"code": "thing.voided", "message": "事项 T-1 已作废"}
    plain = PlatformError("x.y", "说明")
    assert (plain.code, plain.message, plain.status) == ("x.y", "说明", 400)
