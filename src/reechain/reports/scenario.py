"""The HTML report of a scenario run beside its no-event baseline: an executive summary written
from the results (:mod:`reechain.reports.summary`), then what changes by stage (key figures, the
Sankey of flows, shares and HHI), the heavy rare earths, prices (market beside shadow), uncertainty,
methods and assumptions, provenance and the scenario's text (:mod:`reechain.reports.sections`).
Self-contained (Plotly inlined); the key figures and charts are shared with the web pages."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from reechain.analysis import gaps, outcomes
from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.engine.tables import balance_summary, result_tables, supply_summary
from reechain.reports import plot
from reechain.reports.ensemble import ensemble_figures
from reechain.reports.ensemble_run import StoredEnsemble
from reechain.reports.page import figure_sections, write_page
from reechain.reports.sections import (
    changes_html,
    contents_html,
    heavy_html,
    methods_html,
    prices_html,
    provenance_html,
    scenario_html,
)
from reechain.reports.summary import summary_html
from reechain.reports.summary.key_numbers import findings
from reechain.reports.summary.prices import BOUND_PRICES
from reechain.reports.summary.scope import MAGNET_ELEMENTS
from reechain.reports.summary.splits import borrowed_splits
from reechain.reports.tables import MISSING, MISSING_NOTE, Column, is_missing, percent, text, tonnes
from reechain.reports.tables import table_html as format_table
from reechain.reports.uncertainty import uncertainty_html

logger = logging.getLogger(__name__)

UNKNOWN = "unknown"


def key_figures(
    res: ScenarioResult, base: ScenarioResult | None, ds: Dataset
) -> dict[str, pd.DataFrame]:
    """The tables a reader asks for first (see each key's title in :data:`TITLES`)."""
    out: dict[str, pd.DataFrame] = {}
    sep = outcomes.country_shares(res, "separation")
    project_countries = sorted(
        {ev.country for ev in res.scenario.events if getattr(ev, "type", "") == "project"}
    )
    focus = set(project_countries) | {"CHN"}
    table = sep[sep["group"].isin(focus)].pivot_table(index="year", columns="group", values="share")
    if base is not None:
        b = outcomes.country_shares(base, "separation")
        b = b[b["group"] == "CHN"].set_index("year")["share"].rename("CHN (baseline)")
        table = table.join(b)
    conc = outcomes.stage_concentration(res)
    hhi = conc[conc["stage"] == "separation"].set_index("year")["hhi"].rename("HHI")
    table = table.join(hhi)
    if base is not None:
        bconc = outcomes.stage_concentration(base)
        table = table.join(
            bconc[bconc["stage"] == "separation"].set_index("year")["hhi"].rename("HHI (baseline)")
        )
    out["separation"] = table.reset_index()
    typed = result_tables(res.result)
    out["supply"] = supply_summary(typed["production"])
    projects = outcomes.project_outputs(res, ds)
    if len(projects):
        out["projects"] = projects
        cov = outcomes.demand_coverage(res, projects)
        if len(cov):
            out["coverage"] = cov
    surplus = outcomes.surplus_by_element(res)
    if len(surplus):
        out["surplus"] = surplus.pivot_table(
            index="year", columns="element", values="surplus"
        ).reset_index()
    blocs = {ev.bloc for ev in res.scenario.events if getattr(ev, "type", "") == "bloc_membership"}
    frames = [outcomes.bloc_shares(res, ds, "separation", b) for b in sorted(blocs)]
    if frames:
        bl = pd.concat(frames)
        out["blocs"] = bl.pivot_table(index="year", columns="group", values="share").reset_index()
    if not res.inputs.owners.empty:
        ov = outcomes.ownership_vs_location(res)
        owners = set(res.inputs.owners["owner"])
        out["ownership"] = ov[ov["group"].isin(owners)]
    if base is not None:
        risk = magnet_supply_risk(res, base, ds)
        if len(risk):
            out["supply_risk"] = risk
    out["balance"] = balance_summary(typed["unmet"], typed["surplus"], res.scenario.horizon)
    needs = gaps.element_needs(res, res.scenario.horizon)
    if (needs["needed"] > 0.5).any():
        out["needs"] = needs
    built = gaps.capacity_built(res, res.scenario.horizon)
    if len(built):
        out["built"] = built
    unmet = outcomes.unmet_by_region(res)
    if len(unmet):
        out["unmet"] = unmet.pivot_table(
            index=["region", "kind", "item"], columns="year", values="unmet", aggfunc="sum"
        ).reset_index()
    return out


def magnet_supply_risk(res: ScenarioResult, base: ScenarioResult, ds: Dataset) -> pd.DataFrame:
    """GeoPolRisk of the magnet supply of the regions the scenario's events name, in its last
    year, beside the baseline's (see :mod:`reechain.analysis.criticality.gpr_flows`)."""
    from reechain.analysis.criticality import geopolrisk_runs
    from reechain.analysis.criticality.summary import with_spans

    named = {
        getattr(ev, f)
        for ev in res.scenario.events
        for f in ("country", "region")
        if isinstance(getattr(ev, f, None), str)
    }
    flows = res.flows
    regions = set(flows["origin"].dropna()) | set(flows["destination"].dropna())
    importers = sorted((named & regions) - {"ROW"})
    if not importers:
        return pd.DataFrame()
    runs = {"scenario": flows, "baseline": base.flows}
    table = geopolrisk_runs(ds, runs, res.scenario.horizon, "magnet", "NdFeB", importers)
    view = with_spans(
        table, {"GeoPolRisk (0-1)": ("score_low", "score_high")}, ["importer", "run", "year"]
    )
    view["magnet imports [t]"] = table["imports"].round(0)
    view["own magnets [t]"] = table["domestic"].round(0)
    return view


TITLES = {
    "separation": "Separation: shares of world output (TREO), the project countries and China, "
    "with the HHI; baseline = the same years without the scenario's events",
    "supply": "Magnets [t magnet, all grades] and separated Pr+Nd, Dy and Tb oxide [t REO]: "
    "world output and China's share",
    "projects": "Projects: oxide output by element and by-products [t/yr] (by-products scaled "
    "from the deposit's planned plant)",
    "coverage": "Demand events: their magnets' Nd, Pr, Dy, Tb needs [t oxide] against the "
    "projects' output in the same region (coverage = output / need)",
    "surplus": "Surplus oxide by element [t REO/yr]: separated but with no buyer (the balance "
    "problem)",
    "blocs": "Blocs: share of world separation, members as in the data vs with the scenario's "
    "joiners",
    "ownership": "Owners: share of world separation by location and by ownership",
    "supply_risk": "Supply risk of the scenario's regions' magnets in its last year (GeoPolRisk, "
    "0-1, from the model's flows: concentration of magnet making x political instability of "
    "each supplier x share of supply imported), against the baseline",
    "balance": "Unmet demand and surplus in the last year, per form and material, each in its "
    "unit (t magnet, t metal, t REO; never added across forms)",
    "needs": "What the last year's unmet magnets would need, per element [t REO], beside the "
    "element's surplus and its shadow price in China as a multiple of the observed base-year "
    "price: an element needed, not in surplus and dear is what is short (a mine or separation "
    "gap; the model builds plants, not mines)",
    "built": "Capacity the model built beyond the data's, the pipeline's and the projects' in "
    "the last year [t/yr] and its yearly cost [USD] (capital cost annualised): the capacity "
    "the scenario would need",
    "unmet": "Unmet demand by region and material [t/yr: oxide in t REO, metal in t metal, "
    "magnets in t magnet]",
}


def _is_percent(key: str, column: str) -> bool:
    """Which columns of the key-figure tables are shares (printed as %)."""
    column = str(column)
    if key in ("separation", "blocs"):
        return column != "year" and not column.startswith("HHI")
    if key == "supply":
        return column != "year" and not column.endswith("_t")
    return column.endswith("coverage") or column.startswith("share")


def table_html(key: str, df: pd.DataFrame) -> str:
    """A key-figure table as HTML: shares in %, tonnes with thousands separators."""
    fmt = df.copy()
    for c in fmt.columns:
        if pd.api.types.is_float_dtype(fmt[c]):
            pct = _is_percent(key, c)
            if c == "price_multiple":
                fmt[c] = fmt[c].map(lambda v: "–" if pd.isna(v) else f"{v:.1f}x")
                continue
            fmt[c] = fmt[c].map(
                lambda v, p=pct: "–" if pd.isna(v) else f"{v:.1%}" if p else f"{v:,.0f}"
            )
        elif fmt[c].dtype == object:
            fmt[c] = fmt[c].where(fmt[c].notna(), "–")
    return fmt.to_html(index=False, border=0, escape=True)


#: key figures the report shows under "What changes, by stage" (supply and coverage go to the
#: heavy rare earths too; needs are in the summary and the heavy rare earths)
REPORT_KEYS = ("separation", "supply", "projects", "coverage", "surplus", "blocs", "ownership",
               "supply_risk", "balance", "built", "unmet")  # fmt: skip
#: the model's result tables: no row is zero (a model's flows are complete)
ZERO_WHEN_ABSENT = ("surplus", "unmet")


def report_tables(
    tables: Mapping[str, pd.DataFrame], res: ScenarioResult, ds: Dataset
) -> list[tuple[str, str]]:
    """The key figures as (title, HTML) for the report: human headers with units, projects'
    elements their ore split does not itemise 'unknown' (never 0 t), coverage by element."""
    splits = borrowed_splits(res.scenario, ds)
    out = []
    for key in REPORT_KEYS:
        if key not in tables:
            continue
        df = tables[key].rename(columns=str)
        if key in ZERO_WHEN_ABSENT:
            df = df.fillna(0.0)
        if key == "projects":
            df = unknown_elements(df, splits)
        if key == "coverage":
            df = coverage_view(df, splits)
        out.append((TITLES[key], report_table(key, df)))
    return out


def unknown_elements(projects: pd.DataFrame, splits: pd.DataFrame) -> pd.DataFrame:
    """Project output with 'unknown' for the elements its ore split does not itemise."""
    out = projects.astype({c: object for c in projects.columns if c.endswith("_t")})
    for r in splits.itertuples():
        rows = out["project"] == r.project
        for column in out.columns:
            element = column.removesuffix("_t")
            if element in MAGNET_ELEMENTS and element not in r.itemised:
                out.loc[rows, column] = UNKNOWN
    return out


def coverage_view(cov: pd.DataFrame, splits: pd.DataFrame) -> pd.DataFrame:
    """Coverage by region and year: magnets [t] and each element's coverage [x need],
    'unknown' where the region's projects' ore splits don't itemise the element."""
    out = cov[["region", "year", "magnets_t"]].copy()
    for e in MAGNET_ELEMENTS:
        values = cov[f"{e}_coverage"].astype(object)
        local = splits[~splits["itemised"].map(lambda items, e=e: e in items)]
        hidden = cov["region"].isin(local["country"])
        out[f"{e}_coverage"] = values.where(~hidden, UNKNOWN)
    return out


def report_table(key: str, df: pd.DataFrame) -> str:
    """A key-figure table for the report (:mod:`reechain.reports.tables`: '–' when missing)."""
    columns = {
        c: Column(_header(key, c), _formatter(key, c), numeric=c not in TEXT_COLUMNS)
        for c in df.columns
    }
    return format_table(df, columns, NOTES.get(key, MISSING_NOTE))


NOTES = {"balance": "–: magnets have no surplus in the model (not applicable), never zero."}
TEXT_COLUMNS = ("year", "region", "project", "group", "element", "stage", "kind", "item", "unit",
                "importer", "run", "form", "material")  # fmt: skip


def _formatter(key: str, column: str):
    """How a key-figure column is shown: text, %, a multiple or tonnes; a text cell (such as
    'unknown') as it is."""
    if column == "year":
        return _year
    if column in TEXT_COLUMNS:
        return text
    if column.endswith(("coverage", "multiple")):
        number = _one_decimal
    elif _is_percent(key, column):
        number = _percent_of_fraction
    else:
        number = tonnes
    return lambda v: v if isinstance(v, str) else MISSING if is_missing(v) else number(v)


def _year(value: object) -> str:
    return MISSING if is_missing(value) else str(int(float(value)))


def _percent_of_fraction(value: object) -> str:
    return percent(100 * float(value))


def _one_decimal(value: object) -> str:
    return f"{float(value):,.1f}"


def _header(key: str, column: str) -> str:
    """A human header with its unit: 'Pr_coverage' is 'Pr coverage [× need]'."""
    column = str(column)
    if column in TEXT_COLUMNS:
        return column
    words = column.removesuffix("_t").replace("_", " ")
    if column.endswith("coverage"):
        return f"{words} [× need]"
    if column.endswith("multiple"):
        return f"{words} [× observed]"
    if _is_percent(key, column):
        return f"{words} [%]"
    return f"{words} [t]" if column.endswith("_t") else words


def scenario_figures(
    res: ScenarioResult,
    base: ScenarioResult | None = None,
    names: Mapping[str, str] | None = None,
) -> list:
    """The scenario's charts, shared by the report and the web page: the Sankey of the last
    year, shares of separation and magnets, HHI against the baseline, surplus by element and
    shadow prices (model duals, not market prices). Countries in their own colours, named by
    ``names`` (ISO3 -> name, :func:`reechain.reports.plot.country_names`)."""
    figs = []
    last = res.scenario.horizon
    figs.append(plot.sankey(res.flows, last, names=names))
    for stage, mat in (("separation", "TREO"), ("magnet", "NdFeB")):
        shares = outcomes.country_shares(res, stage, mat).rename(columns={"group": "country"})
        top = shares.groupby("country")["share"].max().nlargest(6).index
        figs.append(
            plot.lines(
                shares[shares["country"].isin(top)],
                "year",
                "share",
                "country",
                f"{stage.capitalize()}: shares of world output",
                "share [%]",
                percent=True,
                names=names,
            )
        )
    conc = outcomes.stage_concentration(res).assign(run="scenario")
    if base is not None:
        conc = pd.concat([conc, outcomes.stage_concentration(base).assign(run="baseline")])
    figs.append(
        plot.lines(
            conc,
            "year",
            "hhi",
            "stage",
            "HHI by stage: scenario (solid) and baseline (dashed)",
            "HHI (0-10,000)",
            dash="run",
            solid="scenario",
        )
    )
    surplus = outcomes.surplus_by_element(res)
    if len(surplus):
        figs.append(
            plot.stacked_bars(
                surplus,
                "year",
                "surplus",
                "element",
                "Surplus oxide by element (the balance problem)",
                "t REO",
            )
        )
    p = res.prices[
        (res.prices["kind"] == "oxide") & res.prices["item"].isin(["Nd", "Pr", "Dy", "Tb"])
    ]
    p = p.assign(bound=p["set_by"].map(BOUND_PRICES)) if "set_by" in p else p.assign(bound=None)
    figs.append(
        plot.lines(
            p[p["region"].isin(["CHN", "JPN", "USA", "DEU"])],
            "year",
            "price",
            "item",
            "Shadow price (model dual, not a market price) of magnet oxides [USD/t REO]: the "
            "cost of one more tonne delivered; China solid, others dashed (one dash per region); "
            "x: a bound set by an assumption (surplus floor, choke), not an estimate",
            "shadow price [USD/t REO]",
            dash="region",
            solid="CHN",
            names=names,
            note="bound",
        )
    )
    return figs


def write_report(
    res: ScenarioResult,
    ds: Dataset,
    path: str | Path,
    base: ScenarioResult | None = None,
    ensemble: StoredEnsemble | None = None,
) -> Path:
    """Write the scenario's report to ``path``: the executive summary, a table of contents and
    the sections of :data:`reechain.reports.sections.SECTIONS` in order; the uncertainty
    section shows ``ensemble`` (an ensemble of the same scenario,
    :func:`reechain.reports.ensemble_run.read_ensemble`) when one is given."""
    sc = res.scenario
    names = plot.country_names(ds.table("countries"))
    found = findings(res, base, ds)
    figs = scenario_figures(res, base, names)
    fans = ensemble_figures(_ensemble_tables(ensemble), names) if ensemble is not None else []
    charts = figure_sections([*figs, *fans])  # plotly.js inlined once, in the first
    charts, fan_charts = charts[: len(figs)], charts[len(figs) :]
    tables = key_figures(res, base, ds)
    years = list(found.years)
    parts = [
        f"<header><h1>{html.escape(sc.name)}</h1><p>{html.escape(sc.description)}</p></header>",
        summary_html(res, base, ds, names, found),
        contents_html(),
        changes_html(found, report_tables(tables, res, ds), charts[:-1]),
        heavy_html(found, tables["supply"], [sc.base_year, *years]),
        prices_html(res, base, years, charts[-1]),
        uncertainty_html(ensemble, found, names, fan_charts),
        methods_html(res),
        provenance_html(res, ds),
        scenario_html(sc),
    ]
    return write_page(path, f"{sc.name}: reechain report", parts)


def _ensemble_tables(ensemble: StoredEnsemble) -> dict[str, pd.DataFrame]:
    """The tables :func:`reechain.reports.ensemble.ensemble_figures` draws."""
    return {"percentiles": ensemble.percentiles, "deficit": ensemble.deficit}
