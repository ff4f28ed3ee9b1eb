"""One sample: apply its values, run the model, and reduce the results to summary rows.

Runs in worker processes (local pool or Dask). The dataset is loaded once per process.
Summary rows (long form: ``metric, stage, region, item, year, value``):

- ``share``: each region's share of world output per stage and year (TREO, REM, NdFeB);
- ``hhi``: per stage and year;
- ``unmet``: unmet demand per element, region and year [t], oxide + metal + the elements of
  the unmet magnets (by their recipe);
- ``surplus``: world surplus oxide per element and year [t REO];
- ``price``: scarcity price of Pr, Nd, Tb, Dy oxide per region and year [USD/t].
"""

from __future__ import annotations

import logging
import time
from functools import cache

import pandas as pd

from .. import metrics
from ..dataset import Dataset
from ..engine.run import run
from ..scenario import Scenario
from .apply import apply

logger = logging.getLogger(__name__)

SUMMARY_COLUMNS = ["metric", "stage", "region", "item", "year", "value"]
STAGE_MATERIAL = {"mining": "TREO", "separation": "TREO", "metal": "REM", "magnet": "NdFeB"}
PRICE_ELEMENTS = ("Pr", "Nd", "Tb", "Dy")


@cache
def _dataset(extra: str | None) -> Dataset:
    return Dataset.load(extra=extra)


def evaluate(
    scenario: dict,
    values: dict[str, float],
    targets: dict[str, str],
    extra: str | None = None,
    foresight: bool = False,
) -> tuple[pd.DataFrame, float]:
    """Summary rows of one sample and the seconds it took."""
    start = time.perf_counter()
    ds = _dataset(extra)
    sc = apply(Scenario.model_validate(scenario), values, targets)
    res = run(sc, ds, foresight=foresight)
    return summarise(res), time.perf_counter() - start


def summarise(res) -> pd.DataFrame:
    frames = []
    for stage, material in STAGE_MATERIAL.items():
        s = metrics.shares(res.flows, stage, None, material=material)
        s = s[s["group"].notna() & s["share"].notna()]
        frames.append(
            pd.DataFrame(
                {
                    "metric": "share",
                    "stage": stage,
                    "region": s["group"],
                    "item": material,
                    "year": s["year"],
                    "value": s["share"],
                }
            )
        )
        c = metrics.concentration(metrics.shares(res.flows, stage, None, material=material))
        frames.append(
            pd.DataFrame(
                {
                    "metric": "hhi",
                    "stage": stage,
                    "region": "WLD",
                    "item": material,
                    "year": c["year"],
                    "value": c["hhi"],
                }
            )
        )
    frames.append(_unmet_elements(res))
    s = res.surplus.groupby(["year", "element"], as_index=False)["surplus"].sum()
    frames.append(
        pd.DataFrame(
            {
                "metric": "surplus",
                "stage": "separation",
                "region": "WLD",
                "item": s["element"],
                "year": s["year"],
                "value": s["surplus"],
            }
        )
    )
    p = res.prices[(res.prices["kind"] == "oxide") & res.prices["item"].isin(PRICE_ELEMENTS)]
    frames.append(
        pd.DataFrame(
            {
                "metric": "price",
                "stage": "separation",
                "region": p["region"],
                "item": p["item"],
                "year": p["year"],
                "value": p["price"],
            }
        )
    )
    out = pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS]
    out["year"] = out["year"].astype(int)
    return out


def _unmet_elements(res) -> pd.DataFrame:
    """Unmet demand in element terms [t]: oxide and metal as they are, magnets by recipe."""
    net = res.inputs.network
    u = res.unmet
    rows = []
    for r in u.itertuples():
        if r.kind in ("oxide", "metal"):
            rows.append((r.year, r.region, r.item, r.unmet))
            continue
        content = dict(net.recipe.loc[r.item])
        if net.prnd is not None:
            low, high = net.pr_share
            pr = (low + high) / 2
            content["Pr"] = float(net.prnd[r.item]) * pr
            content["Nd"] = float(net.prnd[r.item]) * (1 - pr)
        for element, share in content.items():
            if share > 0:
                rows.append((r.year, r.region, element, r.unmet * share))
    df = pd.DataFrame(rows, columns=["year", "region", "item", "value"])
    df = df.groupby(["year", "region", "item"], as_index=False)["value"].sum()
    df["metric"], df["stage"] = "unmet", "demand"
    return df
