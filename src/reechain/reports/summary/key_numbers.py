"""The numbers of a scenario report's first page, read from the run beside its baseline, in one
record (:class:`Findings`). Everything here reads result tables; nothing solves a model."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.engine.scenario import ProjectEvent, Scenario
from reechain.reports.summary.prices import shadow_prices
from reechain.reports.summary.shares import bloc_shares, china_by_stage, project_shares
from reechain.reports.summary.shortfalls import (
    at_limit,
    demand_coverage,
    element_needs,
    surplus,
    unmet_magnets,
)


@dataclass(frozen=True)
class Findings:
    """The summary's numbers; baseline columns are NaN when no baseline was run.

    - ``years``: the years quoted (each project's first full year, and the horizon)
    - ``shares``: country, stage, year, scenario, baseline [fraction of world output]
    - ``stages``: stage, china, china_baseline [fraction], hhi, hhi_baseline [0-10,000], in
      the horizon
    - ``coverage``: region, year, magnets [t magnet], element, need, output [t oxide],
      coverage [multiple; NaN: unknown], why (the reason when unknown)
    - ``needs``: element, needed [t REO], surplus [t REO], multiple, multiple_baseline (China's
      shadow price over the observed price), in the horizon
    - ``surplus``: element, scenario, baseline [t REO], in the horizon
    - ``prices``: element, observed, shadow, shadow_baseline [USD/t oxide], China, horizon;
      observed is the base-year market price the run is calibrated on
    - ``unmet``: region, demand, scenario, baseline [t magnet], in the horizon
    - ``limits``: stage, region, capacity, unit: capacities fully used in the horizon
    - ``blocs``: bloc, year, with, without [fraction of world separation]
    """

    years: tuple[int, ...]
    shares: pd.DataFrame
    stages: pd.DataFrame
    coverage: pd.DataFrame
    needs: pd.DataFrame
    surplus: pd.DataFrame
    prices: pd.DataFrame
    unmet: pd.DataFrame
    limits: pd.DataFrame
    blocs: pd.DataFrame


def findings(res: ScenarioResult, base: ScenarioResult | None, ds: Dataset) -> Findings:
    """The summary's numbers for a run and its baseline (``None``: no baseline)."""
    years = key_years(res.scenario)
    last = res.scenario.horizon
    return Findings(
        years=years,
        shares=project_shares(res, base, years),
        stages=china_by_stage(res, base, last),
        coverage=demand_coverage(res, ds, last),
        needs=element_needs(res, base, last),
        surplus=surplus(res, base, last),
        prices=shadow_prices(res, base, last),
        unmet=unmet_magnets(res, base, last),
        limits=at_limit(res, last),
        blocs=bloc_shares(res, ds, years),
    )


def key_years(sc: Scenario) -> tuple[int, ...]:
    """The years the summary quotes [year]: each project's first year at full capacity (start
    plus ramp-up) within the horizon, and the horizon."""
    full = {
        ev.start + ev.ramp_up_years
        for ev in sc.events
        if isinstance(ev, ProjectEvent) and ev.start + ev.ramp_up_years < sc.horizon
    }
    return tuple(sorted(full | {sc.horizon}))
