"""BACI import: DuckDB read-and-filter against a pandas read-and-filter baseline on the same
generated file of realistic size (a full BACI year has about ten million rows).

Run: ``python3 benchmarks/bench_trade_import.py [rows]`` (default 10,000,000; the file is
generated in a temporary folder first, which takes a while and is not timed).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reechain.data.importers.trade import REE_HS6, read_baci

CODES = [156, 276, 392, 410, 458, 699, 704, 792, 842]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """A BACI-shaped file: 5,000 HS6 codes (the rare earth ones among them), nine countries."""
    rng = np.random.default_rng(seed)
    products = np.array(
        [f"{c:06d}" for c in rng.choice(np.arange(10101, 970600), 4995, replace=False)]
        + list(REE_HS6)
    )
    chunk = 1_000_000
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("t,i,j,k,v,q\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            frame = pd.DataFrame(
                {
                    "t": 2022,
                    "i": rng.choice(CODES, n),
                    "j": rng.choice(CODES, n),
                    "k": rng.choice(products, n),
                    "v": np.round(rng.lognormal(3, 2, n), 3),
                    "q": np.round(rng.lognormal(2, 2, n), 3),
                }
            )
            q = frame["q"].astype(str)
            q[rng.random(n) < 0.05] = "NA"
            frame["q"] = q
            frame.to_csv(fh, header=False, index=False)
    codes = pd.DataFrame(
        {
            "country_code": CODES,
            "country_iso3": ["CHN", "DEU", "JPN", "KOR", "MYS", "IND", "VNM", "TUR", "USA"],
        }
    )
    codes.to_csv(path.parent / "country_codes_V1.csv", index=False)


def pandas_baseline(path: Path) -> int:
    df = pd.read_csv(path, dtype={"k": str}, na_values=["NA"])
    kept = df[df["k"].str.zfill(6).isin(list(REE_HS6))]
    return len(kept)


def main(rows: int = 10_000_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "BACI_HS17_Y2022_bench.csv"
        t0 = time.perf_counter()
        generate(path, rows)
        size = path.stat().st_size / 1e6
        print(f"generated {rows:,} rows ({size:,.0f} MB) in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        result = read_baci(path)
        duck = time.perf_counter() - t0
        t0 = time.perf_counter()
        kept = pandas_baseline(path)
        base = time.perf_counter() - t0
    print(f"DuckDB read + check + filter {duck:6.1f} s ({result.rows_kept:,} rare earth rows)")
    print(f"pandas read + filter         {base:6.1f} s ({kept:,} rows; no row checks)")
    print(f"DuckDB / pandas: x{duck / base:.2f} of the time ({base / duck:.1f}x faster)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
