"""Import USGS Mineral Commodity Summaries data-release CSVs for rare earths into a user package.

USGS publishes, per commodity and edition, a *world* file (``MCS2025_..._world.csv``: columns
``Source, Country, Type, Prod_t_2023, Prod_t_est_2024, Prod_notes, Reserves_t, Reserves_notes``)
and a *salient statistics* file (``DataSource, Commodity, Year, ...`` with one column per
U.S. statistic, read by :mod:`.usgs_salient`). Their quirks are handled here and in
:mod:`.usgs_cells`:

- thousands separators (``270,000``), footnote digits glued to names (``United States1``),
  ``(rounded)`` and non-breaking spaces;
- ``W`` = withheld (kept missing, status ``withheld``), ``NA``/``XX``/empty = missing,
  ``—`` = zero (USGS's legend: "— Zero"), ``e`` marks = estimated, ``>95`` / ``<1`` kept
  as the bound (a range where the table has ``low``/``high``), ``E`` in a net import reliance =
  net exporter (never the number 0); ``_est_`` in a column name = estimated;
- unit suffixes ``_t`` and ``_kt`` (converted to t).

Nothing is written unless the whole file parses: an error names the file, line and column.
The output folder is a user data package (``Dataset.load(extra=FOLDER)``): production, reserves,
prices, demand (apparent consumption), criticality_inputs (net import reliance, apparent
consumption) and sources CSVs in the embedded schema. An imported edition is preferred where it
is the newest in effect (:func:`_mark_preferred`): never over a newer edition the embedded
package prefers, and for a year's whole table of countries at once. An existing package is
updated, never truncated: the rows are merged into its tables, written only after the result
passes every check (:mod:`reechain.data.importers.package`).
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.data.importers.package import (
    check_target,
    key_tuples,
    read_existing,
    update_package,
    upsert,
)
from reechain.data.importers.usgs_cells import Cell, edition_of, parse_cell, source_id, unit_factor
from reechain.data.importers.usgs_salient import read_salient
from reechain.errors import ImportFormatError

__all__ = ["Cell", "ImportResult", "clean_country", "import_usgs", "parse_cell", "read_salient"]

logger = logging.getLogger(__name__)

COUNTRY_ALIASES = {
    "united states": "USA",
    "burma": "MMR",
    "myanmar": "MMR",
    "russia": "RUS",
    "vietnam": "VNM",
    "china": "CHN",
    "australia": "AUS",
    "brazil": "BRA",
    "india": "IND",
    "madagascar": "MDG",
    "malaysia": "MYS",
    "thailand": "THA",
    "greenland": "GRL",
    "canada": "CAN",
    "tanzania": "TZA",
    "south africa": "ZAF",
    "laos": "LAO",
    "nigeria": "NGA",
    "turkey": "TUR",
    "turkiye": "TUR",
    "other countries": "OTH",
    "world total": "WLD",
    "world": "WLD",
    "korea, north": "PRK",
    "korea, republic of": "KOR",
    "kazakhstan": "KAZ",
    "sweden": "SWE",
    "estonia": "EST",
    "norway": "NOR",
    "malawi": "MWI",
    "burundi": "BDI",
    "uganda": "UGA",
}


def clean_country(name: str) -> str:
    """'United States1' -> 'United States'; drops '(rounded)', footnote marks and extra spaces."""
    s = unicodedata.normalize("NFKC", str(name)).replace("\xa0", " ")
    s = re.sub(r"\(rounded\)|\(.*?\)", "", s)
    s = re.sub(r"[\d*†‡§]+", "", s)
    s = re.sub(r",?\s*e$", "", s.strip())
    return re.sub(r"\s+", " ", s).strip(" ,")


def country_code(name: str, names: dict[str, str]) -> str | None:
    key = clean_country(name).lower()
    return COUNTRY_ALIASES.get(key) or names.get(key)


@dataclass
class ImportResult:
    """What an import read and wrote: the package's merged tables (all their rows)."""

    edition: str
    production: pd.DataFrame
    reserves: pd.DataFrame
    prices: pd.DataFrame
    demand: pd.DataFrame = field(default_factory=pd.DataFrame)
    criticality_inputs: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped_columns: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def read_world(path: Path, names: dict[str, str]) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Parse a world production and reserves file into production and reserves rows."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    if "Country" not in df or "Type" not in df:
        raise ImportFormatError(
            f"{path}: not a USGS world file (needs columns Country and Type; "
            f"found {list(df.columns)})"
        )
    df = df[~(df.apply(lambda r: "".join(r).strip(), axis=1) == "")]
    edition = edition_of(df["Source"].iloc[0] if "Source" in df and len(df) else "", path)
    sid = source_id(edition)
    prod_cols = [c for c in df.columns if re.match(r"(?i)prod_.*\d{4}$", c)]
    res_cols = [c for c in df.columns if re.match(r"(?i)reserves_", c) and "note" not in c.lower()]
    prod, res = [], []
    for idx, row in df.iterrows():
        line = int(idx) + 2
        code = country_code(row["Country"], names)
        if code is None:
            raise ImportFormatError(
                f"{path}, line {line}, column 'Country': unknown country "
                f"{row['Country']!r}; add it to the country aliases or to "
                "countries.csv of your package"
            )
        if "mine production" not in row["Type"].lower() and "mine" not in row["Type"].lower():
            raise ImportFormatError(
                f"{path}, line {line}, column 'Type': {row['Type']!r} is not "
                "mine production; only rare earth mine production is imported"
            )
        for col in prod_cols:
            try:
                cell = parse_cell(row[col])
            except ValueError as exc:
                raise ImportFormatError(f"{path}, line {line}, column {col!r}: {exc}") from None
            status = (
                "estimated" if "est" in col.lower() and cell.status == "reported" else cell.status
            )
            value = None if cell.value is None else cell.value * unit_factor(col, path)
            note = "; ".join(filter(None, [cell.note, str(row.get("Prod_notes", "")).strip()]))
            prod.append(
                {
                    "stage": "mining",
                    "country": code,
                    "year": int(col[-4:]),
                    "material": "TREO",
                    "measure": "output",
                    "value": value,
                    "unit": "t REO",
                    "basis": "REO",
                    "status": status,
                    "edition": edition,
                    "preferred": True,
                    "source_id": sid,
                    "note": f"imported from {path.name}, line {line}"
                    + (f"; {note}" if note else ""),
                }
            )
        for col in res_cols:
            try:
                cell = parse_cell(row[col])
            except ValueError as exc:
                raise ImportFormatError(f"{path}, line {line}, column {col!r}: {exc}") from None
            value = None if cell.value is None else cell.value * unit_factor(col, path)
            note = "; ".join(filter(None, [cell.note, str(row.get("Reserves_notes", "")).strip()]))
            res.append(
                {
                    "country": code,
                    "year": int(edition[3:]),
                    "value": value,
                    "unit": "t REO",
                    "status": cell.status,
                    "edition": edition,
                    "preferred": True,
                    "source_id": sid,
                    "note": f"imported from {path.name}, line {line}"
                    + (f"; {note}" if note else ""),
                }
            )
    return edition, pd.DataFrame(prod), pd.DataFrame(res)


TABLES = ("production", "reserves", "prices", "demand", "criticality_inputs")
# The duplicate keys of the tables whose rows carry a preferred mark by edition.
KEYS = {
    "production": ["stage", "country", "year", "material", "measure"],
    "reserves": ["country", "year"],
    "prices": ["material", "market", "year", "period", "price_type", "purity", "unit"],
    "demand": ["metric", "region", "end_use", "material", "year", "scenario"],
}
# Rows of one key and edition are one figure: a re-import of an edition replaces them. Demand
# rows have no edition column (their source id names the edition); criticality_inputs holds one
# assessment per edition (USGS-MCS2025), every one preferred as in the embedded package (its
# users take the newest assessment that has the year).
MERGE_KEYS = {
    "production": [*KEYS["production"], "edition"],
    "reserves": [*KEYS["reserves"], "edition"],
    "prices": [*KEYS["prices"], "edition"],
    "demand": [*KEYS["demand"], "source_id"],
    "criticality_inputs": [
        *("assessment", "material", "parameter", "stage", "country", "year"),
        *("sector", "application"),
    ],
}
# Country tables: an edition is in effect for a year's whole table (all countries of a stage,
# year, material and measure; of a year's reserves), so that one year's shares never mix
# editions. The other tables decide per key.
GROUPS = {"production": ["stage", "year", "material", "measure"], "reserves": ["year"]}
IMPORTED = r"usgs-mcs\d{4}-data-release"  # the source ids this importer writes


def _editions(df: pd.DataFrame) -> list[str | None]:
    """The MCS edition of each row, from its ``edition`` or else its source id (``usgs-mcs-2021``,
    ``usgs-mcs2024-data-release``); None for a row that is not from a USGS MCS edition."""
    column = df["edition"] if "edition" in df else df["source_id"]
    found = [re.search(r"(?i)mcs-?(\d{4})", v) if isinstance(v, str) else None for v in column]
    return [f"MCS{m.group(1)}" if m else None for m in found]


def _newest(df: pd.DataFrame, group: list[str], into: dict[tuple, str]) -> dict[tuple, str]:
    """``into`` with, per group of ``df``'s rows, the newest edition among them."""
    for key, edition in zip(key_tuples(df, group), _editions(df), strict=True):
        if edition is not None and edition > into.get(key, ""):
            into[key] = edition
    return into


def _imported(df: pd.DataFrame) -> pd.Series:
    """Which rows this importer wrote (by their source id)."""
    return df["source_id"].astype(str).str.fullmatch(IMPORTED)


def _mark_preferred(both: pd.DataFrame, table: str, embedded: pd.DataFrame) -> pd.DataFrame:
    """The package's rows with the imported ones marked preferred where their edition is in
    effect.

    Per group (a year's table of countries, else a key) the edition in effect is the newest of
    the one the embedded package prefers there and those imported with a world total (the whole
    table), or else the newest imported one. So an imported edition older than the embedded one
    in effect stays an alternative (preferred false), and a U.S.-only salient row does not take
    a year whose world table is another edition's. Rows the user wrote are left as they are.
    """
    mine = _imported(both)
    if not mine.any():
        return both
    group = GROUPS.get(table, KEYS[table])
    ours = both[mine]
    prefers = embedded["preferred"].fillna(False).astype(bool) & ~_imported(embedded)
    whole = ours[ours["country"] == "WLD"] if table in GROUPS else ours
    in_effect = _newest(whole, group, _newest(embedded[prefers], group, {}))
    target = {**_newest(ours, group, {}), **in_effect}
    keys = key_tuples(ours, group)
    flags = [e == target.get(k) for k, e in zip(keys, _editions(ours), strict=True)]
    both = both.copy()
    both.loc[mine, "preferred"] = flags
    return both


def _merge(
    old: pd.DataFrame | None, new: pd.DataFrame, table: str, embedded: pd.DataFrame
) -> pd.DataFrame:
    """The package's rows of ``table`` with the imported rows merged in by key and edition
    (other rows kept) and the imported editions' preferred marks set (:func:`_mark_preferred`)."""
    both = upsert(old, new, MERGE_KEYS[table])
    if table in KEYS and len(both):
        both = _mark_preferred(both, table, embedded)
    return both


def _read_files(
    files: list[Path], names: dict[str, str]
) -> tuple[dict[str, list[pd.DataFrame]], list[str], set[str]]:
    """Parse every file: the new rows by table, the columns skipped and the editions read."""
    rows: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    skipped: list[str] = []
    editions: set[str] = set()
    for f in files:
        if not f.is_file():
            raise ImportFormatError(f"{f}: no such file")
        header = f.read_text(encoding="utf-8-sig", errors="replace").splitlines()[:1]
        cols = {c.strip() for c in next(csv.reader(header), [])}
        if {"Country", "Type"} <= cols:
            edition, p, r = read_world(f, names)
            rows["production"].append(p)
            rows["reserves"].append(r)
        elif "Year" in cols:
            salient = read_salient(f)
            edition = salient.edition
            for table, df in salient.tables.items():
                rows[table].append(df)
            skipped += [f"{f.name}:{c}" for c in salient.skipped]
        else:
            raise ImportFormatError(
                f"{f}: neither a USGS world file (Country, Type, Prod_t_...) "
                f"nor a salient file (DataSource, Year, ...); header {sorted(cols)}"
            )
        editions.add(edition)
    return rows, skipped, editions


def import_usgs(
    files: list[str | Path], out_dir: str | Path, ds: Dataset | None = None
) -> ImportResult:
    """Read USGS MCS rare earth CSVs (world and/or salient) into the package at ``out_dir``.

    The whole import is checked first; a bad cell raises :class:`ImportFormatError` and nothing is
    written. The rows are merged into what the package holds (its other tables and sources are
    kept): re-importing an edition replaces its rows; a newer edition becomes preferred. The
    result is validated layered on the embedded package before anything is written
    (:func:`~reechain.data.importers.package.update_package`); ``out_dir`` may not be the
    embedded package folder.
    """
    out = Path(out_dir)
    check_target(out)
    ds = ds or Dataset.load()
    countries = ds.table("countries")
    names = {str(n).lower(): c for n, c in zip(countries["name"], countries["iso3"], strict=True)}
    rows, skipped, editions = _read_files([Path(f) for f in files], names)
    merged: dict[str, pd.DataFrame] = {}
    for table, frames in rows.items():
        frames = [f for f in frames if len(f)]
        if frames:
            new = pd.concat(frames, ignore_index=True)
            merged[table] = _merge(read_existing(out, table), new, table, ds.table(table))
    merged["sources"] = upsert(read_existing(out, "sources"), _sources(editions), ["source_id"])
    written = update_package(out, merged)
    logger.info("imported %s into %s", ", ".join(sorted(editions)), out)
    return ImportResult(
        edition=",".join(sorted(editions)),
        production=merged.get("production", pd.DataFrame()),
        reserves=merged.get("reserves", pd.DataFrame()),
        prices=merged.get("prices", pd.DataFrame()),
        demand=merged.get("demand", pd.DataFrame()),
        criticality_inputs=merged.get("criticality_inputs", pd.DataFrame()),
        skipped_columns=skipped,
        files=written,
    )


def _sources(editions: set[str]) -> pd.DataFrame:
    """The sources rows of the imported editions."""
    rows = []
    for edition in sorted(editions):
        year = int(edition[3:])
        rows.append(
            {
                "source_id": source_id(edition),
                "title": f"Mineral Commodity Summaries {year} data release: Rare earths",
                "publisher": "U.S. Geological Survey",
                "year": year,
                "address": "https://www.usgs.gov/centers/national-minerals-information-center/"
                "mineral-commodity-summaries",
                "via": None,
                "licence": "US public domain",
                "note": "imported with reechain data import-usgs",
            }
        )
    return pd.DataFrame(rows)
