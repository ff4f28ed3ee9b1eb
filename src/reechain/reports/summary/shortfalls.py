"""What is short and what is left over: coverage of new demand by element, what unmet magnets
need, world surplus, unmet magnets by region and the capacities at their limit."""

from __future__ import annotations

import pandas as pd

from reechain.analysis import gaps, outcomes
from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.engine.scenario import DemandEvent
from reechain.reports.summary.scope import AT_LIMIT, MAGNET_ELEMENTS
from reechain.reports.summary.splits import borrowed_splits


def demand_coverage(res: ScenarioResult, ds: Dataset, year: int) -> pd.DataFrame:
    """The magnet elements of each demand event's region against the region's project output
    in ``year`` (see :func:`reechain.analysis.outcomes.demand_coverage`). An element the
    projects' ore splits don't itemise has coverage NaN with the reason: its output is not
    known, not zero."""
    columns = ["region", "year", "magnets", "element", "need", "output", "coverage", "why"]
    projects = outcomes.project_outputs(res, ds)
    cov = outcomes.demand_coverage(res, projects) if len(projects) else pd.DataFrame()
    if cov.empty or not (cov["year"] == year).any():
        return pd.DataFrame(columns=columns)
    splits = borrowed_splits(res.scenario, ds)
    rows = []
    for r in cov[cov["year"] == year].itertuples():
        local = splits[splits["country"] == r.region] if len(splits) else splits
        for e in MAGNET_ELEMENTS:
            why = _not_itemised(local, e)
            value = float("nan") if why else getattr(r, f"{e}_coverage")
            need = getattr(r, f"{e}_need_oxide_t")
            out = float("nan") if why else getattr(r, f"{e}_project_t")  # unknown, not 0 t
            rows.append((r.region, year, r.magnets_t, e, need, out, value, why))
    return pd.DataFrame(rows, columns=columns)


def _not_itemised(splits: pd.DataFrame, element: str) -> str:
    """Why a region's project output of ``element`` is unknown ('' when it is known)."""
    missing = [r for r in splits.itertuples() if element not in r.itemised]
    return "; ".join(f"not itemised in {r.project}'s ore split {r.composition}" for r in missing)


def element_needs(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """What the unmet magnets of ``year`` need per element (:func:`gaps.element_needs`), with
    the baseline's price multiple beside the scenario's."""
    needs = gaps.element_needs(res, year)
    other = gaps.element_needs(base, year) if base is not None else needs.iloc[0:0]
    multiple = other.set_index("element")["price_multiple"]
    return pd.DataFrame(
        {
            "element": needs["element"],
            "needed": needs["needed"],
            "surplus": needs["surplus"],
            "multiple": needs["price_multiple"],
            "multiple_baseline": needs["element"].map(multiple).astype(float),
        }
    )


def surplus(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """World surplus oxide per element in ``year`` [t REO], largest first."""
    now = _surplus(res, year)
    then = _surplus(base, year) if base is not None else pd.Series(dtype=float)
    out = pd.DataFrame({"scenario": now, "baseline": then}).fillna(
        {"scenario": 0.0, "baseline": 0.0 if base is not None else float("nan")}
    )
    out = out.rename_axis("element").reset_index()
    return out.sort_values("scenario", ascending=False, ignore_index=True)


def _surplus(res: ScenarioResult, year: int) -> pd.Series:
    s = outcomes.surplus_by_element(res)
    return s[s["year"] == year].groupby("element")["surplus"].sum()


def unmet_magnets(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """Magnet demand and unmet magnets of each demand event's region in ``year`` [t magnet]."""
    regions = sorted({ev.region for ev in res.scenario.events if isinstance(ev, DemandEvent)})
    net = res.inputs.network
    demand = net.demand.assign(quantity=net.demand_column("reference"))
    demand = demand[(demand["kind"] == "magnet") & (demand["year"] == year)]
    rows = [
        (
            r,
            float(demand.loc[demand["region"] == r, "quantity"].sum()),
            _unmet(res, r, year),
            _unmet(base, r, year) if base is not None else float("nan"),
        )
        for r in regions
    ]
    return pd.DataFrame(rows, columns=["region", "demand", "scenario", "baseline"])


def _unmet(res: ScenarioResult, region: str, year: int) -> float:
    u = res.unmet
    return float(
        u[(u["region"] == region) & (u["kind"] == "magnet") & (u["year"] == year)]["unmet"].sum()
    )


def at_limit(res: ScenarioResult, year: int) -> pd.DataFrame:
    """Capacities fully used in ``year`` (utilisation from :data:`AT_LIMIT`), largest first."""
    cu = res.capacity_use
    full = cu[(cu["year"] == year) & (cu["capacity"] > 0.5) & (cu["utilisation"] >= AT_LIMIT)]
    out = full[["stage", "region", "capacity", "unit"]].sort_values("capacity", ascending=False)
    return out.reset_index(drop=True)
