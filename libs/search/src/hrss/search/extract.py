"""The text of a stored document, for indexing: PDF text layers (pypdf), DOCX paragraphs (zip + XML), plain text,
and scanned pages through OCR (Tesseract with the simplified-Chinese model `chi_sim`; a PDF page without a text
layer is rendered first with poppler's `pdftoppm`).

OCR is slow and can hang on a hostile image, so every page runs with a timeout and a page limit; a page that fails
is recorded in `Extracted.failures` with its reason, and whatever text the other pages gave is kept. Nothing here
raises for a document's content: a document that gives no text is an `Extracted` with status `failed` or
`unsupported`. The programs come from Debian (`tesseract-ocr`, `tesseract-ocr-chi-sim`, `poppler-utils`), installed
by `infra/local/lib/ocr.sh`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "tif", "tiff", "bmp", "gif", "webp"})
TEXT_EXTENSIONS = frozenset({"txt", "csv", "json", "xml"})
TIMED_OUT = frozenset({124, 137})  # coreutils timeout: TERM sent (124), or KILL after it (128 + 9)
MIN_LAYER_CHARACTERS = 8  # a PDF page with fewer non-blank characters in its text layer is treated as scanned
MAX_TEXT = 1_000_000  # characters kept per document: what a record form or a notice could hold, many times over
MAX_DOCX_XML = 50 * 1024 * 1024  # bytes of word/document.xml read at most (the upload checks bounded expansion)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TAGS = frozenset({f"{_W}t", f"{_W}tab"})
# Tesseract separates Han characters by spaces; a space between two CJK characters carries no meaning in Chinese
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


@dataclass(frozen=True)
class Extracted:
    """What a document gave: its text, how it was read, its page count and each page that failed (with why)."""

    text: str
    method: str  # pdf_text, pdf_ocr (some pages OCR'd), docx, text, ocr, none
    pages: int = 0
    failures: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """ok, partial (some pages failed), failed (nothing read, failures recorded) or unsupported (a format
        without text: audio, video, spreadsheets)."""
        if self.method == "none":
            return "failed" if self.failures else "unsupported"
        return "partial" if self.failures else "ok"


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read: the model, seconds per page, pages per document, render resolution, threads."""

    language: str = "chi_sim"
    page_timeout: float = 60.0
    max_pages: int = 50
    dpi: int = 300
    threads: int = 1  # OMP_THREAD_LIMIT of each tesseract run: a worker per page is the better use of CPUs
    psm: int = 3  # page segmentation: 3 fully automatic (tesseract's default)
    tesseract: str = "tesseract"
    pdftoppm: str = "pdftoppm"


class Extractor:
    """Extract the text of one document by its extension (the upload already checked the content matches it)."""

    def __init__(self, settings: OcrSettings | None = None) -> None:
        self.settings = settings or OcrSettings()

    @staticmethod
    def reads(filename: str) -> bool:
        """True for a format whose text can be extracted (the bytes are worth reading)."""
        extension = Path(filename).suffix.lower().lstrip(".")
        return extension in {"pdf", "docx"} | TEXT_EXTENSIONS | IMAGE_EXTENSIONS

    def extract(self, data: bytes, filename: str) -> Extracted:
        """The document's text; never raises for what the document holds."""
        extension = Path(filename).suffix.lower().lstrip(".")
        if extension == "pdf":
            return self._pdf(data)
        if extension == "docx":
            return _docx(data)
        if extension in TEXT_EXTENSIONS:
            return Extracted(_clip(data.decode("utf-8", errors="replace")), "text", 1)
        if extension in IMAGE_EXTENSIONS:
            with tempfile.TemporaryDirectory(prefix="hrss-ocr-") as work:
                image = Path(work) / f"page.{extension}"
                image.write_bytes(data)
                text, failure = self.ocr(image)
            if failure:
                return Extracted("", "none", 1, (f"第1页：{failure}",))
            return Extracted(_clip(text), "ocr", 1)
        return Extracted("", "none")

    def ocr(self, image: Path) -> tuple[str, str | None]:
        """One image through tesseract: (text, None), or ("", why it failed)."""
        s = self.settings
        command = [s.tesseract, str(image), "stdout", "-l", s.language, "--psm", str(s.psm)]
        command += ["-c", "preserve_interword_spaces=1"]
        environment = {**os.environ, "OMP_THREAD_LIMIT": str(s.threads)}
        done = self._run(command, environment)
        if done is None:
            return "", f"无法运行 {s.tesseract}"
        if done.returncode in TIMED_OUT:
            return "", f"识别超时（{s.page_timeout:g} 秒）"
        if done.returncode != 0:
            return "", f"识别失败：{done.stderr.decode('utf-8', 'replace').strip()[-200:]}"
        return normalize(done.stdout.decode("utf-8", "replace")), None

    def render(self, pdf: Path, page: int, into: Path) -> tuple[Path | None, str | None]:
        """One PDF page (1-based) as a grey image at the settings' resolution: (path, None) or (None, why not).

        PGM, not PNG: tesseract reads it as well, and compressing an A4 page at 300 dpi took longer than the OCR."""
        s = self.settings
        stem = into / f"p{page}"
        command = [s.pdftoppm, "-f", str(page), "-l", str(page), "-r", str(s.dpi), "-gray", "-singlefile"]
        done = self._run([*command, str(pdf), str(stem)], dict(os.environ))
        if done is None:
            return None, f"无法运行 {s.pdftoppm}"
        if done.returncode in TIMED_OUT:
            return None, f"渲染超时（{s.page_timeout:g} 秒）"
        out = stem.with_suffix(".pgm")
        if done.returncode != 0 or not out.exists():
            return None, f"渲染失败：{done.stderr.decode('utf-8', 'replace').strip()[-200:]}"
        return out, None

    def _run(self, command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[bytes] | None:
        """`command` under coreutils' `timeout` (TERM at the page timeout, KILL 5 s later), None if it cannot start.

        The time limit is `timeout`'s, not subprocess's: under eventlet (nameko) the green subprocess module raises
        a TimeoutExpired of the original module that an `except subprocess.TimeoutExpired` does not catch."""
        limit = ["timeout", "-k", "5", f"{self.settings.page_timeout:g}"]
        if shutil.which(command[0]) is None:
            return None
        try:
            return subprocess.run([*limit, *command], capture_output=True, env=environment, check=False)
        except OSError:
            return None

    def _pdf(self, data: bytes) -> Extracted:
        from pypdf import PdfReader  # imported on use: services that never read a PDF do not pay for it

        try:
            reader = PdfReader(BytesIO(data))
            count = len(reader.pages)
        except Exception as error:
            return Extracted("", "none", 0, (f"无法解析PDF：{type(error).__name__}",))
        texts: list[str] = []
        failures: list[str] = []
        scanned = 0
        with tempfile.TemporaryDirectory(prefix="hrss-ocr-") as work:
            source = Path(work) / "document.pdf"
            source.write_bytes(data)
            for number in range(1, count + 1):
                if number > self.settings.max_pages:
                    failures.append(f"第{number}页起未识别：超过每份文件 {self.settings.max_pages} 页的上限")
                    break
                try:
                    layer = reader.pages[number - 1].extract_text() or ""
                except Exception as error:
                    layer, failures = "", [*failures, f"第{number}页文字层无法读取：{type(error).__name__}"]
                if len(re.sub(r"\s", "", layer)) >= MIN_LAYER_CHARACTERS:
                    texts.append(normalize(layer))
                    continue
                scanned += 1
                image, failure = self.render(source, number, Path(work))
                if image is not None:
                    text, failure = self.ocr(image)
                    image.unlink(missing_ok=True)
                    texts.append(text)
                if failure:
                    failures.append(f"第{number}页：{failure}")
        text = _clip("\n".join(t for t in texts if t))
        if not text:
            return Extracted("", "none", count, tuple(failures))
        return Extracted(text, "pdf_ocr" if scanned else "pdf_text", count, tuple(failures))


def normalize(text: str) -> str:
    """Text as indexed: no spaces between CJK characters (OCR puts them there), blank lines collapsed."""
    lines = (_CJK_GAP.sub("", line).strip() for line in text.replace("\f", "\n").splitlines())
    return "\n".join(line for line in lines if line)


def _docx(data: bytes) -> Extracted:
    """The paragraphs of word/document.xml (tables included, each cell a paragraph), in document order."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML:
                return Extracted("", "none", 0, (f"正文过大（{info.file_size} 字节）",))
            root = ElementTree.fromstring(archive.read(info))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError) as error:
        return Extracted("", "none", 0, (f"无法读取DOCX：{type(error).__name__}",))
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        parts = [(n.text or "") if n.tag == f"{_W}t" else "\t" for n in paragraph.iter() if n.tag in _RUN_TAGS]
        paragraphs.append("".join(parts))
    return Extracted(_clip(normalize("\n".join(paragraphs))), "docx", 1)


def _clip(text: str) -> str:
    return text[:MAX_TEXT]
