"""Images: decoded completely by Pillow (in the format the extension names, under a pixel limit), and nothing after
the image's own end (PNG `IEND`, JPEG `EOI`, GIF trailer, the RIFF size of WebP, the file size a BMP declares;
TIFF has no end marker, so it must hold no other file's signature)."""

from __future__ import annotations

import warnings
from typing import Any, BinaryIO

from PIL import Image, ImageSequence

from evidence.adapters.validation.signatures import embedded
from evidence.domain.invalid import ContentInvalid

FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "tif": "TIFF", "tiff": "TIFF"}
FORMATS |= {"webp": "WEBP", "bmp": "BMP"}


class _Broken(Exception):
    """The structure ends before its end marker or is not what its format says."""


def check_image(view: Any, file: BinaryIO, extension: str, max_pixels: int) -> None:
    """Refuse an image that does not decode whole, is too large to decode, or carries bytes after its end."""
    fmt = FORMATS[extension]
    _decode(file, fmt, max_pixels)
    size = len(view)
    try:
        end = {"PNG": png_end, "JPEG": jpeg_end, "GIF": gif_end, "WEBP": riff_end, "BMP": bmp_end}.get(fmt)
        if end is None:  # TIFF: its parts are found by offsets, anywhere
            found = embedded(view)
            if found:
                raise ContentInvalid("image.embedded_file", found=found)
            return
        stop = end(view)
    except (_Broken, IndexError, ValueError):
        raise ContentInvalid("image.undecodable") from None
    if stop < size:
        raise ContentInvalid("image.trailing_data")


def _decode(file: BinaryIO, fmt: str, max_pixels: int) -> None:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[fmt]) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise ContentInvalid("image.too_many_pixels", pixels=width * height, limit=max_pixels)
                opened.verify()  # checksums and structure, without decoding
            file.seek(0)
            with Image.open(file, formats=[fmt]) as opened:
                for frame in ImageSequence.Iterator(opened):  # every frame of a GIF, WebP or multi-page TIFF
                    frame.load()
    except ContentInvalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ContentInvalid("image.too_many_pixels", pixels="过多", limit=max_pixels) from None
    except Exception:
        raise ContentInvalid("image.undecodable") from None


def png_end(view: Any) -> int:
    """The offset after the `IEND` chunk."""
    if view[:8] != b"\x89PNG\r\n\x1a\n":
        raise _Broken()
    pos = 8
    while pos + 12 <= len(view):
        length = int.from_bytes(view[pos : pos + 4], "big")
        kind = view[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    raise _Broken()


def jpeg_end(view: Any) -> int:
    """The offset after the last `EOI`: one JPEG, or several chained (a phone's MPF pictures, a gain map)."""
    pos = _one_jpeg_end(view, 0)
    while view[pos : pos + 2] == b"\xff\xd8":
        pos = _one_jpeg_end(view, pos)
    return pos


def _one_jpeg_end(view: Any, pos: int) -> int:
    if view[pos : pos + 2] != b"\xff\xd8":
        raise _Broken()
    pos += 2
    size = len(view)
    while pos + 2 <= size:
        if view[pos] != 0xFF:
            raise _Broken()
        marker = view[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        pos += 2 + int.from_bytes(view[pos + 2 : pos + 4], "big")
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is neither stuffing nor a restart
            while True:
                pos = view.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= size:
                    raise _Broken()
                following = view[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                elif following == 0xFF:
                    pos += 1
                else:
                    break
    raise _Broken()


def gif_end(view: Any) -> int:
    """The offset after the trailer (0x3B)."""
    if view[:6] not in (b"GIF87a", b"GIF89a"):
        raise _Broken()
    packed = view[10]
    pos = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    while pos < len(view):
        block = view[pos]
        if block == 0x3B:
            return pos + 1
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _sub_blocks(view, pos + 2)
        elif block == 0x2C:  # image descriptor, local colour table, LZW code size, sub-blocks
            local = view[pos + 9]
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            pos = _sub_blocks(view, pos + 1)
        else:
            raise _Broken()
    raise _Broken()


def _sub_blocks(view: Any, pos: int) -> int:
    while True:
        length = view[pos]
        pos += 1
        if length == 0:
            return pos
        pos += length


def riff_end(view: Any) -> int:
    """The offset after the RIFF chunks (WebP, WAV, AVI with its AVIX extensions), padded to even."""
    pos = 0
    while view[pos : pos + 4] == b"RIFF":
        size = int.from_bytes(view[pos + 4 : pos + 8], "little")
        pos += 8 + size + (size & 1)
    if pos == 0:
        raise _Broken()
    return min(pos, len(view)) if pos - len(view) == 1 else pos  # the pad byte of an odd last chunk may be absent


def bmp_end(view: Any) -> int:
    """The file size a BMP declares (0 when the writer left it out: then the whole file)."""
    declared = int.from_bytes(view[2:6], "little")
    return declared or len(view)
