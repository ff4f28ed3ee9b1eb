"""A scenario report's first page, written from the run beside its baseline: the questions the
scenario asks, the answers in numbers, what drives them, the caveats and the stamp.

One job a module: the numbers (:mod:`.key_numbers`, from :mod:`.shares`, :mod:`.shortfalls`,
:mod:`.prices` and :mod:`.splits`), the sentences that say them (:mod:`.questions`,
:mod:`.answers`, :mod:`.drivers`, :mod:`.caveats`, in the words of :mod:`.wording`) and the
stamp (:mod:`.stamp`). This module assembles the page; the names it imports are the summary's
public ones."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.reports.summary.answers import answers
from reechain.reports.summary.caveats import caveats
from reechain.reports.summary.drivers import drivers
from reechain.reports.summary.key_numbers import Findings, findings
from reechain.reports.summary.prices import observed_prices
from reechain.reports.summary.questions import questions
from reechain.reports.summary.splits import borrowed_splits
from reechain.reports.summary.stamp import scenario_hash, stamp, stamp_html
from reechain.reports.summary.wording import pct, times, usd_per_kg
from reechain.reports.tables import tonnes

__all__ = [
    "Findings",
    "borrowed_splits",
    "caveats",
    "findings",
    "observed_prices",
    "pct",
    "scenario_hash",
    "stamp",
    "summary_html",
    "times",
    "tonnes",
    "usd_per_kg",
]


def summary_html(
    res: ScenarioResult,
    base: ScenarioResult | None,
    ds: Dataset,
    names: Mapping[str, str],
    f: Findings,
    day: date | None = None,
) -> str:
    """The report's first page from the run's findings ``f``: the questions, the answers in
    numbers, what drives them, the caveats and the stamp (HTML, escaped)."""
    sc = res.scenario
    lists = (
        ("The questions", questions(sc, names)),
        ("The answers", answers(f, sc, names)),
        ("What drives them", drivers(f, sc, names)),
        ("Caveats", caveats(res, ds)),
    )
    body = "".join(
        f"<h3>{title}</h3><ul>{''.join(f'<li>{html.escape(x)}</li>' for x in items)}</ul>"
        for title, items in lists
        if items
    )
    if base is None:
        body += "<p>No baseline was run: the answers stand without their comparison.</p>"
    return (
        "<section id='summary' class='summary'><h2>Executive summary</h2>"
        f"{body}{stamp_html(stamp(sc, ds, day))}</section>"
    )
