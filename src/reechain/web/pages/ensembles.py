"""The ensembles page: a form that starts a run (``ensemble_form``), the runs in the server's
store, and a run's fans and deficit probabilities, each chart with its data."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from reechain.errors import ReechainError
from reechain.web.pages.ensemble_form import start_form
from reechain.web.pages.figdata import figure_frame, figure_summary
from reechain.web.pages.parts import Chart, chart_section, problem
from reechain.web.pages.shell import layout

TITLE = "Ensembles"
SCRIPT = "/static/ensembles.js"
KEY_NOTE = (
    "<p>This server keeps stored results behind its API key: read them with "
    "<code>GET /api/ensembles</code> and the <code>X-API-Key</code> header, or with "
    "<code>reechain ensemble show</code> on the machine that holds the store.</p>"
)


def ensemble_runs(store_path: Path) -> pd.DataFrame:
    """The runs in the store (none when there is no store)."""
    if not store_path.exists():
        return pd.DataFrame(columns=["run_id", "name", "done", "status"])
    from reechain.ensemble.store import Store

    return Store(store_path, create=False).runs()


def ensembles_page(body: str, needs_key: bool = False) -> str:
    """The ensembles page: the form that starts a run, then ``body`` (``needs_key``: the
    server asks for its API key)."""
    return layout(TITLE, start_form(needs_key) + body, "/ensembles", scripts=(SCRIPT,))


def _run_charts(store_path: Path, run: str, names: dict[str, str]) -> str:
    from reechain.ensemble.store import Store
    from reechain.reports.ensemble import ensemble_figures, tables

    figs = ensemble_figures(tables(Store(store_path), run), names=names)
    if not figs:  # a run still going, or one whose samples all failed
        return f"<p>No sample of run {html.escape(run)} has finished with a result yet.</p>"
    sections = []
    for i, fig in enumerate(figs):
        frame = figure_frame(fig)
        chart_id = "fan" if i == 0 else f"ens{i}"
        sections.append(chart_section(Chart(chart_id, fig, frame, figure_summary(fig, frame))))
    return "".join(sections)


def ensembles(
    store_path: Path,
    run: str | None,
    names: dict[str, str] | None = None,
    needs_key: bool = False,
) -> str:
    """The list of runs, and ``run``'s charts (``names``: ISO3 -> country name); with
    ``needs_key`` only the form, as stored results need the key a link can't send."""
    if needs_key:
        return ensembles_page(KEY_NOTE, needs_key=True)
    try:
        runs = ensemble_runs(store_path)
    except ReechainError as exc:  # a store that isn't one: say so, not a 500
        return ensembles_page(problem(str(exc)))
    if runs.empty:
        return ensembles_page(
            "<h2>Runs</h2><p>No ensemble runs in this server's store yet; start one above "
            "or with <code>reechain ensemble run SCENARIO</code>.</p>"
        )
    links = "".join(
        f"<li><a href='/ensembles?run={html.escape(str(r.run_id))}'>{html.escape(str(r.name))}</a> "
        f"({r.done} samples, {html.escape(str(r.status))})</li>"
        for r in runs.itertuples()
    )
    body = f"<h2>Runs</h2><ul>{links}</ul>"
    if run and run not in set(runs["run_id"]):
        body += problem(f"No run {run!r} in this store.")
    elif run:
        body += _run_charts(store_path, run, names or {})
    return ensembles_page(body)
