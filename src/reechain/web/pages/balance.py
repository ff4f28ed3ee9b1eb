"""The element balance: a deposit's output by element for a tonnage of rare earth oxide, in the
deposit's composition or one the reader picks (a deposit without a published composition
needs one picked)."""

from __future__ import annotations

import html
import math

import pandas as pd
from fastapi.exceptions import RequestValidationError

from reechain.analysis.balance import (
    MAGNET_REE,
    NDPR,
    ElementBalance,
    choose_composition,
    deposit_output,
)
from reechain.data.dataset import Dataset
from reechain.engine.scenario import MAX_QUANTITY
from reechain.errors import ReechainError
from reechain.reports import plot
from reechain.reports import tables as report_tables
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
)
from reechain.web.pages.shell import layout
from reechain.web.pages.tables import wrap

TITLE = "Element balance"
DEFAULT = ""  # the composition select's first choice:
OWN = "the deposit’s own, else its ore type’s"
PICK_ONE = (
    "<p class='note' role='status'>This deposit has no published element split, nor has its "
    "ore type: pick a composition above to see what its oxide would hold.</p>"
)
#: the most TREO the page (and ``reechain balance --tonnes``) splits [t REO]: the project's
#: largest quantity, so that no number on the page overflows to inf
MAX_TONNES = MAX_QUANTITY
# an unassigned share this small [fraction of TREO] is the float noise of a split summing to 100 %
NOISE = 1e-9


def tonnes_problem(tonnes: float) -> str | None:
    """Why ``tonnes`` [t REO] can't be split (negative, not finite, above :data:`MAX_TONNES`),
    else None."""
    if math.isfinite(tonnes) and 0 <= tonnes <= MAX_TONNES:
        return None
    given = f"{tonnes:g}" if math.isfinite(tonnes) else "an infinite or undefined number"
    return f"must be a number from 0 to {MAX_TONNES:,.0f} t REO, not {given}"


def has_composition(ds: Dataset, deposit_id: str) -> bool:
    """Whether the balance has a composition for a deposit: its own or its ore type's."""
    try:
        choose_composition(ds, deposit_id)
    except ReechainError:
        return False
    return True


def _form(ds: Dataset, deposit: str, tonnes: float, composition: str | None) -> str:
    """Deposit (every one; those without a composition marked), tonnes and composition."""
    deposits = ds.table("deposits").sort_values("name")
    known = deposits["deposit_id"].map(lambda d: has_composition(ds, d))
    labels = [
        n if k else f"{n} (pick a composition)"
        for n, k in zip(deposits["name"], known, strict=True)
    ]
    comps = ds.table("compositions").drop_duplicates("composition_id").sort_values("composition_id")
    comp_labels = [
        (c.composition_id, f"{c.composition_id} ({c.ore_type})") for c in comps.itertuples()
    ]
    return (
        "<form method='get'>"
        + field(
            "deposit",
            "Deposit",
            f"<select id='deposit' name='deposit'>"
            f"{options(zip(deposits['deposit_id'], labels, strict=True), deposit)}</select>",
        )
        + field(
            "tonnes",
            "TREO [t]",
            f"<input id='tonnes' name='tonnes' type='number' min='0' max='{MAX_TONNES:.0f}' "
            f"value='{tonnes:g}'>",
        )
        + field(
            "composition",
            "Composition",
            f"<select id='composition' name='composition'>"
            f"{options([(DEFAULT, OWN), *comp_labels], composition or DEFAULT)}</select>",
        )
        + "<button type='submit'>Show</button></form>"
        + _unknown_note(deposits[~known])
    )


def _unknown_note(unknown: pd.DataFrame) -> str:
    """Which deposits need a composition picked, and why."""
    if unknown.empty:
        return ""
    names = "; ".join(f"{d.name} ({d.ore_type} ore)" for d in unknown.itertuples())
    return (
        f"<p class='note'>{html.escape(names)}: the data hold no published element split of "
        "theirs nor of their ore type, so pick a composition to see a balance (an assumption, "
        "not a measurement).</p>"
    )


def balance_cards(res: ElementBalance) -> list[Card]:
    """NdPr and magnet rare earth oxide (exact, a lower bound or unknown), the largest element
    and the share of TREO the composition does not itemise (never below 0: a split summing
    slightly above 100 % itemises all of it, as :meth:`ElementBalance.upper` counts it). With
    no TREO there is no largest element nor share: '–' with why."""
    amounts = [
        _amount_card(res, "NdPr oxide", NDPR, "what magnet makers buy most of"),
        _amount_card(
            res, "Magnet rare earths (Nd, Pr, Tb, Dy)", MAGNET_REE, "the oxide magnets need"
        ),
    ]
    if not res.treo_t > 0:
        return [
            *amounts,
            missing_card("Largest element", "TREO is 0 t: no element is largest"),
            missing_card("TREO not itemised", "TREO is 0 t: a share of nothing is not defined"),
        ]
    top = res.table.sort_values("oxide_t", ascending=False).iloc[0]
    unassigned_t = res.unassigned_t if res.unassigned_t > NOISE * res.treo_t else 0.0
    unassigned = 100 * unassigned_t / res.treo_t
    return [
        *amounts,
        Card(
            f"Largest element: {top['element']}",
            float(top["oxide_t"]),
            f"{report_tables.tonnes(top['oxide_t'])} t",
            f"{report_tables.percent(top['share_pct'])} % of TREO; what does not sell is surplus",
        ),
        Card(
            "TREO not itemised",
            unassigned,
            f"{report_tables.percent(unassigned)} %",
            "oxide the composition does not split by element (unknown, not zero)",
        ),
    ]


def _amount_card(res: ElementBalance, label: str, elements: tuple[str, ...], means: str) -> Card:
    """An oxide amount [t REO]: its value when exact, else the lower bound, with the why."""
    low, high = res.total(elements), res.upper(elements)
    if high - low < 0.5:
        return Card(label, low, f"{low:,.0f} t", f"{means} (of {res.treo_t:,.0f} t TREO)")
    text = report_tables.balance_amount(res, elements)
    if low < 0.5:
        return Card(label, None, report_tables.MISSING, text)
    return Card(label, low, f"≥ {low:,.0f} t", text)


def element_chart(res: ElementBalance) -> Chart:
    """Oxide output per element."""
    t = res.table
    data = pd.DataFrame(
        {
            "element (oxide)": t["element"],
            "share [% TREO]": t["share_pct"],
            "oxide [t REO]": t["oxide_t"],
            "metal [t metal]": t["metal_t"],
            "EU group": t["group_eu"],
            "magnet rare earth": t["magnet_ree"],
        }
    )
    top = t.sort_values("oxide_t", ascending=False).head(3)
    said = ", ".join(f"{r.element} {r.oxide_t:,.0f} t" for r in top.itertuples())
    summary = f"{res.treo_t:,.0f} t of {res.deposit_name} oxide hold most: {said}."
    return Chart(
        "elements",
        plot.element_bars(t, f"{res.deposit_name}: oxide output by element"),
        data,
        summary,
    )


def _reason(res: ElementBalance) -> str:
    """Why this composition, unless the notes below already say it."""
    return "" if res.choice.reason in res.notes else f" ({html.escape(res.choice.reason)})"


def balance(ds: Dataset, deposit: str, tonnes: float, composition: str | None = None) -> str:
    """The balance page for ``tonnes`` [t REO] of a deposit's oxide (``composition``: a
    composition id, else the deposit's own or its ore type's)."""
    composition = composition or None
    why = tonnes_problem(tonnes)
    if why is not None:  # an error page (422) naming the bound, as for any bad query value
        raise RequestValidationError(
            [{"loc": ("query", "tonnes"), "msg": why, "type": "value_error"}]
        )
    form = _form(ds, deposit, tonnes, composition)
    known = deposit in set(ds.table("deposits")["deposit_id"])
    if composition is None and known and not has_composition(ds, deposit):
        return layout(TITLE, form + PICK_ONE, "/balance")
    try:
        res = deposit_output(ds, deposit, tonnes, composition)
    except ReechainError as exc:  # unknown deposit, bad tonnage, no composition: say so
        return layout(TITLE, form + problem(str(exc)), "/balance")
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in res.notes)
    body = (
        form
        + cards_html(balance_cards(res))
        + f"<p>{html.escape(report_tables.balance_headline(res))} Composition: "
        f"<code>{html.escape(res.choice.composition_id)}</code>{_reason(res)}.</p>"
        + chart_section(element_chart(res))
        + "<h2>Output by element</h2>"
        + wrap(report_tables.balance_table_html(res), "Output by element")
        + (f"<ul class='note'>{notes}</ul>" if notes else "")
        + sources_list(ds, res.sources["source_id"])
    )
    return layout(TITLE, body, "/balance")
