"""The web service: what a request costs, side by side with the model run a scenario job waits on.

Run: ``python3 benchmarks/bench_web.py [repeats]``. Requests go through FastAPI's in-process
client (no network), so the times are the app's own: routing, validation, analytics, HTML and
JSON encoding. Prints the median of each and its ratio to one JSON shares query.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench_load import timed  # the sibling benchmark's median timer
from fastapi.testclient import TestClient

from reechain.data.dataset import Dataset
from reechain.web import pages
from reechain.web.app import create_app

EXAMPLE = Path(__file__).parents[1] / "examples" / "turkiye-beylikova.yaml"


def scenario_job(client: TestClient, text: str) -> None:
    job = client.post("/api/runs", json={"yaml": text}).json()["id"]
    while client.get(f"/api/runs/{job}").json()["status"] not in ("done", "failed"):
        time.sleep(0.02)
    client.get(f"/api/runs/{job}/result").raise_for_status()


def main(repeats: int = 5) -> None:
    ds = Dataset.load()
    client = TestClient(create_app(ds, store="/nonexistent/runs.duckdb"))
    text = EXAMPLE.read_text(encoding="utf-8")
    requests = {
        "GET /api/shares (mining 2024)": lambda: client.get(
            "/api/shares", params={"stage": "mining", "year": 2024}
        ),
        "GET /api/concentration (separation)": lambda: client.get(
            "/api/concentration", params={"stage": "separation"}
        ),
        "POST /api/scenarios/validate": lambda: client.post(
            "/api/scenarios/validate", json={"yaml": text}
        ),
        "overview page, first build (4 charts)": lambda: pages.overview(ds),
        "GET / (overview page, built once)": lambda: client.get("/"),
        "GET /criticality (page, built once)": lambda: client.get("/criticality"),
        "criticality page, first build": lambda: pages.criticality(ds),
        "GET /api/criticality/summary (all)": lambda: client.get("/api/criticality/summary"),
        "GET /api/criticality/summary (Dy)": lambda: client.get(
            "/api/criticality/summary", params={"material": "Dy"}
        ),
        "GET /api/criticality/geopolrisk (2023)": lambda: client.get("/api/criticality/geopolrisk"),
        "scenario job (run + baseline + payload)": lambda: scenario_job(client, text),
    }
    times = {}
    for name, fn in requests.items():
        fn()  # warm
        times[name] = timed(fn, repeats if "job" not in name else max(1, repeats // 2))
    base = times["GET /api/shares (mining 2024)"]
    print(f"{'request':42} {'median [ms]':>12} {'x shares query':>15}")
    for name, t in times.items():
        print(f"{name:42} {t * 1000:12.1f} {t / base:15.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
