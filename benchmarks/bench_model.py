"""The network model: where the time goes, measured side by side in one run.

Phases: building the inputs from the dataset, building the linopy model, handing it to HiGHS
and solving (HiGHS's own run time is the floor no modelling layer can beat), reading the
results back with the invariant checks, and the total. Each is printed with its ratio to
HiGHS's own time. Cases: the default scenario 2024-2035 (myopic and perfect foresight), the
examples, a control whose content is tracked through third countries, and a size sweep over
horizons (years) and regions (more named single-country regions). The examples' export-control
caps need a reference run (``engine.run``): here the network is solved as built, without them.

Run: ``python3 benchmarks/bench_model.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from reechain import Dataset
from reechain.engine.inputs import build_inputs
from reechain.engine.model import Solved, build
from reechain.engine.results import collect
from reechain.engine.scenario import Scenario

EXTRA_COUNTRIES = [
    "FRA",
    "GBR",
    "CAN",
    "EST",
    "SWE",
    "NOR",
    "ZAF",
    "TZA",
    "MWI",
    "GRL",
    "KAZ",
    "PHL",
    "LAO",
    "ARE",
    "SAU",
    "EGY",
    "IDN",
    "MEX",
]


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_CASES = [
    ("turkiye-beylikova (offtake)", EXAMPLES / "turkiye-beylikova.yaml"),
    ("china-export-controls-2025", EXAMPLES / "china-export-controls-2025.yaml"),
]
# A control on oxides and metals to one destination: its content is followed through third
# countries (engine.model.define_tracking), the largest structure a control adds.
DY_BAN_TO_JAPAN = {
    "type": "export_control",
    "actor": "CHN",
    "elements": ["Dy", "Tb"],
    "stages": ["separation", "metal"],
    "destinations": ["JPN"],
    "from": "2026-01-01",
    "ban": True,
}


def phases(ds: Dataset, sc: Scenario, foresight: bool) -> dict[str, float]:
    t0 = time.perf_counter()
    net = build_inputs(ds, sc).network
    t1 = time.perf_counter()
    m = build(net, foresight)
    t2 = time.perf_counter()
    m.solve(solver_name="highs", io_api="direct", output_flag=False)
    t3 = time.perf_counter()
    highs = float(m.solver_model.getRunTime())
    collect(Solved(net, m, foresight), "bench")
    t4 = time.perf_counter()
    return {
        "inputs": t1 - t0,
        "build": t2 - t1,
        "hand-off+solve": t3 - t2,
        "highs": highs,
        "results": t4 - t3,
        "total": t4 - t0,
        "variables": m.nvars,
        "constraints": m.ncons,
    }


def median_phases(ds: Dataset, sc: Scenario, foresight: bool, repeats: int) -> dict[str, float]:
    runs = [phases(ds, sc, foresight) for _ in range(repeats)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def show(label: str, p: dict[str, float]) -> None:
    floor = p["highs"]
    cells = "  ".join(
        f"{k} {p[k]:6.2f}s (x{p[k] / floor:5.1f})"
        for k in ("inputs", "build", "hand-off+solve", "results", "total")
    )
    print(f"{label:34s} vars {int(p['variables']):6d}  HiGHS {floor:5.2f}s  {cells}")


def main(repeats: int = 3) -> None:
    ds = Dataset.load()
    print(f"median of {repeats} runs; ratios are to HiGHS's own run time")
    default = Scenario.model_validate({"name": "default", "base_year": 2024, "horizon": 2035})
    show("default 2024-2035 myopic", median_phases(ds, default, False, repeats))
    show("default 2024-2035 foresight", median_phases(ds, default, True, repeats))
    for horizon in (2026, 2030, 2040):
        sc = Scenario.model_validate({"name": "s", "base_year": 2024, "horizon": horizon})
        show(f"years 2024-{horizon} myopic", median_phases(ds, sc, False, repeats))
    for label, path in EXAMPLE_CASES:
        sc = Scenario.from_yaml(path)
        show(label, median_phases(ds, sc, False, repeats))
    tracked = Scenario.model_validate(
        {
            "name": "Dy ban to Japan",
            "base_year": 2024,
            "horizon": 2035,
            "events": [DY_BAN_TO_JAPAN],
        }
    )
    show("Dy/Tb ban JPN, tracked 2024-2035", median_phases(ds, tracked, False, repeats))
    for extra in (6, 18):
        regions = {c: [c] for c in EXTRA_COUNTRIES[:extra]}
        sc = Scenario.model_validate(
            {"name": "s", "base_year": 2024, "horizon": 2035, "regions": regions}
        )
        show(f"+{extra} regions 2024-2035 myopic", median_phases(ds, sc, False, repeats))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
