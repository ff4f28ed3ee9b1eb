"""The criticality page: EU, USGS-style and GeoPolRisk methods side by side for a year and an
importer; a missing input makes a score a range, never a zero."""

from __future__ import annotations

import html

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.errors import ReechainError
from reechain.reports import plot
from reechain.web.pages.parts import (
    Card,
    Chart,
    cards_html,
    chart_section,
    field,
    missing_card,
    options,
    problem,
    sources_list,
    table_section,
)
from reechain.web.pages.shell import layout

TITLE = "Criticality"
GPR_PAGE_PRODUCT = "ree_compounds_and_metals"  # HS 2805.30 + 2846.10 + 2846.90
METHODS_NOTE = (
    "Where an input is missing a score is a range, the unknowns at their least and their most "
    "critical; a missing input is never read as zero. EU: the assessment's shares, trade "
    "factors and WGI rescaled 0-10; import reliance, end-of-life recycling and substitution "
    "from the latest edition that publishes them. USGS-style: disruption potential weighted by "
    "WGI and net import reliance (MCS 2025); economic vulnerability is not public, so no SR. "
    "GeoPolRisk: BACI import shares (t) and WGI political stability."
)


def _form(ds: Dataset, year: int, importer: str) -> str:
    countries = ds.table("countries").sort_values("name")
    labels = countries["name"].astype(str) + " (" + countries["iso3"] + ")"
    return (
        "<form method='get'>"
        + field(
            "year",
            "Year",
            f"<input id='year' name='year' type='number' min='2000' max='2100' value='{year}'>",
        )
        + field(
            "importer",
            "Importer (USGS-style trade exposure)",
            f"<select id='importer' name='importer'>"
            f"{options(zip(countries['iso3'], labels, strict=True), importer)}</select>",
        )
        + "<button type='submit'>Show</button></form>"
    )


def criticality_cards(
    side: pd.DataFrame, gpr: pd.DataFrame | None, year: int, importer: str, names: dict
) -> list[Card]:
    """What the EU rates critical, the highest EU supply-risk ceiling, the importer's trade
    exposure for rare earths and the importer with the highest GeoPolRisk."""
    critical = side[side["eu_critical"].fillna(False).astype(bool)]["material"].tolist()
    cards = [
        Card(
            f"Rated critical by the EU (published, by {year})",
            float(len(critical)),
            f"{len(critical)}",
            ", ".join(critical) or "none",
        ),
    ]
    sr = side.dropna(subset=["eu_sr_high"])
    if len(sr):
        top = sr.loc[sr["eu_sr_high"].idxmax()]
        cards.append(
            Card(
                f"Highest EU supply risk, at most ({year})",
                float(top["eu_sr_high"]),
                f"{top['material']} {top['eu_sr_high']:.2f}",
                "the ceiling the published shares allow; above 1.0 is critical",
            )
        )
    else:
        cards.append(
            missing_card(f"Highest EU supply risk ({year})", "no material has an SR range")
        )
    te = side[side["usgs_te_high"].notna()]
    name = names.get(importer, importer)
    if len(te):
        row = te.iloc[0]
        cards.append(
            Card(
                f"{name}'s trade exposure, {row['material']} ({year})",
                float(row["usgs_te_high"]),
                f"{row['usgs_te_low']:.2f}–{row['usgs_te_high']:.2f}",
                "USGS-style net import reliance (0: none imported, 1: all)",
            )
        )
    else:
        cards.append(
            missing_card(f"{name}'s trade exposure ({year})", "no import reliance in the data")
        )
    cards.append(_gpr_card(gpr, year, names))
    return cards


def _gpr_card(gpr: pd.DataFrame | None, year: int, names: dict) -> Card:
    label = f"Highest GeoPolRisk of rare earth imports ({year})"
    if gpr is None or gpr["score_high"].dropna().empty:
        return missing_card(label, f"no importer has trade data for {year}")
    top = gpr.loc[gpr["score_high"].idxmax()]
    who = names.get(top["importer"], top["importer"])
    return Card(
        label,
        float(top["score_high"]),
        f"{top['score_high']:.2f}",
        f"{who}, at most (0-1: the risk to its supply from where it buys)",
    )


def _sr_ei_chart(ds: Dataset) -> Chart:
    from reechain.analysis.criticality import published

    pub = pd.concat([published(ds, a) for a in ("EU2020", "EU2023")])
    data = pub[["assessment", "material", "SR", "EI", "critical"]].rename(
        columns={"SR": "supply risk (SR)", "EI": "economic importance (EI)"}
    )
    crit = pub[pub["assessment"] == pub["assessment"].max()]
    summary = (
        f"In {crit['assessment'].iloc[0]}, {int(crit['critical'].sum())} of {len(crit)} rare "
        f"earth groups are critical (SR at least 1.0 and EI at least 2.8)."
    )
    return Chart("srei", plot.sr_ei(pub), data, summary)


def _sr_range_chart(side: pd.DataFrame) -> Chart:
    fig = plot.score_ranges(
        side,
        "eu_sr_low",
        "eu_sr_high",
        "material",
        "EU supply risk: the range the published shares allow, and the published score",
        published="eu_published_sr",
        threshold=1.0,
    )
    data = pd.DataFrame(
        {
            "material": side["material"],
            "EU SR, at least": side["eu_sr_low"],
            "EU SR, at most": side["eu_sr_high"],
            "EU SR, published": side["eu_published_sr"],
            "missing inputs": side["eu_sr_missing"],
        }
    )
    ranged = side.dropna(subset=["eu_sr_high"])
    above = int((ranged["eu_sr_high"] > 1.0).sum())
    summary = f"{above} of {len(ranged)} materials with a range may reach the critical SR of 1.0."
    return Chart("srranges", fig, data, summary)


def _gpr_section(ds: Dataset, year: int, names: dict) -> tuple[str, pd.DataFrame | None]:
    """GeoPolRisk of every importer with data for rare earth compounds and metals."""
    from reechain.analysis.criticality import geopolrisk_table

    head = f"GeoPolRisk of importers of rare earth compounds and metals, {year} (0-1)"
    try:
        gpr = geopolrisk_table(ds, year, product=GPR_PAGE_PRODUCT)
    except ReechainError as exc:
        return f"<h2>{html.escape(head)}</h2>" + problem(str(exc)), None
    gpr = gpr.sort_values("score_high", ascending=False)
    fig = plot.score_ranges(
        gpr.sort_values("score_high", ascending=False),
        "score_low",
        "score_high",
        "importer",
        f"GeoPolRisk {year}, rare earth compounds and metals: range by importer",
    )
    data = pd.DataFrame(
        {
            "country": gpr["importer"].map(lambda c: names.get(c, c)),
            "ISO3": gpr["importer"],
            "GeoPolRisk, at least": gpr["score_low"],
            "GeoPolRisk, at most": gpr["score_high"],
            "imports": gpr["imports"],
            "imports unit": gpr["imports_unit"],
            "missing": gpr["missing"],
        }
    )
    top = data.iloc[0]
    summary = (
        f"{len(data)} importers with trade data; the highest ceiling is {top['country']}'s, "
        f"{top['GeoPolRisk, at most']:.2f}."
    )
    notes = "; ".join(sorted(set(gpr["notes"].dropna())))  # data: a user's package names them
    note = f"<p class='note'>{html.escape(notes)}</p>" if notes else ""
    return chart_section(Chart("gpr", fig, data, summary), note), gpr


def criticality(ds: Dataset, year: int = 2023, importer: str = "USA") -> str:
    """The methods side by side for ``year`` (EU: the newest assessment by then) and the
    USGS-style trade exposure of ``importer``, with GeoPolRisk of every importer with data."""
    from reechain.analysis.criticality import side_by_side
    from reechain.analysis.criticality.common import eu_assessment
    from reechain.analysis.criticality.summary import side_by_side_view

    form = _form(ds, year, importer)
    try:
        assessment = eu_assessment(ds, year)
        side = side_by_side(ds, assessment, year, importer)
    except ReechainError as exc:  # a year or importer without data: say so on the page
        return layout(TITLE, form + problem(str(exc)), "/criticality")
    names = plot.country_names(ds.table("countries"))
    gpr_html, gpr = _gpr_section(ds, year, names)
    body = (
        form
        + cards_html(criticality_cards(side, gpr, year, importer, names))
        + chart_section(_sr_ei_chart(ds))
        + f"<p class='note'>{METHODS_NOTE}</p>"
        + chart_section(_sr_range_chart(side))
        + table_section(
            "methods",
            f"Methods side by side ({year}; EU: {assessment}; trade exposure of {importer})",
            side_by_side_view(side),
        )
        + gpr_html
        + sources_list(ds, ds.table("criticality_inputs")["source_id"])
    )
    return layout(TITLE, body, "/criticality")
