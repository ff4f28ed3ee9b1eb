"""Read the salient-statistics file of a USGS MCS rare earths data release.

The file has one row per year and one column per U.S. statistic, e.g. the 2024 release
(``mcs2024-raree_salient.csv``)::

    DataSource, Commodity, Year, USprod_Concentrate_t, USprod_Compounds-Metals_t,
    Imports_Compounds_t, ..., Consump_Compounds-Metals_t, Price_CeO2_dkg, Price_Dy2O3_dkg,
    Price_Eu2O3_dkg, Price_La2O3_dkg, Price_Mischmetal_dkg, Price_Nd2O3_dkg, Price_TbO2_dkg,
    Employment_m, NIR_Compounds-Metals_t, NIR_Concentrate_t

Names change between editions (``NIR_..._pct`` in 2023, ``..._t`` in 2024 although the values
are percentages; ``USprod_Mineral_concentrates_t``, ``Consump_Apparent_...``, ``NIR_pct``), so
columns are recognised by their words, and each goes where the embedded package keeps it:

- production (``USprod``/``Prod``) [t REO]: concentrates or mine -> ``production`` stage mining,
  compounds and metals -> stage separation;
- consumption (``Consump``) [t REO]: ``demand`` metric apparent_consumption (estimated_consumption
  if the column says estimated) and ``criticality_inputs`` parameter apparent_consumption;
- net import reliance (``NIR``) [percent, stored as a fraction 0-1]: ``criticality_inputs``
  parameter NIR, stage processing (compounds and metals), extraction (concentrates) or overall
  (the column does not say); ``>95`` is the range 0.95-1 with no point value, ``E`` (net
  exporter) an empty value with upper bound 0;
- prices (``Price_<oxide>_dkg``) [USD/kg]: ``prices``, annual averages in the embedded rows'
  material, purity and market, so that both sit on one key.

Imports, exports and employment have no table and are listed as skipped. The table header's
current year (``2024e`` in MCS2025) is printed as an estimate, so its values are ``estimated``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reechain.data.importers.usgs_cells import (
    Range,
    as_range,
    edition_of,
    parse_cell,
    parse_percent,
    source_id,
    unit_factor,
)
from reechain.errors import ImportFormatError

logger = logging.getLogger(__name__)

TABLES = ("production", "demand", "criticality_inputs", "prices")
FIXED_COLUMNS = {"datasource", "source", "commodity", "year"}
REO = "REO (compounds and metals)"
PRICE_MARKET = (
    "USGS annual average (market basis not stated; Argus Non-Ferrous Markets in recent editions)"
)
OXIDES = {
    "ce": "CeO2",
    "dy": "Dy2O3",
    "eu": "Eu2O3",
    "gd": "Gd2O3",
    "la": "La2O3",
    "nd": "Nd2O3",
    "pr": "Pr6O11",
    "sm": "Sm2O3",
    "tb": "Tb4O7",
    "y": "Y2O3",
}
ELEMENT_NAMES = {
    "cerium": "ce",
    "dysprosium": "dy",
    "europium": "eu",
    "gadolinium": "gd",
    "lanthanum": "la",
    "neodymium": "nd",
    "praseodymium": "pr",
    "samarium": "sm",
    "terbium": "tb",
    "yttrium": "y",
}
MISCHMETAL = "mischmetal (65% Ce, 35% La)"
# Purity as the MCS chapters print it (the data release does not carry it); the same as the
# embedded USGS price rows, so that an imported price and an embedded one share a key.
PURITY = {
    "CeO2": "99.5% min",
    "Dy2O3": "99.5% min",
    "Eu2O3": "99.99% min",
    "La2O3": "99.5% min",
    "Nd2O3": "99.5% min",
    "Tb4O7": "99.99% min",
}
PER_KG = {"dkg", "dpkg", "kg", "perkg", "usdkg"}


@dataclass(frozen=True)
class Statistic:
    """What a salient column holds: ``kind`` (production, consumption, nir, price), ``target``
    (a stage, metric or price material) and a note on how its name was read."""

    column: str
    kind: str
    target: str
    note: str = ""


@dataclass(frozen=True)
class Origin:
    """Where a cell comes from: file, 1-based line, column, the row's year and the edition."""

    path: Path
    line: int
    column: str
    year: int
    edition: str

    @property
    def current_year(self) -> bool:
        """The edition's latest year (``2024e`` in MCS2025), printed as an estimate."""
        return self.year == int(self.edition[3:]) - 1

    def status(self, status: str) -> str:
        """The cell's status; a reported value of the edition's latest year is an estimate."""
        return "estimated" if status == "reported" and self.current_year else status

    def note(self, *parts: str) -> str:
        """``imported from FILE, line N, column C`` and the given remarks."""
        where = f"imported from {self.path.name}, line {self.line}, column {self.column}"
        if self.current_year:
            parts = (*parts, where, "the edition's latest year (an estimate in the MCS table)")
        else:
            parts = (*parts, where)
        return "; ".join(p for p in parts if p)


@dataclass
class Salient:
    """The rows read from a salient file by table, its edition and the columns skipped."""

    edition: str
    tables: dict[str, pd.DataFrame]
    skipped: list[str]


# -- columns ---------------------------------------------------------------------------------


def _words(column: str) -> list[str]:
    """'USprod_Compounds-Metals_t' -> ['usprod', 'compounds', 'metals', 't']."""
    return [w for w in re.split(r"[^a-z0-9]+", column.lower()) if w]


def _has(words: list[str], *stems: str) -> bool:
    return any(w.startswith(stems) for w in words)


def _production_stage(words: list[str]) -> tuple[str, str] | None:
    if _has(words[1:], "concentrate", "mine"):
        return "mining", ""
    if _has(words[1:], "compound"):  # separated compounds and metals, REO equivalent
        return "separation", ""
    return None


def _consumption_metric(words: list[str]) -> tuple[str, str] | None:
    if _has(words[1:], "reported"):
        return None
    if _has(words[1:], "estimated"):
        return "estimated_consumption", "USGS 'Consumption, estimated'"
    return "apparent_consumption", "USGS apparent consumption: production + imports - exports"


def _nir_stage(words: list[str]) -> tuple[str, str] | None:
    if _has(words[1:], "concentrate"):
        return "extraction", "mineral concentrates"
    if _has(words[1:], "compound", "metal"):
        return "processing", "compounds and metals"
    return "overall", "the column does not say compounds and metals or concentrates"


def _product(word: str) -> tuple[str, str] | None:
    """A price column's word as (material, note): an oxide formula, element name or mischmetal."""
    if word == "mischmetal":
        return MISCHMETAL, ""
    symbol = ELEMENT_NAMES.get(word, word)
    m = re.fullmatch(r"([a-z]{1,2})\d*o\d*", symbol)
    oxide = OXIDES.get(m.group(1) if m else symbol)
    if oxide is None:
        return None
    if m and word != oxide.lower():
        return oxide, f"the column name's formula is not {oxide} ({oxide} basis assumed)"
    return oxide, ""


def _price_material(words: list[str]) -> tuple[str, str] | None:
    if not PER_KG & set(words[1:]):
        return None  # only prices per kilogram are imported
    found = (_product(w) for w in words[1:])
    return next((p for p in found if p), None)


CLASSIFIERS: dict[str, tuple[str, Callable[[list[str]], tuple[str, str] | None]]] = {
    "usprod": ("production", _production_stage),
    "prod": ("production", _production_stage),
    "production": ("production", _production_stage),
    "consump": ("consumption", _consumption_metric),
    "consumption": ("consumption", _consumption_metric),
    "nir": ("nir", _nir_stage),
    "price": ("price", _price_material),
}


def classify(column: str) -> Statistic | None:
    """What a salient column holds, or None if it has no table here.

    >>> classify("NIR_Compounds-Metals_t").target
    'processing'
    >>> classify("Price_TbO2_dkg").target
    'Tb4O7'
    >>> classify("Employment_m") is None
    True
    """
    words = _words(column)
    kind, read = CLASSIFIERS.get(words[0] if words else "", ("", lambda _: None))
    found = read(words)
    return Statistic(column, kind, *found) if found else None


# -- rows ------------------------------------------------------------------------------------


def _production_rows(stat: Statistic, text: object, o: Origin) -> list[tuple[str, dict]]:
    """A U.S. production cell [t or kt] as a production row [t REO]."""
    cell = parse_cell(text)
    value = None if cell.value is None else cell.value * unit_factor(stat.column, o.path)
    row = {
        "stage": stat.target,
        "country": "USA",
        "year": o.year,
        "material": "TREO",
        "measure": "output",
        "value": value,
        "unit": "t REO",
        "basis": "REO",
        "status": o.status(cell.status),
        "edition": o.edition,
        "preferred": True,
        "source_id": source_id(o.edition),
        "note": o.note(cell.note),
    }
    return [("production", row)]


def _criticality_row(parameter: str, stage: str, unit: str, r: Range, o: Origin, note: str) -> dict:
    """A USGS row of criticality_inputs (assessment ``USGS-MCS2025``), one per edition."""
    return {
        "assessment": f"USGS-{o.edition}",
        "material": "REE",
        "parameter": parameter,
        "stage": stage,
        "country": "USA",
        "year": o.year,
        "sector": None,
        "application": None,
        "value": r.value,
        "low": r.low,
        "high": r.high,
        "unit": unit,
        "status": o.status(r.status),
        "preferred": True,
        "source_id": source_id(o.edition),
        "note": note,
    }


def _consumption_rows(stat: Statistic, text: object, o: Origin) -> list[tuple[str, dict]]:
    """A U.S. consumption cell [t or kt] as a demand row [t REO] (and, for apparent
    consumption, a criticality_inputs row, as the embedded USGS assessments hold it)."""
    r = as_range(parse_cell(text), unit_factor(stat.column, o.path))
    note = o.note(f"edition {o.edition}", stat.note, r.note)
    demand = {
        "metric": stat.target,
        "region": "USA",
        "end_use": "all",
        "material": REO,
        "year": o.year,
        "value": r.value,
        "low": r.low,
        "high": r.high,
        "unit": "t REO",
        "scenario": "historical",
        "status": o.status(r.status),
        "preferred": True,
        "source_id": source_id(o.edition),
        "note": note,
    }
    rows = [("demand", demand)]
    if stat.target == "apparent_consumption":
        crit = _criticality_row("apparent_consumption", "processing", "t REO", r, o, note)
        rows.append(("criticality_inputs", crit))
    return rows


def _nir_rows(stat: Statistic, text: object, o: Origin) -> list[tuple[str, dict]]:
    """A net import reliance cell [percent] as a criticality_inputs row [fraction]."""
    r = parse_percent(text)
    note = o.note(stat.note, r.note)
    return [("criticality_inputs", _criticality_row("NIR", stat.target, "fraction", r, o, note))]


def _price_rows(stat: Statistic, text: object, o: Origin) -> list[tuple[str, dict]]:
    """An annual average price cell [USD/kg] as a prices row."""
    cell = parse_cell(text)
    note = o.note(f"USGS MCS salient statistics, edition {o.edition}", stat.note, cell.note)
    row = {
        "material": stat.target,
        "purity": PURITY.get(stat.target),
        "market": PRICE_MARKET,
        "year": o.year,
        "period": "annual",
        "value": cell.value,
        "unit": "USD/kg",
        "price_type": "annual_average",
        "edition": o.edition,
        "status": o.status(cell.status),
        "preferred": True,
        "source_id": source_id(o.edition),
        "note": note,
    }
    return [("prices", row)]


BUILDERS: dict[str, Callable[[Statistic, object, Origin], list[tuple[str, dict]]]] = {
    "production": _production_rows,
    "consumption": _consumption_rows,
    "nir": _nir_rows,
    "price": _price_rows,
}


def _cell_rows(stat: Statistic, text: object, o: Origin) -> list[tuple[str, dict]]:
    """The rows of one cell; a cell that does not parse names its file, line and column."""
    try:
        return BUILDERS[stat.kind](stat, text, o)
    except ValueError as exc:
        raise ImportFormatError(f"{o.path}, line {o.line}, column {stat.column!r}: {exc}") from None


# -- file ------------------------------------------------------------------------------------


def _read(path: Path) -> pd.DataFrame:
    """The file's cells as text, blank rows dropped (the index stays the 0-based data row)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    if "Year" not in df:
        raise ImportFormatError(
            f"{path}: not a USGS salient file (no Year column; found {list(df.columns)})"
        )
    return df[df.apply(lambda r: "".join(r).strip(), axis=1) != ""]


def _year(row: pd.Series, path: Path, line: int) -> int:
    """The row's year; a row that is not about rare earths is refused."""
    commodity = str(row.get("Commodity", "rare earths"))
    if "rare earth" not in commodity.lower():
        raise ImportFormatError(
            f"{path}, line {line}, column 'Commodity': {commodity!r} is not rare earths; "
            "only the rare earths salient file is imported"
        )
    try:
        return int(parse_cell(row["Year"]).value)
    except (ValueError, TypeError):
        raise ImportFormatError(
            f"{path}, line {line}, column 'Year': {row['Year']!r} is not a year"
        ) from None


def _statistics(columns: Iterable[str]) -> tuple[list[Statistic], list[str]]:
    """The statistics of a file's columns and the columns that have no table here."""
    stats: list[Statistic] = []
    skipped: list[str] = []
    for column in columns:
        if column.lower() in FIXED_COLUMNS:
            continue
        stat = classify(column)
        if stat is None:
            skipped.append(column)
        else:
            stats.append(stat)
    return stats, skipped


def read_salient(path: Path) -> Salient:
    """Parse a salient statistics file into rows of the production, demand,
    criticality_inputs and prices tables (see the module docstring for what goes where)."""
    df = _read(path)
    source_col = next((c for c in ("DataSource", "Source") if c in df), None)
    edition = edition_of(df[source_col].iloc[0] if source_col and len(df) else "", path)
    stats, skipped = _statistics(df.columns)
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for idx, record in df.iterrows():
        line = int(idx) + 2
        year = _year(record, path, line)
        for stat in stats:
            origin = Origin(path, line, stat.column, year, edition)
            for table, row in _cell_rows(stat, record[stat.column], origin):
                rows[table].append(row)
    logger.info(
        "%s (%s): %d statistics read, %d skipped", path.name, edition, len(stats), len(skipped)
    )
    return Salient(edition, {t: pd.DataFrame(r) for t, r in rows.items() if r}, skipped)
