"""Cells of USGS Mineral Commodity Summaries data-release CSVs: numbers, markers and bounds.

USGS prints thousands separators (``270,000``), ``W`` (withheld), ``NA``/``XX``/empty
(missing), ``—`` (zero, per the MCS legend "— Zero"), ``e`` marks (estimated) and bounds such as
``>95`` or ``<1``; a net import reliance may also be ``E`` (net exporter). Column names carry
the unit (``_t``, ``_kt``) and the edition is in the ``Source``/``DataSource`` column
(``MCS2025``) or the file name (``mcs2024-raree_salient.csv``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from reechain.errors import ImportFormatError

logger = logging.getLogger(__name__)

MISSING_TOKENS = {"", "na", "n/a", "xx", "--", "nan"}
ZERO_TOKENS = {"—", "–", "-"}
NET_EXPORTER_NOTE = "printed E (net exporter): net import reliance at or below zero"


@dataclass
class Cell:
    """A parsed USGS cell: value (None if missing), status, a note on how it was read and the
    bound it was printed with (``'>'``, ``'<'`` or ``''`` for a point value)."""

    value: float | None
    status: str
    note: str = ""
    bound: str = ""


@dataclass
class Range:
    """A value that may be a point or a range: ``value`` or (``low``, ``high``), same unit."""

    value: float | None
    low: float | None
    high: float | None
    status: str
    note: str = ""


def _text(text: object) -> tuple[str, str]:
    """The raw text of a cell and its normalised form (NFKC, no non-breaking spaces)."""
    raw = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return raw, unicodedata.normalize("NFKC", raw).replace("\xa0", " ").strip()


def parse_cell(text: object) -> Cell:
    """Parse one numeric USGS cell.

    >>> parse_cell("270,000")
    Cell(value=270000.0, status='reported', note='', bound='')
    >>> parse_cell("W").status
    'withheld'
    >>> parse_cell(">95")
    Cell(value=95.0, status='reported', note="printed '>95'", bound='>')
    """
    raw, s = _text(text)
    if s.lower() in MISSING_TOKENS:
        return Cell(None, "missing")
    if s in ZERO_TOKENS:
        return Cell(0.0, "reported", "printed '—' (zero)")
    if s.upper() == "W":
        return Cell(None, "withheld", "withheld to avoid disclosing company proprietary data")
    m = re.fullmatch(r"(?i)(e\s*)?([<>]?)\s*([\d,]*\.?\d+)\s*(e)?", s)
    if not m:
        raise ValueError(f"{raw!r} is not a number, W, NA or —")
    status = "estimated" if m.group(1) or m.group(4) else "reported"
    note = f"printed '{m.group(2)}{m.group(3)}'" if m.group(2) else ""
    return Cell(float(m.group(3).replace(",", "")), status, note, m.group(2))


def as_range(cell: Cell, scale: float = 1.0, ceiling: float | None = None) -> Range:
    """A parsed cell times ``scale`` as a point or, if printed as a bound, a range: ``>x`` is
    (x, ``ceiling``) (open if None) and ``<x`` is (0, x).

    >>> as_range(parse_cell(">85,000"), 1000.0)
    Range(value=None, low=85000000.0, high=None, status='reported', note="printed '>85,000'")
    """
    if cell.value is None or not cell.bound:
        value = None if cell.value is None else cell.value * scale
        return Range(value, None, None, cell.status, cell.note)
    bound = cell.value * scale
    if cell.bound == ">":
        return Range(None, bound, ceiling, cell.status, cell.note)
    return Range(None, 0.0, bound, cell.status, cell.note)


def parse_percent(text: object) -> Range:
    """A net import reliance cell [percent] as a fraction [0-1], bounds kept as a range.

    ``E`` (net exporter) is no number: value empty, upper bound 0 (reliance at or below zero),
    as the embedded USGS rows hold it.

    >>> r = parse_percent(">95")
    >>> r.value, r.low, r.high, r.note
    (None, 0.95, 1.0, 'printed >95 %: a bound, kept as a range, not a point')
    >>> parse_percent("E").high
    0.0
    >>> parse_percent("100").value
    1.0
    """
    _, s = _text(text)
    if s.upper() == "E":
        return Range(None, None, 0.0, "reported", NET_EXPORTER_NOTE)
    cell = parse_cell(s.rstrip("%").strip())
    fraction = None if cell.value is None else cell.value / 100
    out = as_range(replace(cell, value=fraction), ceiling=1.0)
    if cell.bound:
        out.note = f"printed {cell.bound}{cell.value:g} %: a bound, kept as a range, not a point"
    elif cell.value is not None:
        out.note = f"printed {cell.value:g} %"
    return out


def edition_of(value: object, path: Path) -> str:
    """The MCS edition (``MCS2025``) named in a Source/DataSource cell or else the file name."""
    m = re.search(r"MCS\s*(\d{4})", str(value), re.IGNORECASE) or re.search(
        r"mcs(\d{4})", path.name, re.IGNORECASE
    )
    if not m:
        raise ImportFormatError(
            f"{path}: cannot tell the MCS edition (no 'MCS2025'-style value in "
            "the Source/DataSource column or the file name)"
        )
    return f"MCS{m.group(1)}"


def unit_factor(column: str, path: Path) -> float:
    """Tonnes per unit of a column named ``..._t`` (1) or ``..._kt`` (1000)."""
    if re.search(r"_kt(_|$)", column, re.IGNORECASE):
        return 1000.0
    if re.search(r"_t(_|$)", column, re.IGNORECASE):
        return 1.0
    raise ImportFormatError(f"{path}: column {column!r} has no unit suffix _t or _kt")


def source_id(edition: str) -> str:
    """The sources-table id of an imported edition, e.g. ``usgs-mcs2025-data-release``."""
    return f"usgs-{edition.lower()}-data-release"
