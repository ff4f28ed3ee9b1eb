"""Whole-process start-up of the CLI: each command as a new Python process, side by side.

Run: ``python3 benchmarks/bench_cli.py [-n 7] [--src SRC] [--before OLD_SRC]``.

Each command runs as ``python3 -m reechain.cli ...`` with ``PYTHONPATH=SRC`` (default: this
checkout's ``src``), with a cold data cache (a new empty ``REECHAIN_CACHE_DIR`` for every run) and
with a warm one (filled once beforehand). ``python3 -c "import reechain"`` is the reference that
every time is divided by. With ``--before`` (e.g. the ``src`` of a ``git worktree add /tmp/before
<commit>`` checkout) the same commands run from that tree too, interleaved run by run with the
current tree so that a busy machine slows both alike, and the last column is before / after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "turkiye-beylikova.yaml"
REFERENCE = "python3 -c 'import reechain'"
COMMANDS: dict[str, list[str]] = {
    REFERENCE: ["-c", "import reechain"],
    "reechain --help": ["-m", "reechain.cli", "--help"],
    "reechain validate examples/turkiye-beylikova.yaml": [
        "-m",
        "reechain.cli",
        "validate",
        str(SCENARIO),
    ],
    "reechain shares --stage mining --year 2024": [
        "-m",
        "reechain.cli",
        "shares",
        "--stage",
        "mining",
        "--year",
        "2024",
    ],
    "reechain data show elements": ["-m", "reechain.cli", "data", "show", "elements"],
}
USES_DATA = {
    "reechain validate examples/turkiye-beylikova.yaml",
    "reechain shares --stage mining --year 2024",
    "reechain data show elements",
}


def run_once(args: list[str], src: Path, cache: Path) -> float:
    """Seconds for one whole process (start to exit); fails loudly on a non-zero exit."""
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "REECHAIN_CACHE_DIR": str(cache),
        "COLUMNS": "120",
    }
    env.pop("REECHAIN_NO_CACHE", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{args} from {src} exited {done.returncode}:\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=7, help="runs of each command (default 7)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="tree to measure")
    parser.add_argument("--before", type=Path, help="an older tree's src to measure beside it")
    opts = parser.parse_args()
    trees = {"after": opts.src.resolve()}
    if opts.before:
        trees = {"before": opts.before.resolve(), **trees}
    for name, src in trees.items():  # an editable install would answer for a missing tree
        where = subprocess.run(
            [sys.executable, "-c", "import reechain; print(reechain.__file__)"],
            env={**os.environ, "PYTHONPATH": str(src)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(where).is_relative_to(src):
            raise SystemExit(f"{name}: PYTHONPATH={src} imports reechain from {where}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        warm = {}
        for name, src in trees.items():  # fill each tree's cache once
            warm[name] = scratch / f"warm-{name}"
            run_once(COMMANDS["reechain data show elements"], src, warm[name])
        cases = [
            (label, cache)
            for label in COMMANDS
            for cache in (("cold", "warm") if label in USES_DATA else ("-",))
        ]
        times: dict[tuple[str, str, str], list[float]] = {}
        for i in range(opts.n):
            for label, cache in cases:
                for name, src in trees.items():
                    folder = warm[name] if cache == "warm" else scratch / f"cold-{name}-{i}"
                    times.setdefault((name, label, cache), []).append(
                        run_once(COMMANDS[label], src, folder)
                    )
                    if cache != "warm":
                        shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"{opts.n} runs each, whole processes; best [median] in seconds; "
        f"x = ratio to {REFERENCE!s} of the same tree (best)"
    )
    for name, src in trees.items():
        print(f"{name}: PYTHONPATH={src}")
    header = f"{'command':52s} {'cache':5s}"
    for name in trees:
        header += f" {name + ' best [median]':>20s} {'x ref':>6s}"
    if len(trees) == 2:
        header += f" {'before/after':>12s}"
    print(header)
    for label, cache in cases:
        line = f"{label:52s} {cache:5s}"
        best = {}
        for name in trees:
            runs = times[(name, label, cache)]
            best[name] = min(runs)
            ref = min(times[(name, REFERENCE, "-")])
            line += f" {best[name]:9.3f} [{statistics.median(runs):6.3f}]  {best[name] / ref:5.1f}"
        if len(trees) == 2:
            line += f" {best['before'] / best['after']:11.2f}x"
        print(line)


if __name__ == "__main__":
    main()
