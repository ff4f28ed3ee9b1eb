"""Loading the embedded package: reading + typing vs running the data checks, side by side.

Run: ``python3 benchmarks/bench_load.py [repeats]``. Prints the median time of each phase and
its ratio to the read phase, so a slow check shows up as a ratio, not as a guess.
"""

from __future__ import annotations

import statistics
import sys
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


def main(repeats: int = 5) -> None:
    schema = embedded_schema()
    tables, _ = _read_package(schema, embedded_data_dir(), prefix="")
    ds = Dataset.load()
    flows = observed_flows(ds.production)
    phases = {
        "read + type 20 CSVs": lambda: _read_package(schema, embedded_data_dir(), prefix=""),
        "all data checks": lambda: checks.run_all(schema, tables),
        "Dataset.load() total": Dataset.load,
        "shares, mining 2015-2025": lambda: metrics.shares(flows, "mining", None),
        "concentration series": lambda: metrics.concentration(
            metrics.shares(flows, "mining", None)
        ),
    }
    times = {name: timed(fn, repeats) for name, fn in phases.items()}
    base = times["read + type 20 CSVs"]
    rows = sum(len(df) for df in tables.values())
    print(f"embedded package: {len(tables)} tables, {rows} rows; median of {repeats} runs")
    for name, t in times.items():
        print(f"{name:28s} {t * 1000:8.1f} ms   x{t / base:5.2f} of read")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
