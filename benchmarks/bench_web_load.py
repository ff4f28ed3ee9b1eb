"""The web service under concurrent clients: a bounded load test on localhost.

Run: ``python3 benchmarks/bench_web_load.py [clients] [requests]`` (default 50 clients, 1,000
requests). Starts ``reechain serve`` on a free local port (no API key), waits until it
answers, then sends the read routes a dashboard uses (shares, concentration, the EU
criticality table, the tables list, the overview page) from ``clients`` concurrent
connections, each request timed from send to the end of its body. Prints p50 and p99 per
route and overall, and stops the server. Nothing leaves the machine; every request has a
timeout, so the run is bounded.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

ROUTES = {
    "shares": ("/api/shares", {"stage": "mining", "year": 2024}),
    "concentration": ("/api/concentration", {"stage": "separation"}),
    "criticality (EU)": ("/api/criticality", {}),
    "tables": ("/api/tables", {}),
    "overview page": ("/", {}),
}
TIMEOUT = 60.0  # seconds per request: the run is bounded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "REECHAIN_API_KEY"}
    cmd = [sys.executable, "-m", "reechain.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/tables", timeout=2).raise_for_status()
            return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


async def load(base: str, clients: int, total: int) -> dict[str, list[float]]:
    """Latencies [s] per route of ``total`` requests over ``clients`` connections."""
    plan = list(itertools.islice(itertools.cycle(ROUTES), total))
    times: dict[str, list[float]] = {name: [] for name in ROUTES}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for name in plan:
        queue.put_nowait(name)
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                name = queue.get_nowait()
                path, params = ROUTES[name]
                start = time.perf_counter()
                r = await client.get(path, params=params)
                r.raise_for_status()
                times[name].append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return times


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(clients: int = 50, total: int = 1000) -> None:
    port = free_port()
    proc = start_server(port)
    try:
        start = time.perf_counter()
        times = asyncio.run(load(f"http://127.0.0.1:{port}", clients, total))
        wall = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    every = [t for ts in times.values() for t in ts]
    print(f"{total} requests from {clients} concurrent clients in {wall:.1f} s "
          f"({total / wall:.0f} requests/s)")  # fmt: skip
    print(f"{'route':<20} {'n':>5} {'p50 [ms]':>10} {'p99 [ms]':>10}")
    for name, ts in times.items():
        print(f"{name:<20} {len(ts):>5} {percentile(ts, 50) * 1000:>10.0f} "
              f"{percentile(ts, 99) * 1000:>10.0f}")  # fmt: skip
    print(f"{'all':<20} {len(every):>5} {percentile(every, 50) * 1000:>10.0f} "
          f"{percentile(every, 99) * 1000:>10.0f}")  # fmt: skip


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
