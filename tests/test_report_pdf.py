"""The scenario report printed to an A4 PDF by Chromium (Playwright, every outside request
blocked), read back with pypdf: the first page holds the executive summary and its caveats, the
page count is a report's, no 'nan' anywhere; the PDF is written whole (no temporary file left);
and without Chromium or Playwright the command says so in one line (exit 2) before solving."""

from __future__ import annotations

import re
import sys

import pytest

from reechain.reports import pdf
from reechain.reports.scenario import write_report
from reechain.reports.sections import SECTIONS

from conftest import TURKIYE

try:
    pdf.chromium()
    NO_CHROMIUM = ""
except pdf.PrintError as exc:
    NO_CHROMIUM = str(exc)
needs_chromium = pytest.mark.skipif(bool(NO_CHROMIUM), reason=NO_CHROMIUM)


def words(text: str) -> str:
    """A page's text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def printed(turkiye, turkiye_baseline, ds, tmp_path_factory):
    """The Türkiye report and its PDF, in a folder of their own."""
    if NO_CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("pdf")
    html = write_report(turkiye, ds, folder / "report.html", turkiye_baseline)
    return pdf.write_pdf(html)


@pytest.fixture(scope="module")
def pages(printed) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [words(page.extract_text()) for page in pypdf.PdfReader(printed).pages]


@pytest.mark.browser
@needs_chromium
def test_the_first_page_holds_the_summary_and_a_caveat(pages):
    first = pages[0]
    assert "Executive summary" in first and "The answers" in first
    assert first.index("Executive summary") < first.index("Caveats")
    assert "Beylikova's element split is borrowed from Mountain Pass" in first
    assert "unknown, not zero" in first


@pytest.mark.browser
@needs_chromium
def test_the_pdf_is_a_whole_readable_report(printed, pages):
    assert 10 <= len(pages) <= 80  # about 40 A4 pages: summary, tables, charts, sources
    text = " ".join(pages)
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    for title in SECTIONS.values():
        assert title.replace("Dy and Tb", "Dy") in text, title
    data = printed.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert sorted(p.name for p in printed.parent.iterdir()) == ["report.html", "report.pdf"]


@pytest.mark.parametrize("missing", ["chromium", "playwright"])
def test_without_a_printer_one_line_and_exit_2_before_solving(
    cli, reuse_turkiye, monkeypatch, tmp_path, missing
):
    if missing == "chromium":
        monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
        monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    else:
        monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    r = cli("report", TURKIYE, "--pdf", "--out", tmp_path / "report.html")
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    assert ("apt-get install chromium" if missing == "chromium" else "pip install playwright") in (
        r.output
    )
    assert reuse_turkiye == [] and not (tmp_path / "report.html").exists()
