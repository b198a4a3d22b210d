"""Text extraction of archive documents: a PDF's text layer, a DOCX, plain text, and scanned pages (a PNG, and a PDF
holding only that image) read by tesseract's chi_sim model; failures recorded per page, never raised."""

from __future__ import annotations

import pytest

from hrss.search.extract import Extracted, Extractor, OcrSettings, normalize
from hrss.testing.scans import RECORD_FORM, docx, scanned_page, scanned_pdf, text_pdf

PHRASE = "用人单位未按时足额支付劳动者工资"


@pytest.fixture(scope="module")
def page() -> bytes:
    return scanned_page(RECORD_FORM)


def test_a_pdf_text_layer_is_read_without_ocr() -> None:
    found = Extractor().extract(text_pdf(RECORD_FORM), "告知书.pdf")
    assert (found.method, found.status, found.pages) == ("pdf_text", "ok", 1)
    assert PHRASE in found.text and "石家庄华建建筑工程有限公司" in found.text


def test_a_docx_gives_its_paragraphs_in_order() -> None:
    found = Extractor().extract(docx(["第一段：工资台账", PHRASE]), "询问笔录.docx")
    assert (found.method, found.status, found.text) == ("docx", "ok", f"第一段：工资台账\n{PHRASE}")


def test_plain_text_is_kept_as_it_is() -> None:
    assert Extractor().extract(f"说明\n{PHRASE}".encode(), "说明.txt").text == f"说明\n{PHRASE}"


def test_a_scanned_page_is_read_by_ocr_and_its_phrase_found(page: bytes) -> None:
    found = Extractor().extract(page, "检查记录扫描件.png")
    assert (found.method, found.status, found.failures) == ("ocr", "ok", ())
    assert PHRASE in found.text
    assert " " not in found.text.split("\n")[0]  # tesseract's spaces between Han characters are gone


def test_a_pdf_page_without_text_layer_is_rendered_and_read_by_ocr(page: bytes) -> None:
    found = Extractor().extract(scanned_pdf([page]), "检查记录扫描件.pdf")
    assert (found.method, found.status, found.pages) == ("pdf_ocr", "ok", 1)
    assert PHRASE in found.text


def test_a_page_that_runs_out_of_time_is_recorded_as_failed_not_lost(page: bytes) -> None:
    found = Extractor(OcrSettings(page_timeout=0.01)).extract(page, "扫描件.png")
    assert (found.method, found.status, found.text) == ("none", "failed", "")
    assert found.failures == ("第1页：识别超时（0.01 秒）",)


def test_pages_beyond_the_limit_are_recorded_and_the_others_kept(page: bytes) -> None:
    two = scanned_pdf([scanned_page(["第一页：工资支付台账"]), page])
    found = Extractor(OcrSettings(max_pages=1)).extract(two, "两页.pdf")
    assert found.status == "partial" and "工资支付台账" in found.text and PHRASE not in found.text
    assert found.failures == ("第2页起未识别：超过每份文件 1 页的上限",)


def test_a_missing_program_is_a_recorded_failure(page: bytes) -> None:
    found = Extractor(OcrSettings(tesseract="/nonexistent/tesseract")).extract(page, "扫描件.jpg")
    assert found.status == "failed" and found.failures == ("第1页：无法运行 /nonexistent/tesseract",)


def test_a_broken_pdf_or_docx_and_a_format_without_text() -> None:
    assert Extractor().extract(b"%PDF-1.4 broken", "坏.pdf").status == "failed"
    assert Extractor().extract(b"PK\x03\x04broken", "坏.docx").status == "failed"
    assert Extractor().extract(b"ID3", "录音.mp3") == Extracted("", "none")
    assert Extractor().extract(b"ID3", "录音.mp3").status == "unsupported"
    assert not Extractor.reads("录音.mp3") and Extractor.reads("扫描件.JPG")


def test_normalize_drops_spaces_between_han_characters_only() -> None:
    assert normalize("用 人 单 位  Zhang San\n\n\f 工 资") == "用人单位  Zhang San\n工资"
