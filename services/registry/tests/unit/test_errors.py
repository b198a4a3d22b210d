"""The registry's typed errors say their code, status and Chinese message where they are defined."""

from __future__ import annotations

import inspect

from registry.domain import errors

from hrss.contracts.errors import PlatformError


def test_a_conflict_names_the_record_already_registered() -> None:
    error = errors.EntityExists(uscc="91410100MA44XXXX0X", existing="e-1")
    assert (error.status, error.code) == (409, "entity.exists")
    assert error.message == "统一社会信用代码 91410100MA44XXXX0X 已登记（对象 e-1），请修改该对象"


def test_a_refused_file_is_a_400_with_its_import_code() -> None:
    error = errors.FileTooLarge(size=2_000_000, max_bytes=1_000_000)
    assert isinstance(error, errors.ImportRefused) and error.status == 400
    assert error.to_dict() == {
        "code": "import.too_large",
        "message": "文件过大：2,000,000 字节，上限为 1,000,000 字节，请拆分后导入",
    }


def test_every_registry_error_has_a_stable_code_and_a_chinese_message() -> None:
    typed = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, PlatformError)]
    own = [c for c in typed if c.__module__ == errors.__name__ and c is not errors.ImportRefused]
    assert len(own) >= 20
    for error_type in own:
        assert error_type.code.count(".") == 1 and error_type.code.islower(), error_type
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error_type.template) or error_type.template == "{reason}"
