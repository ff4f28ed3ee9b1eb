"""Table formatting shared by the reports and the pages: human headers with units, thousands
separators, '–' for a missing value (never 0, never 'NaN') with a note saying so; and the
element balance's headline, where a total the composition does not itemise is 'unknown' or a
lower bound ('≥'), never 0 t."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from reechain.analysis.balance import MAGNET_REE, NDPR, ElementBalance
from reechain.data.names import element_parts

MISSING = "–"
MISSING_NOTE = "–: not known (not in the data), never zero."
NUMBER_STYLE = "text-align:right;font-variant-numeric:tabular-nums"


def is_missing(value: object) -> bool:
    """Whether a cell is missing (None, NaN, pd.NA)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def tonnes(value: object) -> str:
    """Tonnes [t] with thousands separators: whole tonnes from 10 t, two significant digits
    below (4 t of Tb is '4', 0.6 t is '0.6'); '–' when missing."""
    if is_missing(value):
        return MISSING
    v = float(value)
    return f"{v:,.0f}" if abs(v) >= 10 or v == 0 else f"{v:.2g}"


def percent(value: object) -> str:
    """A value already in % [%]: one decimal from 1 %, two significant digits below (0.04 % is
    '0.04', not '0.0'); '–' when missing."""
    if is_missing(value):
        return MISSING
    v = float(value)
    return f"{v:,.1f}" if abs(v) >= 1 or v == 0 else f"{v:.2g}"


def text(value: object) -> str:
    """A text cell; '–' when missing."""
    return MISSING if is_missing(value) else str(value)


@dataclass(frozen=True)
class Column:
    """How a table column is shown: its header (with the unit in brackets) and its format."""

    header: str
    fmt: Callable[[object], str] = tonnes
    numeric: bool = True


def table_html(df: pd.DataFrame, columns: Mapping[str, Column], note: str = MISSING_NOTE) -> str:
    """``df``'s ``columns`` as an HTML table (escaped), numbers right-aligned; ``note`` below
    it when a cell is missing."""
    head = "".join(f"<th>{html.escape(c.header)}</th>" for c in columns.values())
    body = "".join(
        "<tr>" + "".join(_cell(row[name], col) for name, col in columns.items()) + "</tr>"
        for _, row in df.iterrows()
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    missing = df[list(columns)].map(is_missing).to_numpy().any()
    return table + (f"<p class='caption'>{html.escape(note)}</p>" if missing else "")


def _cell(value: object, col: Column) -> str:
    style = f" class='num' style='{NUMBER_STYLE}'" if col.numeric else ""
    return f"<td{style}>{html.escape(col.fmt(value))}</td>"


BALANCE_COLUMNS = {
    "element": Column("element (oxide)", text, numeric=False),
    "share_pct": Column("share [% TREO]", percent),
    "oxide_t": Column("oxide [t REO]"),
    "metal_t": Column("metal [t metal]"),
    "group_eu": Column("EU group", text, numeric=False),
}
NOT_ITEMISED = "not itemised"
BALANCE_NOTE = (
    "–: not known, never zero: a lumped group of elements (such as Pr+Nd) has no single "
    "oxide-to-metal factor, and TREO the composition does not itemise has no element."
)


def balance_table_html(res: ElementBalance) -> str:
    """The element balance as an HTML table, with a 'not itemised' row for the TREO the
    composition leaves unassigned [t REO] (shown, never spread over the elements)."""
    table = res.table[list(BALANCE_COLUMNS)]
    if res.unassigned_t > 0.5:
        rest = {
            "element": NOT_ITEMISED,
            "share_pct": 100 * res.unassigned_t / res.treo_t,
            "oxide_t": res.unassigned_t,
            "metal_t": None,
            "group_eu": None,
        }
        table = pd.concat([table, pd.DataFrame([rest])], ignore_index=True)
    return table_html(table, BALANCE_COLUMNS, BALANCE_NOTE)


def balance_amount(res: ElementBalance, elements: tuple[str, ...]) -> str:
    """The oxide of ``elements`` [t REO] as text: exact ('1,570 t'), a lower bound when some
    sits in a lumped group or in unitemised TREO ('≥ 1,570 t (…; at most 1,750 t)'), or
    'unknown (…)' when nothing of it is itemised. Never '0 t' for what is merely not split."""
    low, high = res.total(elements), res.upper(elements)
    if high - low < 0.5:
        return f"{low:,.0f} t"
    why = "; ".join(_hidden_reasons(res, elements))
    if low < 0.5:
        return f"unknown ({why}; at most {high:,.0f} t)"
    return f"≥ {low:,.0f} t ({why}; at most {high:,.0f} t)"


def _hidden_reasons(res: ElementBalance, elements: tuple[str, ...]) -> list[str]:
    """Why part of ``elements`` is not itemised: lumped groups holding some of them, and the
    share of TREO [%] the composition leaves unassigned."""
    reasons = []
    for group in res.table["element"]:
        parts = element_parts(group)
        inside = [e for e in elements if e in parts]
        if inside and len(parts) > len(inside):
            reasons.append(f"{', '.join(inside)} inside the lumped group {group}")
    if res.unassigned_t > 0.5:
        share = percent(100 * res.unassigned_t / res.treo_t)
        reasons.append(f"{share} % of TREO not itemised")
    return reasons


def balance_headline(res: ElementBalance) -> str:
    """The balance page's headline (plain text; escape it for HTML): NdPr and magnet rare
    earth oxide [t REO], each exact, a lower bound or unknown (:func:`balance_amount`)."""
    return (
        f"NdPr oxide: {balance_amount(res, NDPR)}; magnet rare earths (Nd, Pr, Tb, Dy): "
        f"{balance_amount(res, MAGNET_REE)}."
    )
