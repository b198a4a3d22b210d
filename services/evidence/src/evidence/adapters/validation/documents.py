"""PDFs parsed with pypdf (structure readable, `%%EOF` the last thing in the file, no JavaScript, launch actions
or embedded files anywhere in the object graph or the raw bytes), and legacy Office files (no macros, no
program inside)."""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from evidence.adapters.validation.signatures import embedded
from evidence.domain.invalid import ContentInvalid

TAIL = 1024  # `%%EOF` must be within this many bytes of the end, with nothing but white space after it
MAX_OBJECTS = 500_000  # a PDF with more objects than this is not read (a parser's time is bounded)
ACTIVE = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia", "/GoToE", "/ImportData"}
)
# the same names written plainly in the bytes, for objects no cross-reference table points at
_RAW_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|GoToE|ImportData)(?=[\s/<>\[\]()%]|$)")
_WHITE = b" \t\r\n\x00\x0c"


def check_pdf(view: Any, file: BinaryIO) -> None:
    """Refuse a PDF that does not parse, has data after `%%EOF`, is encrypted, or holds active content."""
    size = len(view)
    eof = view.rfind(b"%%EOF", max(0, size - TAIL))
    if eof < 0:
        raise ContentInvalid("pdf.data_after_eof" if view.rfind(b"%%EOF") >= 0 else "pdf.unreadable")
    if view[eof + 5 : size].strip(_WHITE):
        raise ContentInvalid("pdf.data_after_eof")
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise ContentInvalid("pdf.encrypted")
        reader.trailer["/Root"].get_object()
        if len(reader.pages) < 1:
            raise ContentInvalid("pdf.unreadable")
        found = _active_names(reader)
    except ContentInvalid:
        raise
    except Exception:
        raise ContentInvalid("pdf.unreadable") from None
    if not found:
        plain = _RAW_ACTIVE.search(view)
        found = {"/" + plain.group(1).decode()} if plain else set()
    if found:
        raise ContentInvalid("pdf.active", found="、".join(sorted(found)))


def _active_names(reader: PdfReader) -> set[str]:
    """The active-content names used as keys or values in every object of the file (object streams included)."""
    numbers = [(n, g) for g, table in reader.xref.items() for n in table] + [(n, 0) for n in reader.xref_objStm]
    if len(numbers) > MAX_OBJECTS:
        raise ContentInvalid("pdf.unreadable")
    found: set[str] = set()
    pending: list[Any] = [reader.trailer]
    for number, generation in numbers:
        pending.append(IndirectObject(number, generation, reader).get_object())
    while pending:
        item = pending.pop()
        if isinstance(item, DictionaryObject):
            found |= {str(k) for k in item if k in ACTIVE}
            pending += [v for v in item.values() if not isinstance(v, IndirectObject)]
        elif isinstance(item, ArrayObject):
            pending += [v for v in item if not isinstance(v, IndirectObject)]
        elif isinstance(item, NameObject) and item in ACTIVE:
            found.add(str(item))
    return found


_VBA = "_VBA_PROJECT".encode("utf-16-le")  # the storage of a VBA project (names are UTF-16 in the directory)


def check_ole(view: Any) -> None:
    """A Word or Excel 97–2003 file: refuse macros (their storage names) and programs inside it."""
    if view.find(_VBA) >= 0:
        raise ContentInvalid("office.macros")
    found = embedded(view, executables_only=True)
    if found:
        raise ContentInvalid("office.embedded_program", found=found)
