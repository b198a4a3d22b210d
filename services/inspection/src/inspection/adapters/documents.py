"""Printable documents (PDF): the prior notice (检查告知书) and the inspection record (检查记录表).

reportlab's built-in CID font STSong-Light prints Chinese without embedding a font file; `invariant=1` makes
the same content give the same bytes, so a record's SHA-256 can be checked by printing it again.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from inspection.domain.documents import sha256

__all__ = ["Line", "cn_date", "render", "sha256"]

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


@dataclass(frozen=True)
class Line:
    text: str
    size: int = 11
    indent: int = 0
    align: str = "left"  # left | right | center


def _wrap(text: str, width: float, size: int) -> list[str]:
    """Break `text` so that each piece fits `width` points (CJK text has no spaces to break on)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for ch in paragraph:
            if pdfmetrics.stringWidth(current + ch, FONT, size) > width:
                out.append(current)
                current = ch
            else:
                current += ch
        out.append(current)
    return out


def render(title: str, lines: Iterable[Line], heading: str | None = None) -> bytes:
    """A simple A4 document: the issuing body's heading and the title centred, then wrapped lines, paginated."""
    font = _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    width, height = A4
    margin = 56
    y = height - margin
    if heading:
        pdf.setFont(font, 18)
        pdf.drawCentredString(width / 2, y, heading)
        y -= 30
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, y, title)
    y -= 32
    for line in lines:
        for piece in _wrap(line.text, width - 2 * margin - line.indent, line.size):
            if y < margin:
                pdf.showPage()
                y = height - margin
            pdf.setFont(font, line.size)
            if line.align == "right":
                pdf.drawRightString(width - margin - line.indent, y, piece)
            elif line.align == "center":
                pdf.drawCentredString(width / 2, y, piece)
            else:
                pdf.drawString(margin + line.indent, y, piece)
            y -= line.size + 7
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def cn_date(d: date | None) -> str:
    return "—" if d is None else f"{d.year}年{d.month}月{d.day}日"
