"""Scanned pages as an office's scanner makes them, built for tests and benchmarks: Chinese text drawn with a Noto
CJK font (Debian `fonts-noto-cjk`, installed by `infra/local/lib/ocr.sh`) into a grey A4 image, as PNG or as a PDF
that holds only that image (no text layer); and, beside them, a PDF with a text layer and a DOCX."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
A4_MM = (210, 297)

# a record form (检查记录) as an inspector fills it in: what the benchmark and the journey scan
RECORD_FORM = (
    "劳动保障监察检查记录",
    "被检查单位：石家庄华建建筑工程有限公司",
    "检查事项：工资支付情况",
    "检查发现：用人单位未按时足额支付劳动者工资",
    "涉及劳动者十二名，拖欠工资共计一万二千元",
    "处理意见：责令限期改正，逾期不改正的依法处理",
    "检查人员：张明  李华    被检查单位负责人签字：王强",
)


def cjk_font_path() -> str:
    """The first Noto CJK font installed; a clear error naming the Debian package when none is."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise RuntimeError("no Noto CJK font: install the Debian package fonts-noto-cjk (infra/local/lib/ocr.sh)")


def scanned_page(lines: Sequence[str] = RECORD_FORM, *, dpi: int = 300, noise: bool = True) -> bytes:
    """A grey A4 page at `dpi` with `lines` written down it (4 mm characters), as a scanner's PNG; `noise` adds a
    faint speckle and a slight tilt, as paper through a scanner does."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    page = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(cjk_font_path(), size=round(4.5 / 25.4 * dpi))
    margin, step = round(20 / 25.4 * dpi), round(10 / 25.4 * dpi)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * step), line, fill=20, font=font)
    if noise:
        import random

        rng = random.Random(len(lines))
        for _ in range(width * height // 2000):
            draw.point((rng.randrange(width), rng.randrange(height)), fill=rng.randrange(120, 200))
        page = page.rotate(0.4, fillcolor=250, resample=Image.Resampling.BILINEAR)
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def scanned_pdf(pages: Sequence[bytes], *, dpi: int = 300) -> bytes:
    """A PDF of scanned pages (PNG bytes each): images only, no text layer, as a scanner files them."""
    from PIL import Image

    images = [Image.open(io.BytesIO(p)).convert("L") for p in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out.getvalue()


def text_pdf(lines: Sequence[str]) -> bytes:
    """A PDF with a text layer, as the platform prints its notices (reportlab, the CID font STSong-Light)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setFont("STSong-Light", 12)
    for number, line in enumerate(lines):
        pdf.drawString(72, A4[1] - 72 - 20 * number, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def docx(paragraphs: Sequence[str]) -> bytes:
    """A minimal DOCX (the parts Word needs to open it) holding `paragraphs`."""
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{ns}"><w:body>{body}'
            "</w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()
