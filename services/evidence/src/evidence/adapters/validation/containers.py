"""ZIP containers (zip, docx, xlsx, ofd): nothing before the first entry or after the end of the central directory,
and every entry looked at — no program or script (by its first bytes; its name was checked by the domain), no
other archive, nothing encrypted. Audio and video: their magic was checked before the upload was written; here
nothing after the container's declared end may be another file (ISO BMFF boxes for mp4/mov/m4a/heic, RIFF for
wav/avi); formats without a declared end (mp3, amr) may hold no other file's signature anywhere."""

from __future__ import annotations

import zipfile
from typing import Any, BinaryIO

from evidence.adapters.validation.images import riff_end
from evidence.adapters.validation.signatures import archive, embedded, program_or_script
from evidence.domain.errors import ZipInvalid
from evidence.domain.invalid import ContentInvalid

HEAD = 512  # bytes of each entry looked at (enough for `ustar` at 257)
OFFICE_EMBEDDINGS = (".docx", ".xlsx", ".pptx")  # Office documents embed each other as ZIPs; allowed there only


def check_zip(view: Any, file: BinaryIO, extension: str) -> None:
    """Refuse data around the archive and entries that are programs, scripts, archives or encrypted."""
    size = len(view)
    directory_end = view.rfind(b"PK\x05\x06", max(0, size - 65_557))
    if directory_end < 0:
        raise ZipInvalid()
    comment = int.from_bytes(view[directory_end + 20 : directory_end + 22], "little")
    if directory_end + 22 + comment != size:
        raise ContentInvalid("zip.trailing_data")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as container:
            entries = container.infolist()
            if entries and min(e.header_offset for e in entries) != 0:
                raise ContentInvalid("zip.trailing_data")  # a program in front of the archive (self-extracting)
            for entry in entries:
                if entry.is_dir():
                    continue
                if entry.flag_bits & 0x1:
                    raise ContentInvalid("zip.encrypted", name=entry.filename[:100])
                with container.open(entry) as opened:
                    head = opened.read(HEAD)
                _check_entry(entry.filename, head, extension)
    except ContentInvalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError):
        raise ZipInvalid() from None


def _check_entry(name: str, head: bytes, extension: str) -> None:
    found = program_or_script(head)
    if found:
        raise ContentInvalid("zip.executable_entry", name=f"{name[:100]}，{found}")
    if archive(head):
        office = extension in ("docx", "xlsx") and name.lower().endswith(OFFICE_EMBEDDINGS)
        if not office:
            raise ContentInvalid("zip.nested_archive", name=name[:100])


def check_media(view: Any, extension: str) -> None:
    """Refuse audio or video carrying another file after its declared end (or anywhere, without one)."""
    if extension in ("mp3", "amr"):
        found = embedded(view)
        if found:
            raise ContentInvalid("media.embedded_file", found=found)
        return
    riff = extension in ("wav", "avi")
    end = (riff_end(view) if view[:4] == b"RIFF" else 0) if riff else bmff_end(view)
    found = embedded(view, end) if end < len(view) else None
    if found:
        raise ContentInvalid("media.trailing_file", found=found)


def bmff_end(view: Any) -> int:
    """The offset after the last whole top-level ISO BMFF box (mp4, mov, m4a, heic); a box that does not fit or
    whose type is not four printable characters starts what follows the container."""
    pos, size = 0, len(view)
    while pos + 8 <= size:
        length = int.from_bytes(view[pos : pos + 4], "big")
        kind = view[pos + 4 : pos + 8]
        header = 8
        if length == 1:
            length, header = int.from_bytes(view[pos + 8 : pos + 16], "big"), 16
        elif length == 0:
            length = size - pos
        if length < header or pos + length > size or not all(32 <= c < 127 or c == 0xA9 for c in kind):
            return pos
        pos += length
    return pos
