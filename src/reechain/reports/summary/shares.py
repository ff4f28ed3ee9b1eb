"""Who holds each stage: the shares of the countries the scenario builds in, China's share
and the HHI per stage, and the blocs a country joins, scenario beside baseline."""

from __future__ import annotations

import pandas as pd

from reechain.analysis import outcomes
from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.engine.scenario import BlocMembershipEvent, ProjectEvent
from reechain.reports.summary.scope import STAGE_MATERIAL


def share(res: ScenarioResult | None, stage: str, country: str, year: int) -> float:
    """A country's share of world output of ``stage`` in ``year`` [fraction]; 0 where the run
    has no output of it (a model's flows are complete); NaN without a run."""
    if res is None:
        return float("nan")
    s = outcomes.country_shares(res, stage, STAGE_MATERIAL[stage])
    row = s[(s["group"] == country) & (s["year"] == year)]
    return float(row["share"].sum())


def project_shares(
    res: ScenarioResult, base: ScenarioResult | None, years: tuple[int, ...]
) -> pd.DataFrame:
    """The shares of the countries the scenario's projects stand in, at their stage."""
    events = res.scenario.events
    places = sorted({(ev.country, ev.stage) for ev in events if isinstance(ev, ProjectEvent)})
    rows = [
        (c, st, y, share(res, st, c, y), share(base, st, c, y)) for c, st in places for y in years
    ]
    return pd.DataFrame(rows, columns=["country", "stage", "year", "scenario", "baseline"])


def china_by_stage(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """China's share and the HHI of each stage in ``year``, scenario and baseline."""
    hhi = _hhi(res, year)
    hhi_base = _hhi(base, year) if base is not None else {}
    rows = [
        (
            st,
            share(res, st, "CHN", year),
            share(base, st, "CHN", year),
            hhi.get(st, float("nan")),
            hhi_base.get(st, float("nan")),
        )
        for st in STAGE_MATERIAL
    ]
    return pd.DataFrame(rows, columns=["stage", "china", "china_baseline", "hhi", "hhi_baseline"])


def _hhi(res: ScenarioResult, year: int) -> dict[str, float]:
    conc = outcomes.stage_concentration(res)
    return conc[conc["year"] == year].set_index("stage")["hhi"].astype(float).to_dict()


def bloc_shares(res: ScenarioResult, ds: Dataset, years: tuple[int, ...]) -> pd.DataFrame:
    """The share of world separation of each bloc a country joins in the scenario, with and
    without the joiners [fraction]."""
    blocs = sorted({ev.bloc for ev in res.scenario.events if isinstance(ev, BlocMembershipEvent)})
    rows = []
    for bloc in blocs:
        b = outcomes.bloc_shares(res, ds, "separation", bloc)
        for y in years:
            part = b[b["year"] == y].set_index("group")["share"]
            rows.append(
                (
                    bloc,
                    y,
                    float(part.get(f"{bloc} with scenario joiners", float("nan"))),
                    float(part.get(f"{bloc} (data)", float("nan"))),
                )
            )
    return pd.DataFrame(rows, columns=["bloc", "year", "with", "without"])
