"""Streaming readers of registry files (CSV, TSV, XLSX): `(row_no, {field: raw value})`, one row at a time.

`row_no` is the row's number as a spreadsheet shows it (the header is row 1). A row that cannot be read
(undecodable bytes, too many fields, an over-long field) is yielded as a `FieldError` on field `<row>`, so
the import rejects that row and goes on; only a file that cannot be read at all raises `ImportRefused`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from hrss.contracts.errors import FieldError
from registry.domain.errors import (
    DuplicateColumn,
    EmptyFile,
    EmptySheet,
    ExcelMisnamed,
    FileTooLarge,
    HeaderOnly,
    HeaderOnlySheet,
    MalformedHeader,
    MissingColumns,
    NotAWorkbook,
    OldExcel,
    UnknownColumns,
    UnknownHeaderEncoding,
    UnreadableWorkbook,
    UnsupportedFileType,
    Utf16File,
)

MAX_FILE_BYTES = 2 * 1024**3  # config REGISTRY.import_max_bytes
MAX_FIELD_CHARS = 10_000
MAX_LINE_BYTES = 4 * 1024**2  # a physical line longer than this is rejected without being held in memory
ROW = "<row>"  # the field name of errors about a whole row
SNIFF_BYTES = 1024**2

Values = dict[str, Any]
Row = tuple[int, Values | FieldError]


@dataclass(frozen=True)
class Layout:
    """The columns a registry file may have: field → Chinese label, the required ones, extra accepted ones."""

    fields: Mapping[str, str]
    required: tuple[str, ...]
    extra: Mapping[str, str]  # field → label of accepted columns outside the record (e.g. known_at → 变更日期)

    def header_map(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for field, label in (*self.fields.items(), *self.extra.items()):
            names[field.lower()] = field
            names[label] = field
        return names


def file_digest(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[str, int]:
    """SHA-256 and size of a file; `import.too_large` past `max_bytes`, `import.empty` for zero bytes."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise FileTooLarge(size=size, max_bytes=max_bytes)
    if size == 0:
        raise EmptyFile()
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest(), size


def file_format(name: str) -> str:
    """`csv`, `tsv` or `xlsx` from a file name; `import.format` for anything else."""
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".xls":
        raise OldExcel()
    raise UnsupportedFileType(suffix=suffix or name)


def open_rows(path: Path, layout: Layout, fmt: str, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], Iterator[Row]]:
    """The fields the file's columns hold and an iterator over its rows; header problems raise `ImportRefused`."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise FileTooLarge(size=size, max_bytes=max_bytes)
    if size == 0:
        raise EmptyFile()
    if fmt == "xlsx":
        return _xlsx_rows(path, layout)
    return _csv_rows(path, layout, "\t" if fmt == "tsv" else ",")


# -- header ------------------------------------------------------------------------------


def map_header(cells: Iterable[Any], layout: Layout) -> list[str | None]:
    """The field of every column (None for an unnamed one); unknown, repeated or missing columns refuse the file."""
    names = layout.header_map()
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells, start=1):
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff").strip()
        if not text:
            columns.append(None)
            continue
        field = names.get(text) or names.get(text.lower())
        if field is None:
            unknown.append(f"第 {position} 列“{text[:40]}”")
        elif field in seen:
            raise DuplicateColumn(first=seen[field], second=position, label=layout_label(layout, field))
        else:
            seen[field] = position
        columns.append(field)
    if unknown:
        allowed = "、".join(layout.fields.values())
        raise UnknownColumns(columns="，".join(unknown), allowed=allowed)
    missing = [layout_label(layout, f) for f in layout.required if f not in seen]
    if missing:
        raise MissingColumns(columns="、".join(missing))
    return columns


def layout_label(layout: Layout, field: str) -> str:
    return layout.fields.get(field) or layout.extra.get(field) or field


def _row_builder(columns: list[str | None], texts: bool) -> Callable[[int, list[Any]], Values | FieldError]:
    """A function turning one record's cells into {field: value} or a row-level error; built once per file."""
    width = len(columns)
    named = [(i, f) for i, f in enumerate(columns) if f is not None]
    unnamed = [i for i, f in enumerate(columns) if f is None]
    fields = [f for _, f in named]
    simple = not unnamed and [i for i, _ in named] == list(range(width))

    def build(row_no: int, cells: list[Any]) -> Values | FieldError:
        if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
            return FieldError(ROW, "import.too_many_fields", f"第 {row_no} 行有 {len(cells)} 列，多于表头的 {width} 列")
        for c in cells:
            if isinstance(c, str) and len(c) > MAX_FIELD_CHARS:
                return FieldError(
                    ROW, "import.field_too_long", f"第 {row_no} 行有超过 {MAX_FIELD_CHARS} 个字符的单元格"
                )
        if unnamed and any(i < len(cells) and cells[i] not in (None, "") for i in unnamed):
            return FieldError(ROW, "import.unnamed_column", f"第 {row_no} 行在没有表头的列中有数据")
        if simple and len(cells) == width:
            return dict(zip(fields, cells, strict=True))
        n = len(cells)
        return {f: cells[i] if i < n else None for i, f in named}

    return build


# -- CSV ---------------------------------------------------------------------------------


def detect_encoding(sample: bytes, whole: bool = True) -> str:
    """`utf-8-sig` with a BOM; else `utf-8` or `gb18030` (Excel's "CSV" in China), by which decodes more lines.

    Real GB18030 Chinese text is almost never valid UTF-8, so a few broken lines in a UTF-8 file do not turn
    the whole file into GB18030; they are rejected one by one instead.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Utf16File()
    lines = sample.split(b"\n")
    if not whole:
        lines.pop()  # the last line may be cut in the middle of a character
    utf8 = gb = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
                gb += 1
            except UnicodeDecodeError:
                pass
    return "gb18030" if gb > utf8 else "utf-8"


class _Lines:
    """Decoded physical lines of a binary file; remembers the numbers of lines that could not be read."""

    def __init__(self, f: BinaryIO, encoding: str) -> None:
        self._f = f
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self._skip_bom = encoding == "utf-8-sig"
        self.bad: dict[int, str] = {}  # line number → code

    def __iter__(self) -> Iterator[str]:
        readline = self._f.readline
        encoding = self.encoding
        bad = self.bad
        # A file whose first megabyte is ASCII may still be GB18030: decide at its first non-ASCII line.
        undecided = encoding == "utf-8"
        n = 0
        while True:
            raw = readline(MAX_LINE_BYTES)
            if not raw:
                return
            n += 1
            if n == 1 and self._skip_bom and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # drop the rest of the line, never hold it whole
                    raw = readline(MAX_LINE_BYTES)
                bad[n] = "import.line_too_long"
                yield "\n"
                continue
            if undecided and not raw.isascii():
                undecided = False
                try:
                    raw.decode(encoding)
                except UnicodeDecodeError:
                    try:
                        raw.decode("gb18030")
                        encoding = self.encoding = "gb18030"
                    except UnicodeDecodeError:
                        pass
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError:
                bad[n] = "import.encoding"
                yield raw.decode(encoding, "replace")


_LINE_MESSAGES = {
    "import.encoding": "第 {row} 行含有无法识别的字符编码（文件按 {encoding} 读取），该行未导入",
    "import.line_too_long": "第 {row} 行过长（超过 {limit} 字节），该行未导入",
    "import.csv": "第 {row} 行格式错误（{detail}），该行未导入",
}


def _csv_rows(path: Path, layout: Layout, delimiter: str) -> tuple[list[str], Iterator[Row]]:
    f = open(path, "rb")  # noqa: SIM115 - closed by the generator
    try:
        sample = f.read(SNIFF_BYTES)
        if sample.startswith(b"PK\x03\x04"):
            raise ExcelMisnamed()
        encoding = detect_encoding(sample, whole=len(sample) < SNIFF_BYTES)
        f.seek(0)
        lines = _Lines(f, encoding)
        reader = csv.reader(iter(lines), delimiter=delimiter)
        header = _header_record(reader, lines)
        columns = map_header(header, layout)
    except BaseException:
        f.close()
        raise
    build = _row_builder(columns, texts=True)
    fields = [c for c in columns if c is not None]
    first = _next_csv_record(reader, lines, build)
    if first is None:
        f.close()
        raise HeaderOnly()

    def rows() -> Iterator[Row]:
        try:
            yield first
            while (row := _next_csv_record(reader, lines, build)) is not None:
                yield row
        finally:
            f.close()

    return fields, rows()


def _header_record(reader: Any, lines: _Lines) -> list[str]:
    try:
        while True:
            record = next(reader)
            if lines.bad:
                raise UnknownHeaderEncoding()
            if any(cell.strip() for cell in record):
                return record
    except StopIteration:
        raise EmptyFile() from None
    except csv.Error as bad:
        raise MalformedHeader(error=bad) from None


def _next_csv_record(reader: Any, lines: _Lines, build: Callable[[int, list[Any]], Values | FieldError]) -> Row | None:
    """The next non-blank record (or the row-level error in its place); None at the end of the file."""
    bad = lines.bad
    while True:
        start = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return None
        except csv.Error as error:
            row_no = reader.line_num
            detail = str(error)[:80]
            return row_no, FieldError(ROW, "import.csv", _LINE_MESSAGES["import.csv"].format(row=row_no, detail=detail))
        end = reader.line_num
        if bad:
            for line in range(start + 1, end + 1):
                code = bad.pop(line, None)
                if code is not None:
                    # drop markers of the same record so they are not reported twice
                    for other in range(line + 1, end + 1):
                        bad.pop(other, None)
                    message = _LINE_MESSAGES[code].format(row=line, encoding=lines.encoding, limit=MAX_LINE_BYTES)
                    return line, FieldError(ROW, code, message)
        if not any(record):
            continue
        return start + 1, build(start + 1, record)


# -- XLSX --------------------------------------------------------------------------------


def _xlsx_rows(path: Path, layout: Layout) -> tuple[list[str], Iterator[Row]]:
    if not zipfile.is_zipfile(path):
        raise NotAWorkbook()
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, InvalidFileException, BadZipFile... for a broken book
        raise UnreadableWorkbook(error=type(error).__name__) from None
    try:
        sheet = workbook.worksheets[0]
        records = enumerate(sheet.iter_rows(values_only=True), start=1)
        header: tuple[Any, ...] | None = None
        for _, cells in records:
            if any(c not in (None, "") for c in cells):
                header = cells
                break
        if header is None:
            raise EmptySheet()
        columns = map_header(header, layout)
        while columns and columns[-1] is None:
            columns.pop()
        build = _row_builder(columns, texts=False)
        first = _next_xlsx_record(records, build)
        if first is None:
            raise HeaderOnlySheet()
    except BaseException:
        workbook.close()
        raise

    def rows() -> Iterator[Row]:
        try:
            yield first
            while (row := _next_xlsx_record(records, build)) is not None:
                yield row
        finally:
            workbook.close()

    return [c for c in columns if c is not None], rows()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 410102.0 is the region code 410102
    if isinstance(value, datetime) and value.hour == value.minute == value.second == value.microsecond == 0:
        return value.date()
    if isinstance(value, date | int | bool | str) or value is None:
        return value
    return str(value)


def _next_xlsx_record(
    records: Iterator[tuple[int, tuple[Any, ...]]], build: Callable[[int, list[Any]], Any]
) -> Row | None:
    for row_no, cells in records:
        values = [_cell(c) for c in cells]
        if not any(v not in (None, "") for v in values):
            continue
        return row_no, build(row_no, values)
    return None
