"""Reading registry files: encodings, headers, broken rows and broken files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from registry.adapters.readers import ROW, Layout, detect_encoding, file_digest, file_format, open_rows
from registry.domain.entities import ENTITY_FIELDS
from registry.domain.errors import ImportRefused

from hrss.contracts.errors import FieldError

LAYOUT = Layout(ENTITY_FIELDS, ("uscc", "name", "region_code"), {"known_at": "变更日期"})
USCC = "91410100MA0000001X"


def read(path: Path, fmt: str = "csv") -> tuple[list[str], list[tuple[int, object]]]:
    fields, rows = open_rows(path, LAYOUT, fmt)
    return fields, list(rows)


def write(tmp_path: Path, content: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_chinese_headers_map_to_fields(tmp_path):
    path = write(tmp_path, f"统一社会信用代码,名称,行政区划代码\n{USCC},郑州某公司,410102\n".encode())
    fields, rows = read(path)
    assert fields == ["uscc", "name", "region_code"]
    assert rows == [(2, {"uscc": USCC, "name": "郑州某公司", "region_code": "410102"})]


def test_english_headers_any_case_and_bom_are_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfUSCC,Name,region_code\r\n" + f"{USCC},某公司,410102\r\n".encode())
    fields, rows = read(path)
    assert fields == ["uscc", "name", "region_code"]
    assert rows[0][1] == {"uscc": USCC, "name": "某公司", "region_code": "410102"}


def test_gb18030_file_is_detected(tmp_path):
    text = f"统一社会信用代码,名称,行政区划代码,注册地址\n{USCC},河南某某劳务有限公司,410102,郑州市中原区\n"
    path = write(tmp_path, text.encode("gb18030"))
    assert detect_encoding(path.read_bytes()) == "gb18030"
    _, rows = read(path)
    assert rows[0][1]["name"] == "河南某某劳务有限公司"  # type: ignore[index]


def test_undecodable_line_rejects_that_row_only(tmp_path):
    good = f"{USCC},某公司,410102\n".encode()
    broken = b"91410100MA0000002X,\xff\xfe\xfa,410102\n"
    path = write(tmp_path, b"uscc,name,region_code\n" + good + broken + good.replace(b"1X", b"3X"))
    _, rows = read(path)
    assert [r for r, _ in rows] == [2, 3, 4]
    error = rows[1][1]
    assert isinstance(error, FieldError)
    assert (error.field, error.code) == (ROW, "import.encoding")
    assert "第 3 行" in error.message
    assert isinstance(rows[2][1], dict)


def test_ascii_start_then_gb18030_switches_encoding(tmp_path):
    head = "uscc,name,region_code\n" + f"{USCC},abc,410102\n" * 3
    path = write(tmp_path, head.encode() + f"{USCC},河南某公司,410102\n".encode("gb18030"))
    _, rows = read(path)
    assert rows[-1][1]["name"] == "河南某公司"  # type: ignore[index]


def test_undecodable_header_refuses_the_file(tmp_path):
    path = write(tmp_path, b"\xff\xff\xff,\x80\x80\n1,2\n")
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.code == "import.encoding"


def test_unknown_column_refuses_before_any_row(tmp_path):
    path = write(tmp_path, f"统一社会信用代码,名称,行政区划代码,备注\n{USCC},某公司,410102,x\n".encode())
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.code == "import.header_unknown"
    assert "备注" in refused.value.message


def test_missing_required_column_refuses(tmp_path):
    path = write(tmp_path, f"统一社会信用代码,名称\n{USCC},某公司\n".encode())
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.code == "import.header_missing"
    assert "行政区划代码" in refused.value.message


def test_repeated_column_refuses(tmp_path):
    path = write(tmp_path, "uscc,name,region_code,名称\n".encode())
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.code == "import.header_duplicate"


@pytest.mark.parametrize("content", [b"", b"\n\n", b"uscc,name,region_code\n", b"uscc,name,region_code\n,,\n"])
def test_empty_or_header_only_file_refuses(tmp_path, content):
    path = write(tmp_path, content)
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.code == "import.empty"


def test_too_large_file_refuses(tmp_path):
    path = write(tmp_path, b"uscc,name,region_code\n" + b"x,y,z\n" * 100)
    with pytest.raises(ImportRefused) as refused:
        open_rows(path, LAYOUT, "csv", max_bytes=100)
    assert refused.value.code == "import.too_large"
    with pytest.raises(ImportRefused):
        file_digest(path, max_bytes=100)


def test_too_many_fields_and_overlong_field_reject_the_row(tmp_path):
    long = "长" * 10_001
    content = f"uscc,name,region_code\n{USCC},a,410102,extra\n{USCC},{long},410102\n{USCC},a,410102,,\n"
    path = write(tmp_path, content.encode())
    _, rows = read(path)
    codes = [v.code if isinstance(v, FieldError) else "ok" for _, v in rows]
    assert codes == ["import.too_many_fields", "import.field_too_long", "ok"]


def test_short_rows_and_blank_lines(tmp_path):
    path = write(tmp_path, f"uscc,name,region_code\n\n{USCC},a\n".encode())
    _, rows = read(path)
    assert rows == [(3, {"uscc": USCC, "name": "a", "region_code": None})]


def test_quoted_multiline_field_keeps_row_numbers(tmp_path):
    path = write(
        tmp_path, f'uscc,name,address,region_code\n{USCC},a,"line1\nline2",410102\n{USCC},b,,410102\n'.encode()
    )
    _, rows = read(path)
    assert [r for r, _ in rows] == [2, 4]
    assert rows[0][1]["address"] == "line1\nline2"  # type: ignore[index]


def test_tsv_uses_tab(tmp_path):
    path = write(tmp_path, f"uscc\tname\tregion_code\n{USCC}\t某,公司\t410102\n".encode(), "f.tsv")
    _, rows = read(path, "tsv")
    assert rows[0][1]["name"] == "某,公司"  # type: ignore[index]


def test_file_format_from_name():
    assert file_format("a.CSV") == "csv"
    assert file_format("a.tsv") == "tsv"
    assert file_format("名录.xlsx") == "xlsx"
    for name in ("a.xls", "a.pdf", "noext"):
        with pytest.raises(ImportRefused) as refused:
            file_format(name)
        assert refused.value.code == "import.format"


def test_xlsx_with_date_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "名称", "行政区划代码", "最近检查日期", "变更日期", "投诉次数"])
    sheet.append([USCC, "某公司", 410102, datetime(2025, 3, 1), datetime(2026, 11, 20, 9, 30), 3.0])
    sheet.append([None, None, None, None, None, None])
    sheet.append([USCC, "另一公司", "410103", date(2025, 4, 2), None, None])
    path = tmp_path / "f.xlsx"
    book.save(path)
    fields, rows = read(path, "xlsx")
    assert fields == ["uscc", "name", "region_code", "last_inspected", "known_at", "complaint_count"]
    assert [r for r, _ in rows] == [2, 4]
    first = rows[0][1]
    assert first["region_code"] == 410102 and first["complaint_count"] == 3  # type: ignore[index]
    assert first["last_inspected"] == date(2025, 3, 1)  # type: ignore[index]
    assert first["known_at"] == datetime(2026, 11, 20, 9, 30)  # type: ignore[index]


def test_xlsx_that_is_not_a_zip_refuses(tmp_path):
    path = write(tmp_path, b"uscc,name,region_code\n", "f.xlsx")
    with pytest.raises(ImportRefused) as refused:
        read(path, "xlsx")
    assert refused.value.code == "import.format"


def test_xlsx_content_named_csv_refuses(tmp_path):
    path = write(tmp_path, b"PK\x03\x04" + b"\x00" * 100, "f.csv")
    with pytest.raises(ImportRefused) as refused:
        read(path)
    assert refused.value.code == "import.format"
