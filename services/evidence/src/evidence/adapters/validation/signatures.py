"""Other files hidden in a file: where the signature of a program, an archive or a PDF starts."""

from __future__ import annotations

from typing import Any

EXECUTABLES = (
    (b"\x7fELF", "ELF 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "Mach-O 可执行程序"),
    (b"\xce\xfa\xed\xfe", "Mach-O 可执行程序"),
)
OTHERS = (
    (b"PK\x03\x04", "ZIP 压缩包"),
    (b"%PDF-", "PDF 文档"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
)


def windows_executable_at(view: Any, pos: int) -> bool:
    """True if `MZ` at `pos` starts a PE executable: its `e_lfanew` (at +0x3C) points at `PE\\0\\0`."""
    if pos + 0x40 > len(view):
        return False
    header = pos + int.from_bytes(view[pos + 0x3C : pos + 0x40], "little")
    return header >= pos + 0x40 and view[header : header + 4] == b"PE\x00\x00"


def embedded(view: Any, start: int = 0, end: int | None = None, executables_only: bool = False) -> str | None:
    """What kind of file has its signature in `view[start:end]` (a Windows or ELF or Mach-O program, a ZIP, RAR or
    7z archive, a PDF), else None. `MZ` alone is common in binary data: it counts only with its PE header."""
    stop = len(view) if end is None else end
    for signature, name in EXECUTABLES if executables_only else EXECUTABLES + OTHERS:
        if view.find(signature, start, stop) >= 0:
            return name
    pos = view.find(b"MZ", start, stop)
    while pos >= 0:
        if windows_executable_at(view, pos):
            return "Windows 可执行程序"
        pos = view.find(b"MZ", pos + 1, stop)
    return None


def program_or_script(head: bytes) -> str | None:
    """What kind of program the first bytes of a file are (for the entries of a ZIP), else None."""
    if head.startswith(b"MZ"):
        return "Windows 可执行程序"
    for signature, name in EXECUTABLES:
        if head.startswith(signature):
            return name
    if head.startswith(b"\xca\xfe\xba\xbe"):
        return "Java 类或 Mach-O 程序"
    if head.startswith(b"#!"):
        return "脚本"
    if head.startswith(b"dex\n"):
        return "Android 程序"
    return None


ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF")


def archive(head: bytes) -> bool:
    """True if the first bytes are those of an archive (ZIP, RAR, 7z, gzip, bzip2, xz, cab)."""
    return head.startswith(ARCHIVES) or head[257:262] == b"ustar"
