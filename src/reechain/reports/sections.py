"""The scenario report's sections after its summary, each a ``<section>`` with an id for the
table of contents: the heavy rare earths, prices (market beside shadow), uncertainty, methods
and assumptions, provenance and the scenario's text (the uncertainty section is
:mod:`reechain.reports.uncertainty`'s). Tables go through
:mod:`reechain.reports.tables`: a missing value is '–' or 'unknown' with why, never 0 or NaN."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import yaml

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.engine.scenario import Scenario
from reechain.errors import ReechainError
from reechain.reports.summary.key_numbers import Findings
from reechain.reports.summary.prices import (
    BOUND_PRICES,
    china_setters,
    china_shadow,
    observed_prices,
)
from reechain.reports.summary.stamp import scenario_hash
from reechain.reports.summary.wording import usd_per_kg
from reechain.reports.tables import MISSING, Column, is_missing, percent, table_html, text

#: the report's sections in order: id -> heading
SECTIONS = {
    "summary": "Executive summary",
    "changes": "What changes, by stage",
    "heavy": "The heavy rare earths: Dy and Tb",
    "prices": "Prices: market and shadow",
    "uncertainty": "Uncertainty",
    "methods": "Methods and assumptions",
    "provenance": "Provenance",
    "scenario": "The scenario",
}


def section(key: str, body: str) -> str:
    """A report section with its id and heading (:data:`SECTIONS`)."""
    return f"<section id='{key}'><h2>{html.escape(SECTIONS[key])}</h2>{body}</section>"


def contents_html() -> str:
    """The table of contents: a link to each section after the summary."""
    items = "".join(
        f"<li><a href='#{key}'>{html.escape(title)}</a></li>"
        for key, title in SECTIONS.items()
        if key != "summary"
    )
    return f"<nav class='toc' aria-label='Contents'><h2>Contents</h2><ol>{items}</ol></nav>"


def wrap(table: str) -> str:
    """A table in a box that scrolls sideways on its own on a narrow screen (never the page)."""
    return f"<div class='table'>{table}</div>"


# -- what changes, by stage --------------------------------------------------------------------

STAGE_COLUMNS = {
    "stage": Column("stage", text, numeric=False),
    "china": Column("China's share [%]", lambda v: percent(100 * v)),
    "china_baseline": Column("baseline [%]", lambda v: percent(100 * v)),
    "hhi": Column("HHI [0-10,000]"),
    "hhi_baseline": Column("baseline HHI [0-10,000]"),
}


def changes_html(f: Findings, tables: Sequence[tuple[str, str]], charts: Sequence[str]) -> str:
    """What changes, by stage: China's share and the HHI per stage in the horizon, the key
    figure tables (title, HTML) and the charts (HTML)."""
    head = (
        f"<h3>China's share of world output and the HHI in {f.years[-1]}, scenario and "
        "baseline (the same years without the scenario's events)</h3>"
        + wrap(table_html(f.stages, STAGE_COLUMNS))
    )
    body = "".join(f"<h3>{html.escape(t)}</h3>{wrap(h)}" for t, h in tables)
    return section("changes", head + body + "".join(charts))


# -- the heavy rare earths ---------------------------------------------------------------------

HEAVY = ("Dy", "Tb")
SUPPLY_COLUMNS = {
    "year": Column("year", text, numeric=False),
    "Dy_t": Column("Dy oxide separated [t REO]"),
    "Dy_CHN": Column("China's share of Dy [%]", lambda v: percent(100 * v)),
    "Tb_t": Column("Tb oxide separated [t REO]"),
    "Tb_CHN": Column("China's share of Tb [%]", lambda v: percent(100 * v)),
}
COVERAGE_COLUMNS = {
    "region": Column("region", text, numeric=False),
    "element": Column("element", text, numeric=False),
    "need": Column("need [t oxide]"),
    "output": Column("own projects' output [t oxide]"),
    "coverage": Column("coverage [× need]", lambda v: multiple(v)),
}
NEEDS_COLUMNS = {
    "element": Column("element", text, numeric=False),
    "needed": Column("needed by unmet magnets [t REO]"),
    "surplus": Column("world surplus [t REO]"),
    "multiple": Column("shadow price in China [× observed]", lambda v: multiple(v)),
    "multiple_baseline": Column("baseline [× observed]", lambda v: multiple(v)),
}


def multiple(value: object) -> str:
    """A multiple [×] with one decimal; a text (such as 'unknown') as it is; '–' when
    missing."""
    if isinstance(value, str):
        return value
    return MISSING if is_missing(value) else f"{float(value):,.1f}"


def heavy_html(f: Findings, supply: pd.DataFrame, years: Sequence[int]) -> str:
    """Dy and Tb: separated oxide and China's share in the quoted years, coverage of new
    demand, what unmet magnets need and their shadow prices against observed prices."""
    rows = supply[supply["year"].isin(list(years))]
    parts = [
        "<h3>Supply: separated oxide and China's share</h3>",
        wrap(table_html(rows, SUPPLY_COLUMNS)),
    ]
    cov = f.coverage[f.coverage["element"].isin(HEAVY)].copy()
    if len(cov):
        cov["coverage"] = cov["coverage"].astype(object).where(cov["coverage"].notna(), "unknown")
        notes = "; ".join(dict.fromkeys(w for w in cov["why"] if w))
        parts += [
            f"<h3>Coverage of new demand in {f.years[-1]}</h3>",
            wrap(table_html(cov, COVERAGE_COLUMNS)),
            f"<p class='caption'>unknown, not zero: {html.escape(notes)}.</p>" if notes else "",
        ]
    needs = f.needs[f.needs["element"].isin(HEAVY)]
    if len(needs):
        parts += [
            f"<h3>Shortfall in {f.years[-1]}: what unmet magnets need</h3>",
            wrap(table_html(needs, NEEDS_COLUMNS)),
        ]
    return section("heavy", "".join(parts))


# -- prices ------------------------------------------------------------------------------------

PRICE_NOTE = (
    "Market prices are observed base-year prices from the dataset (the market and source of "
    "each in its row). Shadow prices are the model's duals: the cost to the model of one more "
    "kg delivered in China in that year. They show where the model is tight, not what a market "
    "would quote."
)


def prices_html(res: ScenarioResult, base: ScenarioResult | None, years: Sequence[int],
                chart: str) -> str:  # fmt: skip
    """Observed market prices beside the model's shadow prices in China, scenario and
    baseline, in the quoted years [USD/kg oxide]; then the shadow price chart."""
    obs = observed_prices(res)
    table = obs.assign(observed=obs["price"])[["element", "observed", "market", "source_id"]]
    columns = {
        "element": Column("element (oxide)", text, numeric=False),
        "observed": Column(f"market {res.scenario.base_year} [USD/kg]", usd_per_kg),
    }
    for y in years:
        table[f"s{y}"] = table["element"].map(china_shadow(res, y))
        columns[f"s{y}"] = Column(f"shadow {y} [USD/kg]", usd_per_kg)
        if base is not None:
            table[f"b{y}"] = table["element"].map(china_shadow(base, y))
            columns[f"b{y}"] = Column(f"shadow {y}, baseline [USD/kg]", usd_per_kg)
    columns["market"] = Column("market observed", text, numeric=False)
    columns["source_id"] = Column("source", text, numeric=False)
    note = f"<p class='caption'>{html.escape(PRICE_NOTE)}</p>"
    bounds = _bound_prices(res, base, years, list(table["element"]))
    return section("prices", note + wrap(table_html(table, columns)) + bounds + chart)


def _bound_prices(res: ScenarioResult, base: ScenarioResult | None, years: Sequence[int],
                  elements: list[str]) -> str:  # fmt: skip
    """A caption naming the table's shadow prices that are bounds set by an assumption (the
    surplus floor, the choke), run and year each; '' when none is."""
    named = []
    for label, run in (("", res), (", baseline", base)):
        for y in years:
            setters = china_setters(run, y)
            named += [
                f"{e} {y}{label}: {BOUND_PRICES[setters[e]]}"
                for e in elements
                if setters.get(e) in BOUND_PRICES
            ]
    if not named:
        return ""
    lead = "Shadow prices that are bounds, not estimates (do not quote them as prices): "
    return f"<p class='caption'>{html.escape(lead + '; '.join(named))}.</p>"


# -- methods and assumptions -------------------------------------------------------------------

METHODS = """
<p>reechain is a linear program of the rare earth chain (mining, separation, metal, magnets) by
region and year, solved with HiGHS. Each year it finds the least-cost way to meet demand within
the capacities, the ore splits, trade costs and the policies of the scenario ({mode}). Demand
that cannot be met at any price up to a choke price is <em>unmet</em>; oxide separated with no
buyer is <em>surplus</em> (the balance problem: elements come out of ore in fixed ratios).</p>
<p>The <em>baseline</em> is the same scenario without its events, solved the same way.
<em>Shadow prices</em> are the duals of the balances: the cost of one more tonne in a region and
year, not a market price. The <em>HHI</em> (Herfindahl-Hirschman index) is the sum of squared
percentage shares of world output (0-10,000; above 2,500 is highly concentrated).
<em>Coverage</em> is a region's own projects' oxide over what its new magnets need (1× covers
it). <em>GeoPolRisk</em> (0-1) weighs a region's magnet imports by the concentration and
political instability of their suppliers.</p>
"""

ASSUMPTION_COLUMNS = {
    "parameter": Column("assumption", text, numeric=False),
    "value": Column("value", text, numeric=False),
    "unit": Column("unit", text, numeric=False),
    "how": Column("reasoning", text, numeric=False),
    "source_id": Column("sources", text, numeric=False),
}


def methods_html(res: ScenarioResult) -> str:
    """What the model is, the labelled assumptions the run used and their sources."""
    mode = "myopic: year by year" if res.result.mode == "myopic" else "perfect foresight"
    prov = res.provenance
    used = prov[prov["how"].astype(str).str.startswith(assumption_marks())].copy()
    used["value"] = used["value"].map(value_text)
    used["how"] = used["how"].astype(str).str.replace(r"^labelled assumption: ", "", regex=True)
    used["source_id"] = used["source_id"].map(lambda s: str(s).replace(";", "; ") or None)
    table = f"<h3>Assumptions used ({len(used)})</h3>" + wrap(table_html(used, ASSUMPTION_COLUMNS))
    return section("methods", METHODS.format(mode=mode) + table)


def assumption_marks() -> tuple[str, ...]:
    """How provenance marks a labelled assumption (or a scenario's override of one)."""
    return ("labelled assumption", "scenario override")


def value_text(value: object) -> str:
    """A provenance value as text: numbers with separators, mappings and lists item by item
    (never a Python repr)."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return text(value)
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


# -- provenance --------------------------------------------------------------------------------

NO_SOURCE = "–: derived in the model from the rows above it, no source of its own."
PROVENANCE_COLUMNS = {
    "parameter": Column("input", text, numeric=False),
    "value": Column("value", text, numeric=False),
    "unit": Column("unit", text, numeric=False),
    "how": Column("how it was derived", text, numeric=False),
    "source_id": Column("sources", text, numeric=False),
}


def provenance_html(res: ScenarioResult, ds: Dataset) -> str:
    """Where the run's other inputs come from, and the sources cited (primary, or read via a
    secondary copy, marked)."""
    prov = res.provenance
    rest = prov[~prov["how"].astype(str).str.startswith(assumption_marks())].copy()
    rest["value"] = rest["value"].map(lambda v: value_text(v)[:300])
    rest["source_id"] = rest["source_id"].map(lambda s: str(s).replace(";", "; ") or None)
    body = (
        "<h3>Where the inputs come from</h3>"
        + wrap(table_html(rest, PROVENANCE_COLUMNS, NO_SOURCE))
        + sources_html(ds, prov["source_id"].dropna())
    )
    return section("provenance", body)


def sources_html(ds: Dataset, cells: pd.Series) -> str:
    """The sources of ``cells`` (ids joined by ';'), each marked primary or secondary."""
    cited = ds.cite(cells)
    items = []
    for s in cited.itertuples():
        via = f" Secondary: read via {s.via}." if pd.notna(s.via) else " Primary."
        year = f", {int(s.year)}" if pd.notna(s.year) else ""
        address = f" {s.address}" if pd.notna(s.address) else ""
        items.append(
            f"<li><code>{html.escape(s.source_id)}</code>: {html.escape(str(s.publisher))}, "
            f"<i>{html.escape(str(s.title))}</i>{year}.{html.escape(address)}"
            f"<span class='via'>{html.escape(via)}</span></li>"
        )
    primary = int(cited["via"].isna().sum())
    return (
        f"<h3>Sources ({len(cited)}: {primary} primary, {len(cited) - primary} read via a "
        f"secondary copy)</h3><ul class='sources'>{''.join(items)}</ul>"
    )


# -- the scenario's text -----------------------------------------------------------------------


def scenario_text(sc: Scenario) -> tuple[str, str]:
    """The scenario as written (its file, comments kept) when the file it was read from still
    holds it, else as re-serialised YAML; with a sentence saying which."""
    source = Path(getattr(sc, "_source", "") or "")
    try:
        written = source.read_text(encoding="utf-8") if source.is_file() else ""
        same = bool(written) and scenario_hash(type(sc).from_text(written)) == scenario_hash(sc)
    except (OSError, UnicodeError, ReechainError):  # changed or unreadable: the model's text
        same = False
    if same:
        return written, f"As written in {source.name}, with its comments."
    dumped = yaml.safe_dump(
        sc.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        sort_keys=False,
        allow_unicode=True,
    )
    return dumped, "As read (the file it came from is not at hand; comments are not kept)."


def scenario_html(sc: Scenario) -> str:
    """The scenario's text section."""
    written, how = scenario_text(sc)
    return section(
        "scenario", f"<p class='caption'>{html.escape(how)}</p><pre>{html.escape(written)}</pre>"
    )
