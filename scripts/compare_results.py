"""Check that a refactor leaves the example scenarios' results unchanged.

Runs every example scenario (myopic with its baseline, and with perfect foresight) through the
CLI and compares each Parquet table of the run folders (production, trade, consumption, stocks,
unmet, surplus, prices, capacity_use, owner_flows, provenance) with the same run made from
another commit (a reference made before the typed tables holds flows.parquet and
pool_output.parquet, which runs no longer write: they show as missing):

    git stash; python3 scripts/compare_results.py make /tmp/ref; git stash pop
    python3 scripts/compare_results.py check /tmp/ref

Tables must be equal up to ``RTOL`` (relative) and ``ATOL`` [t] (HiGHS may end on another
vertex of the same optimum only if the LP changed, which a pure refactor must not do).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

EXAMPLES = Path(__file__).parents[1] / "examples"
SCENARIOS = ["turkiye-beylikova", "china-export-controls-2025", "myanmar-outage"]
RUNS = {"": [], "-fs": ["--foresight", "--no-baseline"]}
RTOL, ATOL = 1e-9, 1e-6


def make(folder: Path) -> None:
    """Run every example scenario into ``folder/<scenario><run>/``."""
    for name in SCENARIOS:
        for suffix, flags in RUNS.items():
            out = folder / f"{name}{suffix}"
            cmd = ["reechain", "run", str(EXAMPLES / f"{name}.yaml"), "-o", str(out), *flags]
            subprocess.run(cmd, check=True, capture_output=True)
            print(f"ran {name}{suffix}")


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def differences(ref: Path, new: Path) -> list[str]:
    """Each Parquet table of ``ref`` that ``new`` lacks or holds with other values."""
    problems = []
    for table in sorted(ref.rglob("*.parquet")):
        other = new / table.relative_to(ref)
        if not other.exists():
            problems.append(f"{other}: missing")
            continue
        a, b = pd.read_parquet(table), pd.read_parquet(other)
        try:
            pd.testing.assert_frame_equal(_sorted(a), _sorted(b), rtol=RTOL, atol=ATOL)
        except AssertionError as err:
            problems.append(f"{table.relative_to(ref)}: {str(err).splitlines()[0:4]}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"make", "check"}:
        print(__doc__)
        return 2
    folder = Path(argv[1])
    if argv[0] == "make":
        make(folder)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        make(Path(tmp))
        problems = differences(folder, Path(tmp))
    n = len(list(folder.rglob("*.parquet")))
    print("\n".join(problems) or f"all {n} tables identical")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
