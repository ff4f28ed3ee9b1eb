"""The HTML report of an ensemble run: fan charts, the deficit-probability heat map,
percentile tables and the sensitivity of a chosen output. Self-contained."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from reechain.ensemble.store import Store
from reechain.ensemble.summary import deficit_probability, percentiles, sample_table, sensitivity
from reechain.reports import plot
from reechain.reports.page import figure_sections, write_page

MAGNET_ELEMENTS = ("Pr", "Nd", "Tb", "Dy")


def tables(store: Store, run_id: str) -> dict[str, pd.DataFrame]:
    wide, ok = sample_table(store, run_id)
    return {
        "percentiles": percentiles(wide),
        "deficit": deficit_probability(wide),
        "ok": pd.DataFrame({"sample": ok}),
    }


def ensemble_figures(t: dict[str, pd.DataFrame], names: Mapping[str, str] | None = None) -> list:
    """The run's charts, shared by the report and the web page: fan charts of separation shares,
    HHI and world unmet magnet elements, and the deficit-probability heat map; none while no
    sample has finished (the percentiles are empty). ``names``: ISO3 -> country name, for the
    legends (:func:`reechain.reports.plot.country_names`)."""
    p, deficit = t["percentiles"], t["deficit"]
    if p.empty:
        return []
    sep = p[(p["metric"] == "share") & (p["stage"] == "separation")]
    top = sep.groupby("region")["p50"].max().nlargest(4).index
    figs = [
        plot.fan_chart(
            sep[sep["region"].isin(top)],
            "region",
            "Share of world separation (P5-P95 and median)",
            "share [%]",
            percent=True,
            names=names,
        )
    ]
    hhi = p[p["metric"] == "hhi"]
    figs.append(plot.fan_chart(hhi, "stage", "HHI by stage (P5-P95 and median)", "HHI"))
    unmet = p[(p["metric"] == "unmet") & (p["region"] == "WLD") & p["item"].isin(MAGNET_ELEMENTS)]
    if len(unmet):
        figs.append(plot.fan_chart(unmet, "item", "World unmet demand, magnet elements [t]", "t"))
    world = deficit[deficit["region"] == "WLD"]
    if len(world):
        figs.append(plot.heat_map(world, "Probability of a deficit (world unmet > 1 t)"))
    return figs


def write_report(
    store: Store,
    run_id: str,
    path: str | Path,
    output: tuple | None = None,
    names: Mapping[str, str] | None = None,
) -> Path:
    """Write the run's report to ``path`` (``names``: ISO3 -> country name for the legends)."""
    record = store.run(run_id)
    t = tables(store, run_id)
    p = t["percentiles"]
    figs = ensemble_figures(t, names)
    parts = [
        f"<h1>{html.escape(str(record['name']))}: ensemble {html.escape(run_id)}</h1>",
        f"<p>{len(t['ok'])} of {int(record['n_samples'])} samples solved; seed "
        f"{int(record['seed'])}; design {html.escape(str(record['method']))}; dataset "
        f"v{html.escape(str(record['dataset_version']))}, reechain "
        f"{html.escape(str(record['package_version']))}.</p>",
    ]
    parts += figure_sections(figs)
    if output is not None:
        try:
            sens = sensitivity(store, run_id, output)
            parts.append(
                f"<h2>Sensitivity of {html.escape(str(output))}</h2>"
                + sens.to_html(index=False, border=0)
            )
        except (KeyError, ValueError) as exc:
            parts.append(f"<p>No sensitivity: {html.escape(str(exc))}</p>")
    last = int(p["year"].max()) if len(p) else None
    if last is not None:
        keep = p[
            (p["year"] == last)
            & p["metric"].isin(["share", "hhi"])
            & ((p["metric"] == "hhi") | (p["p95"] > 0.005))
        ]
        parts.append(
            f"<h2>Percentiles in {last}</h2>"
            + keep.to_html(index=False, border=0, float_format="%.4g")
        )
    parts.append(f"<h2>The scenario</h2><pre>{html.escape(str(record['scenario']))}</pre>")
    return write_page(path, f"ensemble {run_id}", parts)
