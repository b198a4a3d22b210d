"""What the bytes of an upload are (filetype's magic numbers, UTF-8 for text) and what a ZIP holds."""

from __future__ import annotations

import io
import zipfile

import filetype

from evidence.adapters.store import AbstractEvidenceStore
from evidence.domain.content import TEXT, Detected
from evidence.domain.errors import ZipInvalid


def detect(head: bytes) -> Detected:
    """The type of a file from its first bytes."""
    found = filetype.guess(head)
    if found is not None:
        return Detected(str(found.extension))
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
            return Detected(TEXT)
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 3:  # a multi-byte character cut at the end of the head
                return Detected(TEXT)
    return Detected(None)


class _RangeFile(io.RawIOBase):
    """A seekable read-only file over one object version, read by ranges (zipfile needs only the tail)."""

    def __init__(self, store: AbstractEvidenceStore, key: str, version_id: str, size: int) -> None:
        self.store, self.key, self.version_id, self.size, self.pos = store, key, version_id, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        want = min(len(buffer), self.size - self.pos)
        if want <= 0:
            return 0
        data = self.store.read_range(self.key, self.version_id, self.pos, want)
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)


def zip_entries(store: AbstractEvidenceStore, key: str, version_id: str, size: int) -> list[tuple[str, int, int]]:
    """(name, compressed, uncompressed) of every entry, from the central directory of the stored version."""
    try:
        with zipfile.ZipFile(io.BufferedReader(_RangeFile(store, key, version_id, size), 65536)) as archive:
            return [(i.filename, i.compress_size, i.file_size) for i in archive.infolist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ZipInvalid() from None
