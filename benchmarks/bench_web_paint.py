"""First contentful paint and bytes on the wire, per dashboard page, with gzip off and on.

Run: ``python3 benchmarks/bench_web_paint.py [--runs N] [--no-throttle]``. Starts the app twice
on free local ports, in threads, ``create_app(compress=False)`` ("off": every answer as it is)
beside ``create_app(compress=True)`` ("on": plotly.js and the pages gzipped), and opens each
page in Debian's Chromium through Playwright (``REECHAIN_CHROMIUM`` names another), every
request leaving localhost blocked as in ``tests/test_web_browser.py``. Each visit is a new
browser context (a cold cache); the two servers alternate visit by visit so that a busy
machine slows both alike. Per visit it reads ``first-contentful-paint`` from the Performance
API and adds the ``transferSize`` of the document and of every resource it loaded (headers
included, bodies as sent). Profiles: localhost as it is, and a throttled link (Chromium's
network emulation: 10 Mbit/s down, 40 ms round trip). Prints medians and the off/on ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from reechain.data.dataset import Dataset
from reechain.web.app import create_app

PAGES = ("/", "/balance", "/scenario", "/ensembles", "/criticality", "/demand", "/docs")
PROFILES = {
    "localhost": None,
    "10 Mbit/s, 40 ms": {
        "latency": 40,
        "downloadThroughput": 10e6 / 8,
        "uploadThroughput": 5e6 / 8,
    },
}
VIEWPORT = {"width": 1440, "height": 900}
FCP_SCRIPT = """() => new Promise(done => {
  const seen = performance.getEntriesByName('first-contentful-paint');
  if (seen.length) return done(seen[0].startTime);
  new PerformanceObserver(list => done(list.getEntries()[0].startTime))
    .observe({type: 'paint', buffered: true});
})"""
BYTES_SCRIPT = """() => [...performance.getEntriesByType('navigation'),
  ...performance.getEntriesByType('resource')].reduce((n, e) => n + e.transferSize, 0)"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(ds: Dataset, compress: bool, store: Path) -> Iterator[str]:
    """The app on a free local port, in a thread, until the block ends; yields its address."""
    port = free_port()
    app = create_app(ds, store=store, compress=compress)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("uvicorn did not start within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def visit(browser: Browser, base: str, path: str, network: dict | None) -> tuple[float, int]:
    """One cold visit: first contentful paint [ms] and bytes transferred."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    page = context.new_page()
    if network:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **network})
    try:
        page.goto(base + path, wait_until="load", timeout=300_000)
        settle(page, path)
        return page.evaluate(FCP_SCRIPT), page.evaluate(BYTES_SCRIPT)
    finally:
        context.close()


def settle(page: Page, path: str) -> None:
    """Wait for what loads after the load event (Swagger UI's description of the API)."""
    if path == "/docs":
        page.wait_for_selector(".opblock", timeout=120_000)
        page.wait_for_load_state("networkidle")


def measure(browser: Browser, bases: dict[str, str], runs: int, network: dict | None) -> list:
    """Per page: the medians of ``runs`` visits to each server, the servers alternating."""
    rows = []
    for path in PAGES:
        seen: dict[str, list[tuple[float, int]]] = {name: [] for name in bases}
        for _ in range(runs):
            for name, base in bases.items():
                seen[name].append(visit(browser, base, path, network))
        rows.append((path, {n: _medians(v) for n, v in seen.items()}))
    return rows


def _medians(visits: list[tuple[float, int]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in visits), statistics.median(v[1] for v in visits)


def table(profile: str, rows: list) -> str:
    """The profile's rows: FCP and kB with gzip off and on, and the off/on ratios."""
    head = (
        f"{'profile':<17} {'page':<13} {'FCP off':>8} {'FCP on':>8} {'off/on':>7} "
        f"{'kB off':>8} {'kB on':>8} {'off/on':>7}"
    )
    lines = [head]
    for path, m in rows:
        (fcp_off, b_off), (fcp_on, b_on) = m["off"], m["on"]
        lines.append(
            f"{profile:<17} {path:<13} {fcp_off:>8.0f} {fcp_on:>8.0f} {fcp_off / fcp_on:>6.2f}x "
            f"{b_off / 1000:>8.0f} {b_on / 1000:>8.0f} {b_off / b_on:>6.2f}x"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold visits per page and server")
    parser.add_argument("--no-throttle", action="store_true", help="localhost only")
    args = parser.parse_args()
    chromium = os.environ.get("REECHAIN_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no Chromium: apt-get install chromium (or set REECHAIN_CHROMIUM)")
    profiles = {k: v for k, v in PROFILES.items() if v is None or not args.no_throttle}
    ds = Dataset.load()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        with (
            serving(ds, False, Path(tmp) / "off.duckdb") as off,
            serving(ds, True, Path(tmp) / "on.duckdb") as on,
        ):
            print(
                f"{args.runs} cold visits per page and server, medians; FCP in ms, kB transferred"
            )
            for profile, network in profiles.items():
                print(table(profile, measure(browser, {"off": off, "on": on}, args.runs, network)))
        browser.close()


if __name__ == "__main__":
    main()
