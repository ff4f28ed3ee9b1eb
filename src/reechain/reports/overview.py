"""The HTML overview: who holds each stage, concentration over time, BRICS with and without
Türkiye; every chart followed by the sources of its numbers. Self-contained (Plotly inlined)."""

from __future__ import annotations

import html
import logging
from datetime import date
from pathlib import Path

import pandas as pd

from reechain.analysis import metrics
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.data.schema import STAGES
from reechain.errors import ReechainError
from reechain.reports import plot
from reechain.reports.page import chart_html, write_page

logger = logging.getLogger(__name__)

# Material each stage is reported in, in order of preference.
STAGE_MATERIALS = {
    "mining": ("TREO",),
    "separation": ("TREO", "Pr+Nd+Tb+Dy", "Pr+Nd"),
    "metal": ("REM", "TREO"),
    "magnet": ("NdFeB",),
}


def stage_material(flows: pd.DataFrame, stage: str) -> str | None:
    """The first material of :data:`STAGE_MATERIALS` with data for ``stage``."""
    have = set(flows.loc[flows["stage"] == stage, "material"])
    return next((m for m in STAGE_MATERIALS[stage] if m in have), None)


def best_year(share_table: pd.DataFrame, min_coverage: float = 0.9) -> int:
    """The latest year whose coverage reaches ``min_coverage``, else the latest year."""
    cov = share_table.groupby("year")["coverage"].first()
    good = cov[cov >= min_coverage]
    return int(good.index.max() if len(good) else cov.index.max())


def overview_tables(ds: Dataset, until: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables behind the overview: latest stage shares, HHI series, BRICS series."""
    until = until or date.today().year - 1
    flows = observed_flows(ds.table("production"))
    flows = flows[flows["year"] <= until]
    if flows.empty:
        first = int(observed_flows(ds.table("production"))["year"].min())
        raise ReechainError(f"no observed data up to {until}; the data starts in {first}")
    latest, series = [], []
    for stage in STAGES:
        material = stage_material(flows, stage)
        if material is None:
            continue
        stage_series = metrics.shares(flows, stage, None, material=material)
        if stage_series.empty:
            continue
        series.append(stage_series)
        latest.append(stage_series[stage_series["year"] == best_year(stage_series)])
    brics = metrics.bloc_shares(ds, flows, "mining", None, blocs=("BRICS",), add={"BRICS": ["TUR"]})
    series_table = pd.concat(series, ignore_index=True)
    return {
        "stage_shares": pd.concat(latest, ignore_index=True),
        "series": series_table,
        "concentration": metrics.concentration(series_table),
        "brics": brics[brics["world_basis"] == "published world total"],
    }


def _sources_html(ds: Dataset, source_cells) -> str:
    cited = ds.cite(source_cells)
    items = []
    for _, s in cited.iterrows():
        via = f" (read via {html.escape(str(s['via']))})" if pd.notna(s.get("via")) else ""
        addr = html.escape(str(s["address"])) if pd.notna(s["address"]) else ""
        items.append(
            f"<li><code>{html.escape(s['source_id'])}</code>: "
            f"{html.escape(str(s['publisher']))}, <i>{html.escape(str(s['title']))}</i>"
            f"{', ' + str(int(s['year'])) if pd.notna(s['year']) else ''}. {addr}{via}</li>"
        )
    return "<details><summary>Sources ({})</summary><ul>{}</ul></details>".format(
        len(items), "".join(items)
    )


CAPTIONS = {
    "stages": "Latest year with data per stage. Mining: USGS tonnages over the published world "
    "total. Separation, metal and magnets: published shares (IEA and others); the part of the "
    "world that no source attributes is shown as 'Not covered', never as zero.",
    "hhi": "HHI over the countries with data (solid: lower bound; dotted: upper bound when the "
    "data covers less than the whole world).",
    "brics": "Türkiye applied to join BRICS in 2024; the dashed line adds it as a member "
    "(members only; partner countries not counted). Türkiye reports no rare earth mine output, "
    "so at the mining stage the two lines coincide until a project such as Beylikova produces.",
}


def _summary_rows(stage_shares: pd.DataFrame) -> str:
    """Table rows: the concentration of each stage in the year its bar chart shows."""
    latest = metrics.concentration(stage_shares)
    latest = latest.sort_values("stage", key=lambda col: col.map(STAGES.index))
    return "".join(
        f"<tr><td>{r.stage}</td><td>{r.material}</td><td>{r.year}</td><td>{r.top_supplier}</td>"
        f"<td>{r.cr1:.1%}</td><td>{r.hhi:,.0f}–{r.hhi_upper:,.0f}</td>"
        f"<td>{r.coverage:.0%}</td></tr>"
        for r in latest.itertuples()
    )


def write_overview(ds: Dataset, path: str | Path, until: int | None = None) -> Path:
    """Write the overview page to ``path`` and return it."""
    tables = overview_tables(ds, until)
    brics_title = (
        "BRICS share of world mine production, with and without Türkiye "
        "(members as of 31 December of each year)"
    )
    names = plot.country_names(ds.table("countries"))
    founded = plot.founding_years(ds.table("bloc_membership"))
    figs = [
        (
            plot.stage_shares_bar(tables["stage_shares"], names=names),
            tables["stage_shares"],
            "stages",
        ),
        (plot.hhi_lines(tables["concentration"]), tables["series"], "hhi"),
        (
            plot.group_share_lines(tables["brics"], brics_title, founded=founded),
            tables["brics"],
            "brics",
        ),
    ]
    parts = []
    for i, (fig, data, caption) in enumerate(figs):
        chart = chart_html(fig, i == 0)
        parts.append(
            f"<section>{chart}<p class='caption'>{html.escape(CAPTIONS[caption])}</p>"
            f"{_sources_html(ds, data['source'])}</section>"
        )
    packages = html.escape(", ".join(ds.packages))
    head = f"""<h1>Rare earth supply chain overview</h1>
<p>Generated by reechain from its embedded, cited dataset
({html.escape(ds.schema.name)} v{html.escape(ds.schema.version)}; packages: {packages})
on {date.today()}.</p>
<h2>Concentration, latest year per stage</h2>
<table><tr><th>stage</th><th>material</th><th>year</th><th>largest</th><th>CR1</th>
<th>HHI (bracket)</th><th>coverage</th></tr>{_summary_rows(tables["stage_shares"])}</table>"""
    path = write_page(
        path, "reechain overview: who controls the rare earth supply chain", [head, *parts]
    )
    logger.info("wrote overview to %s", path)
    return path
