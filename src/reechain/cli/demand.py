"""``reechain demand`` and ``reechain stocks``: magnet demand by end use, region or element, and
the magnets in use, their end of life and recycling, for the baseline or a scenario."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reechain.cli import common
from reechain.cli.common import DataOpt, Format, FormatOpt, app, emit, friendly, out
from reechain.errors import ReechainError, UnknownNameError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from reechain.data.dataset import Dataset
    from reechain.engine.scenario import Scenario

BASE_YEAR = 2024  # the dataset's calibration year: the baseline's base year


class DemandBy(StrEnum):
    end_use = "end-use"
    region = "region"
    element = "element"


YearOpt = Annotated[int, typer.Option("--year", help="Year to show (history or projection).")]
ScenarioOpt = Annotated[
    Path | None,
    typer.Option("--scenario", help="Scenario YAML file (default: the baseline, no events)."),
]


def _scenario(path: Path | None, ds: Dataset, year: int) -> Scenario:
    """The scenario of ``path`` (checked), or the baseline to ``year``; ``year`` must lie
    within its horizon."""
    from reechain.engine.scenario import Scenario

    if path is None:
        horizon = max(year, BASE_YEAR)
        return Scenario.model_validate(
            {"name": "baseline", "base_year": BASE_YEAR, "horizon": horizon}
        )
    sc = common.load_scenario(path, ds)
    if year > sc.horizon:
        raise ReechainError(
            f"year {year} is after the scenario's horizon {sc.horizon}; give an earlier year "
            "or extend the horizon"
        )
    return sc


def _into_use(ds: Dataset, sc: Scenario, year: int) -> tuple[pd.DataFrame, object]:
    """Magnets entering use in ``year`` [t magnet] (region, end use, grade) and the inputs."""
    from reechain.engine.inputs.build import build_inputs

    inputs = build_inputs(ds, sc)
    rows = inputs.magnets_into_use
    part = rows[rows["year"] == year]
    if part.empty:
        first, last = int(rows["year"].min()), int(rows["year"].max())
        raise ReechainError(f"no magnet demand in {year}: the end uses' years are {first}-{last}")
    return part, inputs


@app.command()
@friendly
def demand(
    year: YearOpt,
    by: Annotated[DemandBy, typer.Option("--by", help="Group by end use, region or element.")] = (
        DemandBy.end_use
    ),
    scenario: ScenarioOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Magnet demand [t magnet; elements in t metal] in a year, by end use, region or element:
    the end uses follow their drivers (electric car sales, wind additions) or the IEA rate."""
    import pandas as pd

    from reechain.engine.inputs.context import Book
    from reechain.engine.inputs.processing import recipes

    ds = common.load(data)
    sc = _scenario(scenario, ds, year)
    part, _ = _into_use(ds, sc, year)
    if by is DemandBy.element:
        recipe = recipes(ds, Book(ds, sc.assumptions))
        metal = recipe.reindex(part["grade"]).to_numpy() * part["value"].to_numpy()[:, None]
        table = pd.DataFrame(metal, columns=recipe.columns).sum().rename("t metal")
        table = table.rename_axis("element").reset_index()
    else:
        key = "end_use" if by is DemandBy.end_use else "region"
        table = part.groupby(key, as_index=False)["value"].sum()
        table = table.rename(columns={"value": "t magnet"})
        table["share"] = table["t magnet"] / table["t magnet"].sum()
        table = table.sort_values("t magnet", ascending=False)
    kind = "history" if year < sc.base_year else f"{sc.name}, {sc.demand_outlook} drivers"
    emit(table, fmt, title=f"Magnet demand {year} by {by.value} ({kind})", percent=("share",))


@app.command()
@friendly
def stocks(
    year: YearOpt,
    scenario: ScenarioOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Magnets in use, entering use and reaching end of life in a year, by end use, with
    recycling and the end-of-life recycling input rate (a dynamic stock model on flodym)."""
    from reechain.engine.mfa.run import in_use_stocks

    ds = common.load(data)
    sc = _scenario(scenario, ds, year)
    _, inputs = _into_use(ds, sc, year)
    result = in_use_stocks(inputs, ds, sc)
    s = result.stocks[result.stocks["year"] == year]
    table = s.groupby(["end_use", "quantity"])["value"].sum().unstack("quantity")
    table = table[["stock", "inflow", "outflow"]].reset_index()
    table.columns = ["end use", "in use [t]", "into use [t/yr]", "end of life [t/yr]"]
    emit(table, fmt, title=f"Magnets in use, {year} ({sc.name})")
    if fmt is not Format.table:
        return
    flows = result.flows[result.flows["year"] == year].groupby("flow")["value"].sum()
    rir = result.eol_rir()
    rir = rir[(rir["year"] == year) & rir["element"].isin(["Nd", "Pr", "Dy", "Tb"])]
    out.print(
        f"recycled from end of life: {flows['recycled']:,.0f} t/yr of magnet material; "
        f"swarf from magnet making: {flows['swarf']:,.0f} t/yr",
        highlight=False,
    )
    out.print(
        "end-of-life recycling input rate: "
        + ", ".join(f"{r.element} {r.value:.2%}" for r in rir.itertuples()),
        highlight=False,
    )
    missing = result.unstocked[result.unstocked["year"] == year]
    if len(missing):
        uses = ", ".join(sorted(set(missing["end_use"])))
        out.print(
            f"not stocked (no lifetime in the data): {uses}, {missing['value'].sum():,.0f} t "
            "into use this year; their stock and end of life are unknown, not zero",
            highlight=False,
        )
    for row in result.provenance:
        out.print(f"{row['parameter']}: {row['value']} ({row['source_id']})", highlight=False)


def _with_importer(sc: Scenario, ds: Dataset, importer: str, year: int) -> tuple[Scenario, set]:
    """The scenario with the importer as a region of its own (a bloc: its members on 31
    December of ``year`` as one named region) and the run's regions that make it up."""
    if importer in sc.regions:
        return sc, {importer}
    blocs = set(ds.table("blocs")["bloc_id"])
    countries = set(ds.table("countries")["iso3"])
    if importer not in blocs | countries:
        raise UnknownNameError("country or bloc", importer, sorted(blocs | countries))
    if importer not in blocs:
        return sc, {importer}  # a country: a region of the run once it appears in events
    members = ds.bloc_members(importer, on=f"{year}-12-31")
    taken = {c for name, cs in sc.regions.items() for c in cs} & set(members)
    if taken:
        raise ReechainError(
            f"{importer}'s members {sorted(taken)} are already in another named region of the "
            "scenario; name that region as the importer instead"
        )
    regions = {**sc.regions, importer: members}
    return sc.model_copy(update={"regions": regions}), {importer}


@app.command()
@friendly
def crma(
    importer: Annotated[str, typer.Option("--importer", help="ISO3 code or bloc (EU27).")],
    year: YearOpt,
    scenario: ScenarioOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """EU Critical Raw Materials Act benchmarks for an importer from modelled flows:
    extraction, processing and recycling as shares of its consumption of the magnet rare
    earths (10 / 40 / 25 %) and the largest single third country per stage (65 %)."""
    from reechain.analysis.crma import consumption, crma_from_flows
    from reechain.engine.inputs.context import Book
    from reechain.engine.inputs.processing import recipes
    from reechain.engine.run import run

    ds = common.load(data)
    sc = _scenario(scenario, ds, year)
    if year < sc.base_year:
        raise ReechainError(f"year {year} is before the scenario's base year {sc.base_year}")
    sc, regions = _with_importer(sc, ds, importer, year)
    result = run(sc, ds)
    if not regions & set(result.inputs.network.regions):
        raise ReechainError(
            f"{importer} is not a region of this run: name it in the scenario's regions or use "
            "a bloc such as EU27"
        )
    recipe = recipes(ds, Book(ds, sc.assumptions))
    metal_per_oxide = ds.table("elements").set_index("symbol")["metal_per_oxide"]
    used = consumption(result.result.consumed, regions, year, recipe, metal_per_oxide)
    pools = result.inputs.pools
    scrap = pools[(pools["pool_type"] == "secondary") & pools["region"].isin(regions)]["pool"]
    out_ = result.result.pool_output
    secondary = float(out_[out_["deposit"].isin(scrap) & (out_["year"] == year)]["value"].sum())
    table = crma_from_flows(result.flows, used, secondary, regions, year, importer)
    title = f"CRMA benchmarks, {importer} {year} ({sc.name})"
    if fmt is not Format.table:
        emit(table, fmt, title=title)
        return
    shown = table.drop(columns=["importer", "year", "note"])
    emit(shown, fmt, title=title, percent=("value", "target"))
    for row in table.itertuples():
        out.print(f"{row.benchmark}: {row.note}", highlight=False)
    out.print(
        "Regulation (EU) 2024/1252, Art. 5(1): magnet rare earths (Pr, Nd, Dy, Tb), modelled "
        "flows; a planning result, not a forecast",
        highlight=False,
    )
