"""Which files may be evidence, and whether a file's bytes are what its extension says.

The type is detected from the bytes (magic numbers, by the sniffing adapter) and must be one the extension
allows: a PDF named `.jpg`, or an executable named `.pdf`, is refused. Plain-text formats have no magic number:
they must be valid UTF-8 without NUL bytes. ZIP archives are accepted only for electronic data and must not
expand too far (checked from the central directory before the upload is recorded).

The first `SNIFF_BYTES` only decide whether to read the rest. Once the whole file is stored, it is checked by its
kind (`FAMILY`: images decoded, PDFs parsed, text decoded and parsed, every entry of a ZIP looked at, audio and
video judged by their declared end) by the validation adapter; what fails is quarantined (uploads.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.domain.errors import (
    ContentMismatch,
    ExtensionMissing,
    FilenameInvalid,
    TypeNotAllowed,
    ZipExpandsTooFar,
    ZipNested,
    ZipRatioTooHigh,
    ZipTooManyEntries,
)
from evidence.domain.invalid import ContentInvalid

TEXT = "text"  # the detected "type" of bytes without a signature that decode as UTF-8 text
SNIFF_BYTES = 8192  # how much of an upload is read to tell what it is (filetype reads at most this many bytes)

# extension → the detected types its bytes may have (detected types are filetype's extension names)
ALLOWED: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "jpg": frozenset({"jpg"}),
    "jpeg": frozenset({"jpg"}),
    "png": frozenset({"png"}),
    "gif": frozenset({"gif"}),
    "tif": frozenset({"tif"}),
    "tiff": frozenset({"tif"}),
    "webp": frozenset({"webp"}),
    "heic": frozenset({"heic"}),
    "bmp": frozenset({"bmp"}),
    "mp3": frozenset({"mp3"}),
    "m4a": frozenset({"m4a", "mp4"}),
    "wav": frozenset({"wav"}),
    "amr": frozenset({"amr"}),
    "mp4": frozenset({"mp4", "m4v"}),
    "mov": frozenset({"mov"}),
    "avi": frozenset({"avi"}),
    "doc": frozenset({"doc"}),
    "xls": frozenset({"xls"}),
    "docx": frozenset({"docx", "zip"}),
    "xlsx": frozenset({"xlsx", "zip"}),
    "ofd": frozenset({"zip"}),  # 版式文档 OFD (GB/T 33190) is a ZIP container
    "zip": frozenset({"zip"}),
    "txt": frozenset({TEXT}),
    "csv": frozenset({TEXT}),
    "json": frozenset({TEXT}),
    "xml": frozenset({TEXT}),
}

CONTAINERS = frozenset({"zip", "docx", "xlsx", "ofd"})  # extensions whose bytes are a ZIP and are inspected

# extension → how the whole file is checked once received (adapters/validation)
FAMILY: dict[str, str] = {
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "tif", "tiff", "webp", "bmp"), "image"),
    "heic": "media",  # an ISO BMFF container like mp4: Pillow cannot decode it without a plugin
    "pdf": "pdf",
    **dict.fromkeys(("txt", "csv"), "text"),
    "json": "json",
    "xml": "xml",
    **dict.fromkeys(CONTAINERS, "zip"),
    **dict.fromkeys(("mp3", "m4a", "wav", "amr", "mp4", "mov", "avi"), "media"),
    **dict.fromkeys(("doc", "xls"), "ole"),
}

# names inside a ZIP that are programs or scripts (by extension; the validation adapter also looks at their bytes)
_PROGRAMS = """exe dll com scr pif cpl msi msp sys drv ocx efi bat cmd ps1 psm1 vbs vbe js jse wsf wsh hta lnk reg
inf sh bash zsh csh ksh py pyc pl rb php jar class apk dex elf so dylib app deb rpm run msc gadget docm xlsm pptm
dotm xltm"""
EXECUTABLE_EXTENSIONS = frozenset(_PROGRAMS.split())
ARCHIVE_EXTENSIONS = frozenset("zip rar 7z gz tgz bz2 xz zst tar cab iso arj lz lzh z".split())  # noqa: SIM905

NAMES = {
    "pdf": "PDF 文档",
    "jpg": "JPEG 图片",
    "png": "PNG 图片",
    "gif": "GIF 图片",
    "tif": "TIFF 图片",
    "webp": "WebP 图片",
    "heic": "HEIC 图片",
    "bmp": "BMP 图片",
    "mp3": "MP3 音频",
    "m4a": "M4A 音频",
    "wav": "WAV 音频",
    "amr": "AMR 音频",
    "mp4": "MP4 视频",
    "m4v": "M4V 视频",
    "mov": "QuickTime 视频",
    "avi": "AVI 视频",
    "doc": "Word 文档",
    "xls": "Excel 表格",
    "docx": "Word 文档",
    "xlsx": "Excel 表格",
    "zip": "ZIP 压缩包",
    "exe": "可执行程序",
    "elf": "可执行程序",
    TEXT: "纯文本",
}

MIME = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "heic": "image/heic",
    "bmp": "image/bmp",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/x-wav",
    "amr": "audio/amr",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "zip": "application/zip",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml",
}


def extension_of(filename: str) -> str:
    """The lower-case extension of a file name, else a refusal naming the rule."""
    name = filename.strip()
    if not name or "/" in name or "\\" in name or any(ord(c) < 32 for c in name) or len(name) > 255:
        raise FilenameInvalid()
    base, dot, ext = name.rpartition(".")
    if not dot or not base:
        raise ExtensionMissing()
    ext = ext.lower()
    if ext not in ALLOWED:
        allowed = "、".join(sorted(ALLOWED))
        raise TypeNotAllowed(ext=ext, allowed=allowed)
    return ext


@dataclass(frozen=True)
class Detected:
    """What the bytes are: a filetype name (`pdf`, `png`, …), `text`, or None when nothing was recognised."""

    kind: str | None


def check_content(extension: str, detected: Detected) -> str:
    """The content type to store if the detected bytes suit `extension`, else `evidence.content_mismatch`."""
    allowed = ALLOWED[extension]
    if detected.kind in allowed:
        return MIME[extension]
    found = NAMES.get(detected.kind or "", detected.kind) if detected.kind else "无法识别的二进制内容"
    raise ContentMismatch(extension=extension, found=found)


@dataclass(frozen=True)
class ZipLimits:
    max_expanded: int  # total uncompressed bytes
    max_ratio: int  # uncompressed : compressed over the whole archive
    max_entries: int


def check_zip(entries: list[tuple[str, int, int]], limits: ZipLimits, nested_zip_allowed: bool = False) -> None:
    """Refuse a ZIP (entries of name, compressed size, uncompressed size) that expands too far (zip bomb)."""
    if len(entries) > limits.max_entries:
        raise ZipTooManyEntries(count=len(entries), limit=limits.max_entries)
    expanded = sum(u for _, _, u in entries)
    packed = sum(c for _, c, _ in entries)
    if expanded > limits.max_expanded:
        raise ZipExpandsTooFar(expanded=expanded, limit=limits.max_expanded)
    if packed and expanded / packed > limits.max_ratio:
        raise ZipRatioTooHigh(ratio=expanded // packed, limit=limits.max_ratio)
    if not nested_zip_allowed and any(name.lower().endswith(".zip") for name, _, _ in entries):
        raise ZipNested()
    for name, _, _ in entries:
        base = name.rstrip("/").rsplit("/", 1)[-1].lower()
        ext = base.rpartition(".")[2] if "." in base else ""
        if ext in EXECUTABLE_EXTENSIONS or base == "vbaproject.bin":
            raise ContentInvalid("zip.executable_entry", name=name[:100])
        if ext in ARCHIVE_EXTENSIONS:
            raise ContentInvalid("zip.nested_archive", name=name[:100])
