"""One sample: apply its values, run the model, and reduce the results to summary rows.

Runs in worker processes (local pool or Dask). The dataset is loaded once per process.
Summary rows (long form: ``metric, stage, region, item, year, value``):

- ``share``: each region's share of world output per stage and year (TREO, REM, NdFeB);
- ``hhi``: per stage and year;
- ``unmet``: unmet demand per element, region and year [t], oxide + metal + the elements of
  the unmet magnets (by their recipe);
- ``surplus``: world surplus oxide per element and year [t REO];
- ``price``: shadow price (model dual, not a market price) of Pr, Nd, Tb, Dy oxide per region
  and year [USD/t].
"""

from __future__ import annotations

import logging
import time
from functools import cache
from pathlib import Path

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.model import ModelCache
from reechain.engine.run import run
from reechain.engine.scenario import Scenario
from reechain.ensemble.apply import apply

logger = logging.getLogger(__name__)

SUMMARY_COLUMNS = ["metric", "stage", "region", "item", "year", "value"]
STAGE_MATERIAL = {"mining": "TREO", "separation": "TREO", "metal": "REM", "magnet": "NdFeB"}
PRICE_ELEMENTS = ("Pr", "Nd", "Tb", "Dy")


# Built models by structure: samples that change only capacities, demand or caps skip the
# build and update bounds instead (same solution as a fresh build; tested).
_MODELS = ModelCache(size=8)


@cache
def _dataset(extra: str | None) -> Dataset:
    return Dataset.load(extra=extra)


def evaluate(
    scenario: dict,
    values: dict[str, float],
    targets: dict[str, str],
    extra: str | None = None,
    foresight: bool = False,
    keep: str | None = None,
) -> tuple[pd.DataFrame, float]:
    """Summary rows of one sample and the seconds it took. With ``keep`` (a file path) the
    sample's full flows are also written there as Parquet (written to a temporary name and
    renamed, so a file is complete or absent)."""
    start = time.perf_counter()
    ds = _dataset(extra)
    sc = apply(Scenario.model_validate(scenario), values, targets)
    res = run(sc, ds, foresight=foresight, cache=_MODELS, owners=False)
    if keep:
        target = Path(keep)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        res.flows.to_parquet(partial, index=False)
        partial.replace(target)
    return summarise(res), time.perf_counter() - start


def summarise(res) -> pd.DataFrame:
    frames = [_shares_and_hhi(res.flows)]
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


def _shares_and_hhi(flows: pd.DataFrame) -> pd.DataFrame:
    """Every region's share of world output and the HHI, per stage and year, in one pass.

    The model's flows carry a world row per stage, material and year, and every region is a
    named supplier, so this equals :func:`reechain.analysis.metrics.shares` and
    :func:`reechain.analysis.metrics.concentration` on them (tested) at a fraction of the cost."""
    wanted = pd.DataFrame(
        {"stage": list(STAGE_MATERIAL), "material": list(STAGE_MATERIAL.values())}
    )
    prod = flows[flows["destination"].isna()].merge(wanted, on=["stage", "material"])
    world = prod[prod["origin"] == "WLD"].set_index(["stage", "year"])["value"]
    parts = prod[prod["origin"] != "WLD"].copy()
    parts["share"] = (
        parts["value"].to_numpy()
        / world.reindex(pd.MultiIndex.from_frame(parts[["stage", "year"]])).to_numpy()
    )
    parts = parts[parts["share"].notna()]
    shares = pd.DataFrame(
        {
            "metric": "share",
            "stage": parts["stage"],
            "region": parts["origin"],
            "item": parts["material"],
            "year": parts["year"],
            "value": parts["share"],
        }
    )
    hhi = (
        parts.assign(sq=parts["share"] ** 2)
        .groupby(["stage", "material", "year"], as_index=False)["sq"]
        .sum()
    )
    hhi = pd.DataFrame(
        {
            "metric": "hhi",
            "stage": hhi["stage"],
            "region": "WLD",
            "item": hhi["material"],
            "year": hhi["year"],
            "value": 10_000 * hhi["sq"],
        }
    )
    return pd.concat([shares, hhi], ignore_index=True)


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
