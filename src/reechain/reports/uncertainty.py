"""The scenario report's Uncertainty section. Without an ensemble: how to get one (a single
run has no spread). With a stored ensemble of the same scenario (:mod:`.ensemble_run`): its
samples (solved, failed and why, not run), the inputs it varies, the 5th, 50th and 95th
percentiles of the summary's key outcomes beside the report's central run (shares, China's share
and the HHI per stage, unmet magnet elements) with the probability of a deficit, and its fan
charts."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd

from reechain.reports.ensemble_run import StoredEnsemble
from reechain.reports.sections import section, wrap
from reechain.reports.summary.key_numbers import Findings
from reechain.reports.summary.scope import MAGNET_ELEMENTS, STAGE_MATERIAL
from reechain.reports.tables import Column, is_missing, percent, table_html, text, tonnes

NO_ENSEMBLE = (
    "This report is one run with central values: it has no uncertainty of its own. To see "
    "how the answers vary, give the scenario an <code>uncertainty:</code> section (see "
    "<code>examples/turkiye-beylikova-ensemble.yaml</code>), run <code>reechain ensemble run "
    "FILE</code> and then <code>reechain report FILE --ensemble RUN_ID</code>: this section then "
    "shows the ensemble's percentiles and deficit probabilities."
)
PERCENTILE_NOTE = (
    "p5, p50, p95: the 5th, 50th (median) and 95th percentiles over the ensemble's solved "
    "samples; central run: this report's run, with the scenario's central values. With few "
    "samples the percentiles are rough (p5 and p95 near the smallest and largest sample)."
)
UNMET_NOTE = (
    "Unmet in tonnes of each element as the ensemble stores it: in the unmet magnets by their "
    "recipe, oxide and metal demand as demanded (not t REO, unlike the summary's oxide need); "
    "World: all regions. A deficit is more than 1 t unmet."
)
SHOWN_ERROR = 160  # characters of a failed sample's error shown


def _share(value: float) -> str:
    """A fraction as a percentage [%] ('–' when missing)."""
    return percent(value if is_missing(value) else 100 * float(value))


SHARE_COLUMNS = {
    "stage": Column("stage", text, numeric=False),
    "country": Column("country", text, numeric=False),
    "year": Column("year", text, numeric=False),
    "p5": Column("p5 [%]", _share),
    "p50": Column("p50 [%]", _share),
    "p95": Column("p95 [%]", _share),
    "central": Column("central run [%]", _share),
}
HHI_COLUMNS = {
    "stage": Column("stage", text, numeric=False),
    "p5": Column("p5 [0-10,000]"),
    "p50": Column("p50 [0-10,000]"),
    "p95": Column("p95 [0-10,000]"),
    "central": Column("central run [0-10,000]"),
}
UNMET_COLUMNS = {
    "region": Column("region", text, numeric=False),
    "item": Column("element", text, numeric=False),
    "year": Column("year", text, numeric=False),
    "p5": Column("p5 [t]", tonnes),
    "p50": Column("p50 [t]", tonnes),
    "p95": Column("p95 [t]", tonnes),
    "probability": Column("P(unmet > 1 t) [%]", _share),
}


def uncertainty_html(
    ens: StoredEnsemble | None,
    f: Findings,
    names: Mapping[str, str],
    charts: Sequence[str] = (),
) -> str:
    """The Uncertainty section: ``ens`` (``None``: no ensemble) against the findings ``f`` of
    the central run, with the ensemble's charts (HTML)."""
    if ens is None:
        return section("uncertainty", f"<p>{NO_ENSEMBLE}</p>")
    last = f.years[-1]
    parts = [
        about_html(ens),
        f"<p class='caption'>{html.escape(PERCENTILE_NOTE)}</p>",
        "<h3>Shares of world output</h3>",
        wrap(table_html(share_rows(ens, f, names), SHARE_COLUMNS)),
        f"<h3>HHI by stage in {last}</h3>",
        wrap(table_html(hhi_rows(ens, f), HHI_COLUMNS)),
        "<h3>Unmet magnet elements and the probability of a deficit</h3>",
        wrap(table_html(unmet_rows(ens, f, names), UNMET_COLUMNS)),
        f"<p class='caption'>{html.escape(UNMET_NOTE)}</p>",
    ]
    return section("uncertainty", "".join(parts) + "".join(charts))


def about_html(ens: StoredEnsemble) -> str:
    """Which ensemble, how many samples solved, failed (each named with its error) and not
    run, and the inputs it varies."""
    mode = "perfect foresight" if ens.foresight else "myopic"
    varied = "; ".join(f"{i['name']} ({i['target']})" for i in ens.inputs) or "none"
    lines = [
        f"Ensemble <code>{html.escape(ens.run_id)}</code> of this scenario (the same sha256): "
        f"{ens.solved} of {ens.samples} samples solved ({html.escape(ens.method)} design, seed "
        f"{ens.seed}, {mode}). Inputs varied: {html.escape(varied)}."
    ]
    if ens.failures:
        failed = "; ".join(
            f"sample {s}: {e[:SHOWN_ERROR]}" for s, e in sorted(ens.failures.items())
        )
        lines.append(
            f"{len(ens.failures)} sample(s) failed in their model and are left out: "
            f"{html.escape(failed)}."
        )
    if ens.not_run:
        lines.append(
            f"{ens.not_run} sample(s) not run yet (<code>reechain ensemble resume "
            f"{html.escape(ens.run_id)}</code> runs them)."
        )
    return "".join(f"<p>{line}</p>" for line in lines)


def _pick(p: pd.DataFrame, metric: str, **equals: object) -> pd.DataFrame:
    rows = p[p["metric"] == metric]
    for column, value in equals.items():
        rows = rows[rows[column].isin(value if isinstance(value, list) else [value])]
    return rows


def share_rows(ens: StoredEnsemble, f: Findings, names: Mapping[str, str]) -> pd.DataFrame:
    """The project countries' shares at their stage in the quoted years and China's share of
    each stage in the last year: percentiles and the central run [fraction]."""
    central = f.shares.rename(columns={"scenario": "central"})
    china = f.stages.assign(country="CHN", year=f.years[-1]).rename(columns={"china": "central"})
    wanted = pd.concat([central, china])[["stage", "country", "year", "central"]]
    p = _pick(ens.percentiles, "share").rename(columns={"region": "country"})
    p = p[p["item"] == p["stage"].map(STAGE_MATERIAL)]
    rows = wanted.merge(p, on=["stage", "country", "year"], how="left")
    return rows.assign(country=rows["country"].map(lambda c: names.get(c, c)))


def hhi_rows(ens: StoredEnsemble, f: Findings) -> pd.DataFrame:
    """The HHI of each stage in the last year: percentiles and the central run [0-10,000]."""
    p = _pick(ens.percentiles, "hhi", year=f.years[-1])
    central = f.stages[["stage", "hhi"]].rename(columns={"hhi": "central"})
    return central.merge(p, on="stage", how="left")


def unmet_rows(ens: StoredEnsemble, f: Findings, names: Mapping[str, str]) -> pd.DataFrame:
    """Unmet demand [t] of the magnet elements (and any other element the world may lack) in
    the world and the demand events' regions in the quoted years, with the probability that
    more than 1 t goes unmet."""
    years = list(f.years)
    short = ens.deficit[(ens.deficit["probability"] > 0) & ens.deficit["year"].isin(years)]
    items = [*MAGNET_ELEMENTS, *sorted(set(short["item"]) - set(MAGNET_ELEMENTS))]
    regions = ["WLD", *f.unmet["region"]]
    p = _pick(ens.percentiles, "unmet", region=regions, item=items, year=years)
    rows = p.merge(ens.deficit, on=["region", "item", "year"], how="left")
    rows["order"] = rows["region"].map(regions.index)
    rows = rows.sort_values(["order", "item", "year"], key=_item_order(items))
    world = {"WLD": "World"}
    return rows.assign(region=rows["region"].map(lambda r: world.get(r) or names.get(r, r)))


def _item_order(items: list[str]):
    """A sort key that puts the elements in ``items``' order and leaves other columns be."""
    return lambda s: s.map(items.index) if s.name == "item" else s
