"""Loading the embedded package: reading + typing vs running the data checks, side by side,
and a load from the validated copy in the cache folder (``reechain.data.cache``).

Run: ``python3 benchmarks/bench_load.py [repeats]``. Prints the median time of each phase and
its ratio to the read phase, so a slow check shows up as a ratio, not as a guess.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from reechain.analysis import metrics
from reechain.data import checks
from reechain.data.dataset import Dataset, _read_package
from reechain.data.flows import observed_flows
from reechain.data.schema import embedded_data_dir, embedded_schema


def timed(fn, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _load(cache: bool) -> Dataset:
    """Load with the cache off, or from a warm cache (the first call fills it)."""
    os.environ.pop("REECHAIN_NO_CACHE", None) if cache else os.environ.update(REECHAIN_NO_CACHE="1")
    return Dataset.load()


def main(repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory(prefix="reechain-bench-") as folder:
        os.environ["REECHAIN_CACHE_DIR"] = folder
        measure(repeats)


def measure(repeats: int) -> None:
    schema = embedded_schema()
    tables, _ = _read_package(schema, embedded_data_dir(), prefix="")
    ds = Dataset.load()
    flows = observed_flows(ds.production)
    phases = {
        "read + type the CSVs": lambda: _read_package(schema, embedded_data_dir(), prefix=""),
        "all data checks": lambda: checks.run_all(schema, tables),
        "Dataset.load(), no cache": lambda: _load(cache=False),
        "Dataset.load(), cached copy": lambda: _load(cache=True),
        "shares, mining 2015-2025": lambda: metrics.shares(flows, "mining", None),
        "concentration series": lambda: metrics.concentration(
            metrics.shares(flows, "mining", None)
        ),
    }
    times = {name: timed(fn, repeats) for name, fn in phases.items()}
    base = times["read + type the CSVs"]
    rows = sum(len(df) for df in tables.values())
    print(f"embedded package: {len(tables)} tables, {rows} rows; median of {repeats} runs")
    for name, t in times.items():
        print(f"{name:28s} {t * 1000:8.1f} ms   x{t / base:5.2f} of read")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
