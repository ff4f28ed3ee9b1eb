"""Server-rendered pages: a shared layout, Plotly figures as JSON drawn by the local plotly.js
(no CDN), native form controls with labels (keyboard-reachable)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from reechain.analysis import metrics
from reechain.analysis.balance import choose_composition, deposit_output
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.engine.run import ScenarioResult
from reechain.errors import ReechainError
from reechain.reports import plot
from reechain.reports.overview import STAGE_MATERIALS, overview_tables, stage_material
from reechain.reports.page import CSS
from reechain.reports.page import PLOTLY_CONFIG as REPORT_PLOTLY_CONFIG
from reechain.reports.scenario import TITLES, key_figures, scenario_figures, table_html

EXAMPLE = Path(__file__).parents[3] / "examples" / "turkiye-beylikova.yaml"
NAV = [
    ("/", "Overview"),
    ("/balance", "Element balance"),
    ("/scenario", "Scenario"),
    ("/ensembles", "Ensembles"),
    ("/criticality", "Criticality"),
    ("/demand", "Demand and stocks"),
]
MAP_MIN_COVERAGE = 0.9
PAGE_TABLES = ("separation", "projects", "coverage", "blocs")  # of the report's key figures
BLOC_LINES = ("BRICS", "BRICS + TUR", "G7", "EU27", "MSP")
EXTRA_CSS = """
nav a { margin-right: 1em } nav { margin-bottom: 1.5em }
label { font-weight: 600; margin-right: .4em } textarea { width: 100%; font-family: monospace }
.problems { color: #b2182b } .ok { color: #1b7837 } fieldset { border: 1px solid #ddd }
"""

# The reports' Plotly config, the world map's outlines from this server too (no request leaves
# it). Every page declares it once as ``window.PLOTLY_CONFIG``, for its own figures and for
# those static/scenario.js draws.
PLOTLY_CONFIG = {**REPORT_PLOTLY_CONFIG, "responsive": True, "topojsonURL": "/static/topojson/"}

__all__ = ["stage_material"]


def layout(title: str, body: str) -> str:
    links = "".join(f'<a href="{href}">{html.escape(text)}</a>' for href, text in NAV)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · reechain</title><style>{CSS}{EXTRA_CSS}</style>"
        f"<script src='/static/plotly.min.js'></script>"
        f"<script>window.PLOTLY_CONFIG={json.dumps(PLOTLY_CONFIG)};</script></head><body>"
        f"<nav aria-label='pages'>{links}</nav><main><h1>{html.escape(title)}</h1>{body}"
        f"</main></body></html>"
    )


def figure(div_id: str, fig) -> str:
    """A div and the script drawing a Plotly figure into it."""
    label = html.escape(fig.layout.title.text or div_id)
    return (
        f"<div id='{div_id}' role='img' aria-label='{label}'>"
        f"</div><script>(function(){{var f={fig.to_json()};"
        f"Plotly.newPlot('{div_id}',f.data,f.layout,window.PLOTLY_CONFIG);}})();"
        f"</script>"
    )


def sources_list(ds: Dataset, cells) -> str:
    cited = ds.cite(cells)
    items = "".join(
        f"<li><code>{html.escape(s.source_id)}</code>: "
        f"{html.escape(str(s.publisher))}, <i>{html.escape(str(s.title))}</i></li>"
        for s in cited.itertuples()
    )
    return f"<details><summary>Sources ({len(cited)})</summary><ul>{items}</ul></details>"


# The bloc check-boxes keep their state in the address (?hide=G7,MSP), so a reload or a shared
# link shows the same lines.
BLOC_TOGGLE_SCRIPT = """<script>
function showBloc(box, keepAddress) {
  Plotly.restyle('blocs', {visible: box.checked}, [Number(box.value)]);
  if (keepAddress) return;
  const hidden = [...document.querySelectorAll("input[name=bloc]")]
    .filter(b => !b.checked).map(b => b.dataset.name);
  const url = new URL(window.location);
  if (hidden.length) url.searchParams.set('hide', hidden.join(','));
  else url.searchParams.delete('hide');
  history.replaceState(null, '', url);
}
window.addEventListener('load', () => {
  const hide = (new URL(window.location).searchParams.get('hide') || '').split(',');
  document.querySelectorAll("input[name=bloc]").forEach(b => {
    if (hide.includes(b.dataset.name)) { b.checked = false; showBloc(b, true); }
  });
});
</script>"""


def overview(ds: Dataset) -> str:
    t = overview_tables(ds)
    flows = observed_flows(ds.table("production"))
    # The map shows the latest year whose named countries cover most of the world: a newer year
    # with only a few countries reported would look like the rest mined nothing.
    mining = metrics.shares(flows, "mining", None)
    covered = mining.loc[mining["coverage"] >= MAP_MIN_COVERAGE, "year"]
    latest = int(covered.max() if len(covered) else mining["year"].max())
    mining = mining[(mining["year"] == latest) & mining["group"].notna()]
    mining = mining[mining["group"] != "OTH"]
    world_map = plot.world_map(
        mining,
        f"Mine production {latest}: share of world output "
        f"(countries named in the data cover {mining['coverage'].iloc[0]:.0%})",
    )
    blocs = metrics.bloc_shares(
        ds, flows, "mining", None, blocs=("BRICS", "G7", "EU27", "MSP"), add={"BRICS": ["TUR"]}
    )
    blocs = blocs[blocs["world_basis"] == "published world total"]
    bloc_fig = plot.group_share_lines(
        blocs, "Blocs' share of world mine production (members as of 31 December)"
    )
    toggles = "".join(
        f"<label><input type='checkbox' name='bloc' value='{i}' "
        f"data-name='{html.escape(name)}' checked onchange='showBloc(this)'>"
        f"{html.escape(name)}</label>"
        for i, name in enumerate(blocs["group"].drop_duplicates())
    )
    body = (
        figure("stages", plot.stage_shares_bar(t["stage_shares"]))
        + sources_list(ds, t["stage_shares"]["source"])
        + figure("map", world_map)
        + sources_list(ds, mining["source"])
        + figure("hhi", plot.hhi_lines(t["concentration"]))
        + sources_list(ds, t["series"]["source"])
        + f"<fieldset><legend>Show blocs</legend>{toggles}</fieldset>"
        + figure("blocs", bloc_fig)
        + BLOC_TOGGLE_SCRIPT
        + sources_list(ds, blocs["source"])
    )
    return layout("Who controls the rare earth supply chain", body)


def _options(values_and_labels, selected: str) -> str:
    """``<option>`` elements of a select, the ``selected`` value marked."""
    return "".join(
        f"<option value='{html.escape(str(v))}'{' selected' if v == selected else ''}>"
        f"{html.escape(str(label))}</option>"
        for v, label in values_and_labels
    )


def _has_composition(ds: Dataset, deposit_id: str) -> bool:
    """Whether the balance has a composition for a deposit: its own or its ore type's."""
    try:
        choose_composition(ds, deposit_id)
    except ReechainError:
        return False
    return True


def _unlisted_note(unlisted: pd.DataFrame) -> str:
    """Why the deposits without any composition are not in the balance's list."""
    if unlisted.empty:
        return ""
    names = "; ".join(
        f"{html.escape(str(d.name))}: {html.escape(str(d.ore_type))} ore"
        for d in unlisted.itertuples()
    )
    return (
        f"<p class='caption'>Not listed: {names}. The data hold no published element split of "
        "theirs nor of their ore type, so their output by element is unknown.</p>"
    )


def balance(ds: Dataset, deposit: str, tonnes: float) -> str:
    """A deposit's output by element; the list leaves out deposits without a composition."""
    deposits = ds.table("deposits").sort_values("name")
    known = deposits["deposit_id"].map(lambda d: _has_composition(ds, d))
    listed = deposits[known]
    options = _options(zip(listed["deposit_id"], listed["name"], strict=True), deposit)
    form = (
        f"<form method='get'><label for='deposit'>Deposit</label><select id='deposit' "
        f"name='deposit'>{options}</select> <label for='tonnes'>TREO [t]</label>"
        f"<input id='tonnes' name='tonnes' type='number' min='0' value='{tonnes:g}'> "
        f"<button type='submit'>Show</button></form>" + _unlisted_note(deposits[~known])
    )
    try:
        res = deposit_output(ds, deposit, tonnes)
    except Exception as exc:  # an unknown deposit or bad tonnage: say so on the page
        return layout("Element balance", form + f"<p class='problems'>{html.escape(str(exc))}</p>")
    fig = plot.element_bars(res.table, f"{res.deposit_name}: oxide output by element")
    table = res.table[["element", "share_pct", "oxide_t", "metal_t", "group_eu"]].to_html(
        index=False, border=0, float_format="%.1f"
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in res.notes)
    body = (
        form + f"<p>NdPr oxide: {res.ndpr_t:,.0f} t; magnet rare earths (Nd, Pr, Tb, Dy): "
        f"{res.magnet_ree_t:,.0f} t. Composition: <code>{res.choice.composition_id}</code> "
        f"({html.escape(res.choice.reason)}).</p>"
        + figure("elements", fig)
        + table
        + f"<ul>{notes}</ul>"
        + sources_list(ds, res.sources["source_id"])
    )
    return layout("Element balance", body)


def scenario(needs_key: bool) -> str:
    text = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.exists() else ""
    key = "<label for='key'>API key</label><input id='key' type='password'> " if needs_key else ""
    body = (
        f"<p>Edit the scenario (YAML); it is checked as you type.</p>"
        f"<label for='yaml'>Scenario</label><textarea id='yaml' rows='24' "
        f"spellcheck='false'>{html.escape(text)}</textarea>"
        f"<pre id='problems' aria-live='polite'></pre>{key}"
        f"<button id='run' type='button'>Run the scenario</button> "
        f"<span id='status' aria-live='polite'></span><section id='results'></section>"
        "<script src='/static/scenario.js'></script>"
    )
    return layout("Scenario", body)


def run_payload(ds: Dataset, res: ScenarioResult, base: ScenarioResult | None) -> dict[str, Any]:
    """What the scenario page shows: key-figure tables (HTML) and figures (Plotly JSON)."""
    figs = scenario_figures(res, base)
    tables = key_figures(res, base, ds)
    tables_html = "".join(
        f"<h2>{html.escape(TITLES[k])}</h2>" + table_html(k, df)
        for k, df in tables.items()
        if k in PAGE_TABLES
    )
    return {
        "scenario": res.scenario.name,
        "tables_html": tables_html,
        "figures": [json.loads(f.to_json()) for f in figs],
    }


def ensemble_runs(store_path: Path) -> pd.DataFrame:
    if not store_path.exists():
        return pd.DataFrame(columns=["run_id", "name", "done", "status"])
    from reechain.ensemble.store import Store

    return Store(store_path, create=False).runs()


def ensembles(store_path: Path, run: str | None) -> str:
    try:
        runs = ensemble_runs(store_path)
    except ReechainError as exc:  # a store that isn't one: say so, not a 500
        return layout("Ensembles", f"<p class='problems'>{html.escape(str(exc))}</p>")
    if runs.empty:
        return layout(
            "Ensembles",
            "<p>No ensemble runs in this server's store yet; start one "
            "with <code>reechain ensemble run SCENARIO</code>.</p>",
        )
    links = "".join(
        f"<li><a href='/ensembles?run={r.run_id}'>{html.escape(str(r.name))}</a> "
        f"({r.done} samples, {r.status})</li>"
        for r in runs.itertuples()
    )
    body = f"<ul>{links}</ul>"
    if run and run not in set(runs["run_id"]):
        body += f"<p class='problems'>No run {html.escape(run)!r} in this store.</p>"
    elif run:
        from reechain.ensemble.store import Store
        from reechain.reports.ensemble import ensemble_figures, tables

        figs = ensemble_figures(tables(Store(store_path), run))
        ids = ["fan", *(f"ens{i}" for i in range(1, len(figs)))]
        body += "".join(figure(div, fig) for div, fig in zip(ids, figs, strict=False))
        if not figs:  # a run still going, or one whose samples all failed
            body += f"<p>No sample of run {html.escape(run)} has finished with a result yet.</p>"
    return layout("Ensembles", body)


def criticality(ds: Dataset, year: int = 2023, importer: str = "USA") -> str:
    """The methods side by side for ``year`` (EU: the newest assessment by then) and the
    USGS-style trade exposure of ``importer``, with GeoPolRisk of every importer with data."""
    from reechain.analysis.criticality import published, side_by_side
    from reechain.analysis.criticality.common import eu_assessment
    from reechain.analysis.criticality.summary import side_by_side_view

    countries = ds.table("countries").sort_values("iso3")
    labels = countries["iso3"] + " " + countries["name"].astype(str)
    options = _options(zip(countries["iso3"], labels, strict=True), importer)
    form = (
        "<form method='get'><label for='year'>Year</label><input id='year' name='year' "
        f"type='number' min='2000' max='2100' value='{year}'> <label for='importer'>Importer "
        f"(USGS-style trade exposure)</label><select id='importer' name='importer'>{options}"
        "</select> <button type='submit'>Show</button></form>"
    )
    try:
        assessment = eu_assessment(ds, year)
        side = side_by_side(ds, assessment, year, importer)
    except ReechainError as exc:  # a year or importer without data: say so on the page
        return layout("Criticality", form + f"<p class='problems'>{html.escape(str(exc))}</p>")

    pub = pd.concat([published(ds, a) for a in ("EU2020", "EU2023")])
    fig = plot.sr_ei(pub)
    shown = side_by_side_view(side)
    sr_fig = plot.score_ranges(
        side,
        "eu_sr_low",
        "eu_sr_high",
        "material",
        "EU supply risk: the range the published shares allow, and the published score",
        published="eu_published_sr",
        threshold=1.0,
    )
    gpr_section = _geopolrisk_section(ds, year)
    c = ds.table("criticality_inputs")
    note = (
        "<p>Where an input is missing a score is a range, the unknowns at their least and "
        "their most critical; a missing input is never read as zero. EU: 2023 assessment "
        "shares, trade factors and WGI (rescaled 0-10, assumption eu_wgi_rescaling); import "
        "reliance, end-of-life recycling and substitution are not public in the data. "
        "USGS-style: disruption potential weighted by WGI (assumption usgs_dp_governance_proxy) "
        "and net import reliance (MCS 2025); economic vulnerability is not public, so no SR. "
        "GeoPolRisk: BACI import shares (t) and WGI political stability.</p>"
    )
    return layout(
        "Criticality",
        form
        + figure("srei", fig)
        + f"<h2>Methods side by side ({year}; EU: {assessment}; trade exposure of {importer})</h2>"
        + note
        + figure("srranges", sr_fig)
        + table_html("criticality", shown)
        + gpr_section
        + sources_list(ds, c["source_id"]),
    )


GPR_PAGE_PRODUCT = "ree_compounds_and_metals"  # HS 2805.30 + 2846.10 + 2846.90


def _geopolrisk_section(ds: Dataset, year: int) -> str:
    """GeoPolRisk of every importer with data for rare earth compounds and metals (the API
    and the CLI give each HS code and any other product)."""
    from reechain.analysis.criticality import geopolrisk_table
    from reechain.analysis.criticality.summary import with_spans

    head = f"<h2>GeoPolRisk of importers of rare earth compounds and metals, {year} (0-1)</h2>"
    try:
        gpr = geopolrisk_table(ds, year, product=GPR_PAGE_PRODUCT)
    except ReechainError as exc:
        return head + f"<p class='problems'>{html.escape(str(exc))}</p>"
    fig = plot.score_ranges(
        gpr.sort_values("score_high"),
        "score_low",
        "score_high",
        "importer",
        f"GeoPolRisk {year}, rare earth compounds and metals: range by importer",
    )
    table = with_spans(
        gpr, {"GeoPolRisk": ("score_low", "score_high")}, ["importer", "notes", "missing"]
    )
    return head + figure("gpr", fig) + table_html("geopolrisk", table)


__all__ += ["STAGE_MATERIALS"]


def demand(ds: Dataset, year: int) -> str:
    """World magnet demand by end use over time (history, then the baseline's drivers), the
    year's magnets in use and their end of life, with sources."""
    from reechain.analysis.demand import demand_paths, scenario_for, stock_summary

    sc = scenario_for(max(year, 2040))
    paths = demand_paths(ds, sc)
    fig = plot.stacked_area(
        paths, "year", "value", "end_use",
        "World magnet demand by end use [t magnet]: history, then electric cars and wind on "
        "their drivers (IEA STEPS), the rest at the IEA-derived rate",
        "t magnet", sc.base_year,
    )  # fmt: skip
    summary = stock_summary(ds, scenario_for(year), year)
    missing = ", ".join(summary.unstocked.index) or "none"
    notes = (
        f"<p>End uses without a lifetime in the data (their stock and end of life are unknown, "
        f"not zero): {html.escape(missing)}. Recycled from end of life in {year}: "
        f"{summary.flows['recycled']:,.0f} t/yr of magnet material.</p>"
    )
    sources = sorted({r["source_id"] for r in summary.provenance if r["source_id"]})
    body = (
        figure("demand", fig)
        + f"<h2>Magnets in use, {year}</h2>"
        + table_html("stocks", summary.table)
        + notes
        + "<p>Sources: " + html.escape("; ".join(sources)) + "; drivers table (IEA Global EV "
        "Outlook, GWEC), magnet_end_uses (IEA GCMO 2024).</p>"
    )  # fmt: skip
    return layout("Magnet demand by end use and magnets in use", body)
