"""The web service's memory while scenario jobs finish: resident set size after each job.

Run: ``python3 benchmarks/bench_web_memory.py [jobs]`` (default 10). Submits the Türkiye
example as a job again and again through FastAPI's in-process client (the server keeps the
last 20 finished jobs) and prints the process's RSS [MB] after each, read from
``/proc/self/status``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from reechain.data.dataset import Dataset
from reechain.web.app import create_app

EXAMPLE = Path(__file__).parents[1] / "examples" / "turkiye-beylikova.yaml"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(jobs: int = 10) -> None:
    client = TestClient(create_app(Dataset.load(), store="/nonexistent/runs.duckdb"))
    text = EXAMPLE.read_text(encoding="utf-8")
    print(f"start: {rss_mb():,.0f} MB")
    for i in range(jobs):
        job = client.post("/api/runs", json={"yaml": text}).json()["id"]
        while client.get(f"/api/runs/{job}").json()["status"] not in ("done", "failed"):
            time.sleep(0.05)
        client.get(f"/api/runs/{job}/result").raise_for_status()
        print(f"after job {i + 1}: {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
