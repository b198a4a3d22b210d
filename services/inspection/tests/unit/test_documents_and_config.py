"""The PDF printer (Chinese text readable back, the same content gives the same bytes) and the configured
result categories."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from inspection.adapters.documents import Line, render, sha256
from inspection.bootstrap import bootstrap
from inspection.domain.records import DEFAULT_CATEGORIES
from pypdf import PdfReader

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_text_and_credential_numbers_are_printed_and_read_back() -> None:
    pdf = render("抽查检查记录表", [Line("检查对象：杭州某某有限公司"), Line("执法证号：ZJ3301020001", indent=16)])
    printed = text_of(pdf)
    assert "抽查检查记录表" in printed and "杭州某某有限公司" in printed and "ZJ3301020001" in printed


def test_the_same_content_prints_the_same_bytes() -> None:
    lines = [Line("检查日期：2026年5月6日")]
    assert sha256(render("记录", lines)) == sha256(render("记录", lines))
    assert sha256(render("记录", lines)) != sha256(render("记录", [Line("检查日期：2026年5月7日")]))


def test_a_long_record_wraps_and_continues_on_a_second_page() -> None:
    pdf = render("记录", [Line("检查情况：" + "未签订书面劳动合同" * 40)] * 12)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert "未签订书面劳动合同" in reader.pages[-1].extract_text()


def test_the_shipped_config_lists_the_domain_categories_with_stable_codes() -> None:
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8").replace("${HRSS_INSPECTION_REMIND_BEFORE:5}", "5"))
    components = bootstrap(raw)
    assert components.categories == DEFAULT_CATEGORIES
    assert components.remind_before == 5
    assert components.is_problem(["no_problem", "corrected"]) and not components.is_problem(["no_problem", "closed"])


def test_a_category_list_with_a_repeated_code_fails_the_start() -> None:
    twice = {"INSPECTION": {"categories": [{"code": "a", "label": "甲"}, {"code": "a", "label": "乙"}]}}
    with pytest.raises(ValueError, match="unique"):
        bootstrap(twice)
