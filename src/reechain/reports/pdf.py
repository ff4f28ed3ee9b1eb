"""An HTML report printed to an A4 PDF by Chromium's own print, driven through Playwright: the
system's Chromium (Debian's ``chromium``, or ``$REECHAIN_CHROMIUM``), never a downloaded browser,
and every request that leaves the report's own file blocked (the report is self-contained).

The charts are laid out for print first (``window.reechainPrintLayout()`` from
:mod:`reechain.reports.page`: Chromium's PDF export fires no ``beforeprint``), and the PDF is
written to a temporary file beside its target and renamed, so it is whole or absent."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

#: the environment variable that names the Chromium executable (else ``chromium`` on the PATH)
CHROMIUM_ENV = "REECHAIN_CHROMIUM"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage"]
#: Chromium refuses to start its sandbox as root: only then is it turned off
ROOT_ARGS = ["--no-sandbox"]
#: lay the charts out for A4 and let them redraw (two animation frames) before printing
PRINT_LAYOUT = """async () => {
  if (window.reechainPrintLayout) window.reechainPrintLayout();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


class PrintError(ReechainError):
    """The PDF cannot be printed: no Chromium, no Playwright, or the browser failed."""


def chromium() -> str:
    """The Chromium executable to print with (``$REECHAIN_CHROMIUM``, else ``chromium`` on the
    PATH); a :class:`PrintError` saying how to install it when there is none."""
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium")
    if not found:
        raise PrintError(
            f"no Chromium to print the PDF with: apt-get install chromium (or set {CHROMIUM_ENV})"
        )
    return found


def playwright() -> Any:
    """Playwright's ``sync_playwright``; a :class:`PrintError` when it is not installed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PrintError(
            "Playwright is not installed, so the PDF cannot be printed: pip install playwright "
            "(no browser download needed: Chromium comes from the system)"
        ) from None
    return sync_playwright


def check_printer() -> str:
    """Check that a PDF can be printed here (Playwright and Chromium); the executable."""
    playwright()
    return chromium()


def write_pdf(html_path: str | Path, pdf_path: str | Path | None = None) -> Path:
    """Print the HTML report at ``html_path`` to an A4 PDF at ``pdf_path`` (default: beside it,
    ending ``.pdf``) and return the PDF's path."""
    source = Path(html_path).resolve()
    target = Path(pdf_path) if pdf_path is not None else Path(html_path).with_suffix(".pdf")
    executable, sync_playwright = check_printer(), playwright()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with sync_playwright() as p:
            _print(p, executable, source.as_uri(), tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if type(exc).__module__.startswith("playwright"):
            raise PrintError(
                f"Chromium could not print {source.name}: {_first_line(exc)}"
            ) from None
        raise
    return target


def _print(p: Any, executable: str, url: str, out: Path) -> None:
    """Open ``url`` in a new headless Chromium with only that file reachable, lay it out for
    print and write its PDF to ``out``."""
    args = CHROMIUM_ARGS + (ROOT_ARGS if os.geteuid() == 0 else [])
    browser = p.chromium.launch(executable_path=executable, args=args)
    try:
        page = browser.new_page()
        page.route("**/*", lambda route: _only(route, url))
        page.goto(url, wait_until="load")
        page.evaluate(PRINT_LAYOUT)
        page.pdf(path=str(out), format="A4", print_background=True)
    finally:
        browser.close()


def _only(route: Any, url: str) -> None:
    """Let the report itself load; block every other request (nothing leaves the machine)."""
    if route.request.url == url:
        route.continue_()
    else:
        logger.info("blocked a request from the report: %s", route.request.url)
        route.abort()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
