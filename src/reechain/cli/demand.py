"""``reechain demand``, ``reechain stocks`` and ``reechain crma``: magnet demand by end use,
region or element, the magnets in use with their end of life and recycling, and the EU's
Critical Raw Materials Act benchmarks of an importer, for the baseline or a scenario."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reechain.cli import common
from reechain.cli.common import DataOpt, Format, FormatOpt, app, emit, friendly, out

if TYPE_CHECKING:  # pragma: no cover
    from reechain.data.dataset import Dataset
    from reechain.engine.scenario import Scenario


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
    """The scenario of ``path`` (checked) or the baseline, with ``year`` in its horizon."""
    from reechain.analysis.demand import scenario_for

    return scenario_for(year, common.load_scenario(path, ds) if path else None)


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
    from reechain.analysis.demand import demand_table

    ds = common.load(data)
    sc = _scenario(scenario, ds, year)
    table = demand_table(ds, sc, year, by.value)
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
    from reechain.analysis.demand import stock_summary

    ds = common.load(data)
    sc = _scenario(scenario, ds, year)
    summary = stock_summary(ds, sc, year)
    emit(summary.table, fmt, title=f"Magnets in use, {year} ({sc.name})")
    if fmt is not Format.table:
        return
    out.print(
        f"recycled from end of life: {summary.flows['recycled']:,.0f} t/yr of magnet material; "
        f"swarf from magnet making: {summary.flows['swarf']:,.0f} t/yr",
        highlight=False,
    )
    rir = summary.eol_rir.reindex(["Nd", "Pr", "Dy", "Tb"]).dropna()
    out.print(
        "end-of-life recycling input rate: "
        + ", ".join(f"{element} {value:.2%}" for element, value in rir.items()),
        highlight=False,
    )
    if len(summary.unstocked):
        out.print(
            f"not stocked (no lifetime in the data): {', '.join(summary.unstocked.index)}, "
            f"{summary.unstocked.sum():,.0f} t into use this year; their stock and end of life "
            "are unknown, not zero",
            highlight=False,
        )
    for row in summary.provenance:
        out.print(f"{row['parameter']}: {row['value']} ({row['source_id']})", highlight=False)


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
    from reechain.analysis.crma import crma_of_scenario

    ds = common.load(data)
    sc = _scenario(scenario, ds, year)
    table = crma_of_scenario(ds, sc, importer, year)
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
