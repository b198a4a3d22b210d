#!/usr/bin/env python
"""Benchmark: OCR of scanned A4 record forms (检查记录) for the archive search — pages per second through
`hrss.search.extract` (tesseract 5, `chi_sim`), beside baselines measured in the same run on the same pages.

A plain script, not a test: it prints figures and never fails on timing. Needs the Debian packages that
`infra/local/stack up` installs (tesseract-ocr, tesseract-ocr-chi-sim, poppler-utils, fonts-noto-cjk); no server.

    .venv/bin/python tests/perf/bench_ocr.py [--pages 20 --dpi 300]      # make bench-ocr

Pages are generated: a record form's seven lines (entity, item, findings, amounts, signatures) in Noto Sans CJK at
4.5 mm, grey, with speckle and a 0.4° tilt, each page with other names and figures, at `--dpi`. Rows, one run:

- render only: `pdftoppm` of a scanned PDF page to the PNG tesseract reads (the floor of the PDF road);
- OCR 1 thread: one page after the other, tesseract limited to one thread (the service's setting);
- OCR 2 threads: one page after the other, tesseract's OpenMP on two threads;
- OCR 2 workers × 1 thread: two pages at once, one thread each;
- PDF → text: a scanned (image-only) PDF through `Extractor.extract`: render, then OCR, one thread;
- psm 6 (one uniform block) instead of tesseract's default automatic segmentation (psm 3), one thread.

Beside the rate, how many pages gave back the findings line whole (用人单位未按时足额支付劳动者工资) and the
character accuracy over all lines (1 - edit distance / characters), so a faster setting that reads worse shows it.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hrss.search.extract import Extractor, OcrSettings
from hrss.testing.scans import scanned_page, scanned_pdf

PHRASE = "用人单位未按时足额支付劳动者工资"
NAMES = ("石家庄华建建筑工程有限公司", "唐山恒通物流有限公司", "保定瑞丰纺织有限公司", "邯郸嘉禾商贸有限公司")
DIGITS = "一二三四五六七八九"


def form(n: int) -> tuple[str, ...]:
    """The n-th record form: other entity, other count and amount."""
    return (
        "劳动保障监察检查记录",
        f"被检查单位：{NAMES[n % len(NAMES)]}",
        "检查事项：工资支付情况",
        f"检查发现：{PHRASE}",
        f"涉及劳动者{DIGITS[n % 9]}十名，拖欠工资共计{DIGITS[(n + 3) % 9]}万元",
        "处理意见：责令限期改正，逾期不改正的依法处理",
        "检查人员：张明  李华    被检查单位负责人签字：王强",
    )


def distance(a: str, b: str) -> int:
    """Levenshtein distance (characters)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def accuracy(expected: tuple[str, ...], text: str) -> float:
    truth = "".join(expected).replace(" ", "")
    read = "".join(text.split())
    return max(0.0, 1 - distance(truth, read) / len(truth))


def measure(name: str, pages: int, run: Callable[[], list[str]], forms: list[tuple[str, ...]]) -> dict[str, object]:
    started = time.perf_counter()
    texts = run()
    seconds = time.perf_counter() - started
    row: dict[str, object] = {"name": name, "seconds": seconds, "rate": pages / seconds}
    if texts:
        row["phrase"] = sum(PHRASE in t for t in texts)
        row["accuracy"] = sum(accuracy(f, t) for f, t in zip(forms, texts, strict=True)) / len(texts)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()
    forms = [form(n) for n in range(args.pages)]
    print(f"generating {args.pages} scanned A4 record forms at {args.dpi} dpi …", flush=True)
    pngs = [scanned_page(f, dpi=args.dpi) for f in forms]
    pdfs = [scanned_pdf([p], dpi=args.dpi) for p in pngs]
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"{version}; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")

    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as work:
        folder = Path(work)
        images = []
        for n, data in enumerate(pngs):
            images.append(folder / f"page{n}.png")
            images[-1].write_bytes(data)
        for n, data in enumerate(pdfs):
            (folder / f"page{n}.pdf").write_bytes(data)

        def ocr_with(settings: OcrSettings, workers: int = 1) -> Callable[[], list[str]]:
            extractor = Extractor(settings)

            def one(image: Path) -> str:
                text, failure = extractor.ocr(image)
                if failure:
                    raise RuntimeError(failure)
                return text

            def run() -> list[str]:
                with ThreadPoolExecutor(workers) as pool:  # each OCR is its own tesseract process
                    return list(pool.map(one, images))

            return run

        def render_only() -> list[str]:
            extractor = Extractor(OcrSettings(dpi=args.dpi))
            for n in range(args.pages):
                out, failure = extractor.render(folder / f"page{n}.pdf", 1, folder)
                if failure or out is None:
                    raise RuntimeError(failure)
                out.unlink()
            return []

        def pdf_to_text() -> list[str]:
            extractor = Extractor(OcrSettings(dpi=args.dpi))
            return [extractor.extract(data, "检查记录.pdf").text for data in pdfs]

        rows = [
            measure("render only (pdftoppm, no OCR)", args.pages, render_only, forms),
            measure("OCR 1 thread (service setting)", args.pages, ocr_with(OcrSettings(threads=1)), forms),
            measure("OCR 2 threads", args.pages, ocr_with(OcrSettings(threads=2)), forms),
            measure("OCR 2 workers x 1 thread", args.pages, ocr_with(OcrSettings(threads=1), workers=2), forms),
            measure("PDF -> text (render + OCR, 1 thread)", args.pages, pdf_to_text, forms),
            measure("OCR 1 thread, psm 6", args.pages, ocr_with(OcrSettings(threads=1, psm=6)), forms),
        ]
    print(f"\n{args.pages} pages, {args.dpi} dpi, chi_sim")
    print(f"{'setting':<40} {'pages/s':>8} {'s/page':>7} {'phrase':>7} {'char acc':>8}")
    for row in rows:
        rate = float(row["rate"])  # type: ignore[arg-type]
        phrase = f"{row['phrase']}/{args.pages}" if "phrase" in row else "-"
        acc = f"{float(row['accuracy']):.3f}" if "accuracy" in row else "-"  # type: ignore[arg-type]
        print(f"{row['name']:<40} {rate:>8.2f} {1 / rate:>7.2f} {phrase:>7} {acc:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
