"""Import USGS Mineral Commodity Summaries data-release CSVs for rare earths into a user package.

USGS publishes, per commodity and edition, a *world* file (``MCS2025_..._world.csv``: columns
``Source, Country, Type, Prod_t_2023, Prod_t_est_2024, Prod_notes, Reserves_t, Reserves_notes``)
and a *salient statistics* file (``DataSource, Commodity, Year, ...`` with one column per
U.S. statistic). Their quirks are handled here:

- thousands separators (``270,000``), footnote digits glued to names (``United States1``),
  ``(rounded)`` and non-breaking spaces;
- ``W`` = withheld (kept missing, status ``withheld``), ``NA``/``XX``/empty = missing,
  ``—`` = zero (USGS's legend: "— Zero"), ``e``/``E`` marks = estimated, ``>95`` / ``<1`` kept
  as the bound with a note; ``_est_`` in a column name = estimated;
- unit suffixes ``_t`` and ``_kt`` (converted to t).

Nothing is written unless the whole file parses: an error names the file, line and column.
The output folder is a user data package (``Dataset.load(extra=FOLDER)``): production, reserves,
prices and sources CSVs in the embedded schema, the imported edition marked preferred. An
existing package is updated, never truncated: the rows are merged into its tables, written
only after the result passes every check (:mod:`reechain.data.importers.package`).
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
from reechain.data.importers.package import check_target, read_existing, update_package, upsert
from reechain.errors import ImportFormatError

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
PRICE_ELEMENTS = {
    "ce": "CeO2",
    "cerium": "CeO2",
    "dy": "Dy2O3",
    "dysprosium": "Dy2O3",
    "eu": "Eu2O3",
    "europium": "Eu2O3",
    "la": "La2O3",
    "lanthanum": "La2O3",
    "nd": "Nd2O3",
    "neodymium": "Nd2O3",
    "tb": "Tb4O7",
    "terbium": "Tb4O7",
    "pr": "Pr6O11",
    "praseodymium": "Pr6O11",
    "y": "Y2O3",
    "yttrium": "Y2O3",
    "mischmetal": "mischmetal",
}
MISSING_TOKENS = {"", "na", "n/a", "xx", "--", "nan"}
ZERO_TOKENS = {"—", "–", "-"}


@dataclass
class Cell:
    """A parsed USGS cell: value (None if missing), status and a note on how it was read."""

    value: float | None
    status: str
    note: str = ""


def parse_cell(text: object) -> Cell:
    """Parse one numeric USGS cell.

    >>> parse_cell("270,000")
    Cell(value=270000.0, status='reported', note='')
    >>> parse_cell("W").status
    'withheld'
    >>> parse_cell(">95")
    Cell(value=95.0, status='reported', note="printed '>95'")
    """
    raw = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    s = unicodedata.normalize("NFKC", raw).replace("\xa0", " ").strip()
    if s.lower() in MISSING_TOKENS:
        return Cell(None, "missing")
    if s in ZERO_TOKENS:
        return Cell(0.0, "reported", "printed '—' (zero)")
    if s.upper() == "W":
        return Cell(None, "withheld", "withheld to avoid disclosing company proprietary data")
    status, note = "reported", ""
    m = re.fullmatch(r"(?i)(e\s*)?([<>]?)\s*([\d,]*\.?\d+)\s*(e)?", s)
    if not m:
        raise ValueError(f"{raw!r} is not a number, W, NA or —")
    if m.group(1) or m.group(4):
        status = "estimated"
    if m.group(2):
        note = f"printed '{m.group(2)}{m.group(3)}'"
    return Cell(float(m.group(3).replace(",", "")), status, note)


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
    """What an import read and wrote."""

    edition: str
    production: pd.DataFrame
    reserves: pd.DataFrame
    prices: pd.DataFrame
    skipped_columns: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _edition(value: str, path: Path) -> str:
    m = re.search(r"MCS\s*(\d{4})", str(value), re.IGNORECASE) or re.search(
        r"mcs(\d{4})", path.name, re.IGNORECASE
    )
    if not m:
        raise ImportFormatError(
            f"{path}: cannot tell the MCS edition (no 'MCS2025'-style value in "
            "the Source/DataSource column or the file name)"
        )
    return f"MCS{m.group(1)}"


def _unit_factor(column: str, path: Path) -> float:
    if re.search(r"_kt(_|$)", column, re.IGNORECASE):
        return 1000.0
    if re.search(r"_t(_|$)", column, re.IGNORECASE):
        return 1.0
    raise ImportFormatError(f"{path}: column {column!r} has no unit suffix _t or _kt")


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
    edition = _edition(df["Source"].iloc[0] if "Source" in df and len(df) else "", path)
    source_id = f"usgs-{edition.lower()}-data-release"
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
            value = None if cell.value is None else cell.value * _unit_factor(col, path)
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
                    "source_id": source_id,
                    "note": f"imported from {path.name}, line {line}"
                    + (f"; {note}" if note else ""),
                }
            )
        for col in res_cols:
            try:
                cell = parse_cell(row[col])
            except ValueError as exc:
                raise ImportFormatError(f"{path}, line {line}, column {col!r}: {exc}") from None
            value = None if cell.value is None else cell.value * _unit_factor(col, path)
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
                    "source_id": source_id,
                    "note": f"imported from {path.name}, line {line}"
                    + (f"; {note}" if note else ""),
                }
            )
    return edition, pd.DataFrame(prod), pd.DataFrame(res)


def read_salient(path: Path) -> tuple[str, pd.DataFrame, pd.DataFrame, list[str]]:
    """Parse a salient statistics file: U.S. mine production and oxide prices.

    Recognised columns: production of mineral concentrates or mine output (stage mining,
    e.g. ``USprod_Mineral_concentrates_t``), production of compounds and metals (stage
    separation, REO equivalent, e.g. ``USprod_Compounds_metals_t``), and price columns
    ``Price_<element>_..._dpkg`` in dollars per kilogram. Other columns are listed as skipped.
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    if "Year" not in df:
        raise ImportFormatError(
            f"{path}: not a USGS salient file (no Year column; found {list(df.columns)})"
        )
    source_col = "DataSource" if "DataSource" in df else "Source" if "Source" in df else None
    edition = _edition(df[source_col].iloc[0] if source_col and len(df) else "", path)
    source_id = f"usgs-{edition.lower()}-data-release"
    prod, prices, skipped = [], [], []
    for col in df.columns:
        if col in ("DataSource", "Source", "Commodity", "Year"):
            continue
        low = col.lower()
        kind = None
        if low.startswith(("usprod", "production", "prod_")):
            if "concentrate" in low or "mine" in low:
                kind = "mining"
            elif "compound" in low:  # separated compounds and metals, REO equivalent
                kind = "separation"
        elif low.startswith("price"):
            parts = re.split(r"[_\s]+", low)
            product = next((PRICE_ELEMENTS[p] for p in parts[1:] if p in PRICE_ELEMENTS), None)
            per_kg = any(u in low for u in ("dpkg", "dkg", "per_kg", "perkg", "usd_kg", "_kg"))
            kind = "price" if product and per_kg else None
        if kind is None:
            skipped.append(col)
            continue
        for idx, row in df.iterrows():
            line = int(idx) + 2
            try:
                year = int(parse_cell(row["Year"]).value)
                cell = parse_cell(row[col])
            except (ValueError, TypeError) as exc:
                raise ImportFormatError(f"{path}, line {line}, column {col!r}: {exc}") from None
            note = f"imported from {path.name}, line {line}, column {col}"
            if cell.note:
                note += f"; {cell.note}"
            if kind in ("mining", "separation"):
                value = None if cell.value is None else cell.value * _unit_factor(col, path)
                prod.append(
                    {
                        "stage": kind,
                        "country": "USA",
                        "year": year,
                        "material": "TREO",
                        "measure": "output",
                        "value": value,
                        "unit": "t REO",
                        "basis": "REO",
                        "status": cell.status,
                        "edition": edition,
                        "preferred": True,
                        "source_id": source_id,
                        "note": note,
                    }
                )
            else:
                prices.append(
                    {
                        "material": product,
                        "purity": None,
                        "market": "USGS average",
                        "year": year,
                        "period": "annual",
                        "value": cell.value,
                        "unit": "USD/kg",
                        "price_type": "annual_average",
                        "edition": edition,
                        "status": cell.status,
                        "preferred": True,
                        "source_id": source_id,
                        "note": note,
                    }
                )
    return edition, pd.DataFrame(prod), pd.DataFrame(prices), skipped


# Rows of one key and edition are one figure: a re-import of an edition replaces them.
KEYS = {
    "production": ["stage", "country", "year", "material", "measure"],
    "reserves": ["country", "year"],
    "prices": ["material", "market", "year", "period", "price_type", "purity", "unit"],
}


def _merge(old: pd.DataFrame | None, new: pd.DataFrame, table: str) -> pd.DataFrame:
    """The package's rows of ``table`` with the imported rows merged in by key and edition
    (other rows kept); the newest edition of a key is the preferred one."""
    key = KEYS[table]
    both = upsert(old, new, [*key, "edition"])
    if "edition" in both and len(both):
        newest = both.groupby(key, dropna=False)["edition"].transform("max")
        both["preferred"] = both["edition"] == newest
    return both


def _read_files(
    files: list[Path], names: dict[str, str]
) -> tuple[dict[str, list[pd.DataFrame]], list[str], set[str]]:
    """Parse every file: the new rows by table, the columns skipped and the editions read."""
    rows: dict[str, list[pd.DataFrame]] = {"production": [], "reserves": [], "prices": []}
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
            edition, p, pr, sk = read_salient(f)
            rows["production"].append(p)
            rows["prices"].append(pr)
            skipped += [f"{f.name}:{c}" for c in sk]
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
            merged[table] = _merge(read_existing(out, table), new, table)
    merged["sources"] = upsert(read_existing(out, "sources"), _sources(editions), ["source_id"])
    written = update_package(out, merged)
    logger.info("imported %s into %s", ", ".join(sorted(editions)), out)
    return ImportResult(
        edition=",".join(sorted(editions)),
        production=merged.get("production", pd.DataFrame()),
        reserves=merged.get("reserves", pd.DataFrame()),
        prices=merged.get("prices", pd.DataFrame()),
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
                "source_id": f"usgs-{edition.lower()}-data-release",
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
