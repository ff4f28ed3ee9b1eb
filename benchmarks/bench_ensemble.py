"""Ensemble throughput: samples per second of the Türkiye ensemble scenario with 1 and 2 local
worker processes and with a Dask local cluster of 1 and 2 workers, side by side in one run.

Each configuration runs the same ``n`` samples (same seed) into a fresh store; the time
includes starting the workers (reported apart) so the steady rate is visible too.

Run: ``python3 benchmarks/bench_ensemble.py [n]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from reechain import Dataset
from reechain.engine.scenario import Scenario
from reechain.ensemble.executors import DaskExecutor, LocalExecutor
from reechain.ensemble.runner import execute, start
from reechain.ensemble.store import Store

SCENARIO = Path(__file__).parents[1] / "examples" / "turkiye-beylikova-ensemble.yaml"


def measure(label: str, executor, n: int, ds: Dataset, sc: Scenario, folder: Path) -> float:
    store = Store(folder / f"{label.replace(' ', '-')}.duckdb")
    run_id = start(sc, ds, n, 1, store)
    stamps: list[float] = []
    t0 = time.perf_counter()
    execute(
        run_id, store, executor, progress=lambda done, total: stamps.append(time.perf_counter())
    )
    total = time.perf_counter() - t0
    first = stamps[1] - t0 if len(stamps) > 1 else float("nan")  # startup + first sample
    steady = (n - 1) / (stamps[-1] - stamps[1]) if len(stamps) > 2 else float("nan")
    print(
        f"{label:24s} {n} samples in {total:6.1f} s: {n / total:5.2f} samples/s overall, "
        f"{steady:5.2f} samples/s steady (first result after {first:4.1f} s)"
    )
    return steady


def main(n: int = 12) -> None:
    ds = Dataset.load()
    sc = Scenario.from_yaml(SCENARIO).check(ds)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rates = {
            "local, 1 worker": measure("local, 1 worker", LocalExecutor(1), n, ds, sc, folder),
            "local, 2 workers": measure("local, 2 workers", LocalExecutor(2), n, ds, sc, folder),
            "dask local, 1 worker": measure(
                "dask local, 1 worker", DaskExecutor(1), n, ds, sc, folder
            ),
            "dask local, 2 workers": measure(
                "dask local, 2 workers", DaskExecutor(2), n, ds, sc, folder
            ),
        }
    local = rates["local, 2 workers"] / rates["local, 1 worker"]
    dask = rates["dask local, 2 workers"] / rates["dask local, 1 worker"]
    print(f"speed-up with 2 workers: local x{local:.2f}, dask x{dask:.2f}")
    best = max(rates.values())
    print(f"1,000 samples at the best steady rate: {1000 / best / 60:.1f} min")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
