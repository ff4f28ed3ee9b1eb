"""Shares of world output: every year in one call vs one call per year, side by side.

Run: ``python3 benchmarks/bench_shares.py [repeats]``. For each stage and material of the
observed data (by country and by bloc) and for a scenario run's flows, times
``metrics.shares`` over all years at once and the same years asked one by one, and prints
the medians and their ratio. The results are the same either way (a property test in
``tests/test_metrics.py`` checks it); the ratio is what computing all years in one group-by
saves.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench_load import timed  # the sibling benchmark's median timer

from reechain import metrics
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.engine.run import run
from reechain.engine.scenario import Scenario

EXAMPLE = Path(__file__).parents[1] / "examples" / "turkiye-beylikova.yaml"
BLOCS = ("BRICS", "G7", "EU27", "MSP")


def main(repeats: int = 3) -> None:
    ds = Dataset.load()
    observed = observed_flows(ds.table("production"))
    groups = {b: ds.bloc_members(b, on="2024-12-31") for b in BLOCS}
    result = run(Scenario.from_yaml(EXAMPLE).check(ds), ds, owners=False)
    cases = []
    for name, flows, extra in (
        ("observed, by country", observed, {}),
        ("observed, by bloc", observed, {"by": "group", "groups": groups}),
        ("scenario run, by country", result.flows, {"denominator": "sum"}),
    ):
        combos = flows.loc[flows["destination"].isna(), ["stage", "material"]].drop_duplicates()
        calls = [
            (flows, stage, material, sorted(set(flows.loc[flows["stage"] == stage, "year"])), extra)
            for stage, material in combos.itertuples(index=False)
        ]
        cases.append((name, calls))
    print(
        f"{'flows':26} {'calls':>6} {'all years [ms]':>15} {'year by year [ms]':>18} {'ratio':>6}"
    )
    for name, calls in cases:

        def together(calls=calls):
            for flows, stage, material, _, extra in calls:
                metrics.shares(flows, stage, None, material=material, **extra)

        def one_by_one(calls=calls):
            for flows, stage, material, years, extra in calls:
                for year in years:
                    metrics.shares(flows, stage, year, material=material, **extra)

        t_all, t_each = timed(together, repeats), timed(one_by_one, repeats)
        print(
            f"{name:26} {len(calls):6d} {t_all * 1000:15.1f} {t_each * 1000:18.1f}"
            f" {t_each / t_all:6.1f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
