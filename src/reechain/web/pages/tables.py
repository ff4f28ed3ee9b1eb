"""Tables for people: a data frame whose column names are already human headers with units
(``share [%]``, ``oxide [t REO]``) as an HTML table (caption, ``scope``, numbers right-aligned
with thousands separators, '–' for missing, in a box that scrolls on its own on a narrow
screen) and as a CSV download (a ``data:`` address, the numbers unrounded)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pandas as pd

from reechain.reports import tables as report_tables

CODE_COLUMN = "ISO3"  # a frame's country codes: the 'country' cell's hover text
CSV_FLOAT = "%.6g"


def number(value: object) -> str:
    """A number with thousands separators: whole from 10, two significant digits below;
    '–' when missing."""
    return report_tables.tonnes(value)


def _format(header: str, column: pd.Series):
    """How a column's cells are written: % columns with :func:`report_tables.percent`, years
    as they are, other numbers with :func:`number`, text as text."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return report_tables.text, False
    if "[%]" in header:
        return report_tables.percent, True
    if header.lower().startswith("year"):
        return (
            lambda v: report_tables.MISSING if report_tables.is_missing(v) else f"{v:.0f}"
        ), True
    return number, True


def _cell(value: object, fmt, numeric: bool, title: str | None) -> str:
    attrs = " class='num'" if numeric else ""
    if title:
        attrs += f" title='{html.escape(title)}'"
    return f"<td{attrs}>{html.escape(fmt(value))}</td>"


def table_html(frame: pd.DataFrame, caption: str, note: str = report_tables.MISSING_NOTE) -> str:
    """``frame`` as a captioned HTML table in a scrolling box; a 'country' cell carries its
    :data:`CODE_COLUMN` code as hover text; ``note`` below it when a cell is missing."""
    formats = {c: _format(str(c), frame[c]) for c in frame.columns}
    head = "".join(
        f"<th scope='col'{' class=num' if formats[c][1] else ''}>{html.escape(str(c))}</th>"
        for c in frame.columns
    )
    codes = frame.get(CODE_COLUMN)
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cells = "".join(
            _cell(
                row[c],
                *formats[c],
                str(codes.iloc[i]) if c == "country" and codes is not None else None,
            )
            for c in frame.columns
        )
        rows.append(f"<tr>{cells}</tr>")
    table = (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    missing = frame.map(report_tables.is_missing).to_numpy().any()
    tail = f"<p class='note'>{html.escape(note)}</p>" if missing else ""
    return wrap(table, caption) + tail


def wrap(table: str, label: str) -> str:
    """An HTML table in a box that scrolls sideways on its own (keyboard-reachable)."""
    return (
        f"<div class='table-wrap' role='region' tabindex='0' aria-label='{html.escape(label)}'>"
        f"{table}</div>"
    )


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV (no index; floats to six significant digits)."""
    return frame.to_csv(index=False, float_format=CSV_FLOAT)


def csv_link(frame: pd.DataFrame, name: str, label: str = "Download the data (CSV)") -> str:
    """A link that downloads ``frame`` as ``<name>.csv`` (a ``data:`` address: no request)."""
    href = "data:text/csv;charset=utf-8," + quote(csv_text(frame), safe=",.-_:;()+ ")
    href = href.replace(" ", "%20")
    return (
        f"<a class='csv' download='{html.escape(name)}.csv' href='{href}'>{html.escape(label)}</a>"
    )


def human(column: object) -> str:
    """A snake_case column name as a header: ``Pr_need_oxide_t`` -> 'Pr need oxide [t]',
    ``share_pct`` -> 'share [%]'."""
    text = str(column)
    unit = ""
    for suffix, name in (("_pct", "%"), ("_t", "t"), ("_usd", "USD")):
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], name
            break
    text = re.sub(r"_+", " ", text).strip()
    return f"{text} [{unit}]" if unit else text
