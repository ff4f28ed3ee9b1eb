"""Import bilateral trade of rare earth products from CEPII BACI or UN Comtrade bulk CSVs.

DuckDB reads the file and keeps only the rare earth HS codes, so a full BACI year (about ten
million rows) imports in seconds. The rows are merged into a user package (``trade.csv`` and
``sources.csv`` in the dataset's schema; its other tables and sources kept) to layer with
``Dataset.load(extra=FOLDER)``; nothing is written unless the result passes every check.

- BACI: columns ``t, i, j, k, v, q`` (year, exporter and importer numeric codes, HS6 product,
  value in thousand USD, quantity in tonnes); the country code table (``country_codes_*.csv``:
  ``country_code, country_iso3``) maps i and j to ISO3 (found beside the data file or given).
- Comtrade bulk: columns ``refYear, reporterISO, partnerISO, flowCode, cmdCode, primaryValue,
  netWgt`` (value in USD, net weight in kg); ``flowCode`` X = export, M = import. Both partners'
  reports are kept: each row says who reported it (mirror flows are not merged).

A missing quantity stays missing (status ``missing``), never zero. A malformed row stops the
import with its line number; nothing is written.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from reechain.data.flows import WORLD
from reechain.data.importers.package import (
    check_target,
    key_tuples,
    read_existing,
    update_package,
    upsert,
)
from reechain.data.importers.trade_countries import (
    CountryMap,
    added_countries,
    country_map,
    known_countries,
    read_codes,
)
from reechain.data.schema import embedded_schema
from reechain.errors import ImportFormatError

logger = logging.getLogger(__name__)

REE_HS6 = {
    "280530": "ree_metals",  # rare-earth metals, scandium and yttrium
    "284610": "cerium_compounds",  # compounds of cerium
    "284690": "ree_compounds",  # other rare-earth compounds
    "850511": "permanent_magnets",  # permanent magnets of metal (mostly NdFeB by value)
    "253090": "mineral_substances_nes",  # includes rare earth ores in several tariffs (flagged)
}
BACI_COLUMNS = ["t", "i", "j", "k", "v", "q"]
COMTRADE_COLUMNS = [
    "refYear",
    "reporterISO",
    "partnerISO",
    "flowCode",
    "cmdCode",
    "primaryValue",
    "netWgt",
]


@dataclass
class TradeImport:
    """What an import read: its rows and what it had to set aside or map."""

    source_format: str
    rows_read: int
    rows_kept: int
    trade: pd.DataFrame
    missing_quantity: list[int] = field(default_factory=list)  # file lines, quantity blank/NA
    aggregates: dict[str, int] = field(default_factory=dict)  # BACI aggregate -> rows as OTH
    countries_added: dict[str, str] = field(default_factory=dict)  # ISO3 -> name


def _columns(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [c.strip() for c in next(csv.reader(fh), [])]


def _bad_line(con: duckdb.DuckDBPyConnection, checks: dict[str, str], path: Path) -> None:
    """Raise for the first row where a check (column -> SQL that must be true) fails."""
    for column, ok in checks.items():
        row = con.execute(f"select line, {column} from raw where not ({ok}) limit 1").fetchone()
        if row is not None:
            raise ImportFormatError(
                f"{path}, line {row[0]}, column {column!r}: {row[1]!r} is "
                "not valid; fix or remove the row (nothing was imported)"
            )


def read_baci(
    path: Path,
    country_codes: Path | None = None,
    codes: dict[str, str] | None = None,
    known: set[str] | None = None,
    importer_rows: bool = True,
) -> TradeImport:
    """Rare earth rows of a BACI file as trade-table rows: each flow as the exporter's export
    and, with ``importer_rows``, also as the importer's import with each importer's total
    (partner WLD), the rows GeoPolRisk reads. ``known``: ISO3 codes of the dataset (default:
    the embedded countries); other ISO3 codes are added as countries, BACI aggregates are
    kept under OTH (:mod:`.trade_countries`)."""
    codes = codes or REE_HS6
    cols = _columns(path)
    if cols[:6] != BACI_COLUMNS:
        raise ImportFormatError(f"{path}: not a BACI file (header {cols}; expected {BACI_COLUMNS})")
    country_codes = country_codes or _find_country_codes(path)
    kept, total = _scan_baci(path, codes)
    cmap = _baci_countries(path, kept, country_codes, known)
    missing = [int(n) for n in kept.loc[kept["tonnes"].isna(), "line"]]
    if missing:
        logger.warning(
            "%s: %d rare earth row(s) without a quantity, kept as missing: line(s) %s",
            path,
            len(missing),
            ", ".join(map(str, missing[:20])) + (" ..." if len(missing) > 20 else ""),
        )
    rows = []
    for r in kept.itertuples():
        rows += _baci_rows(r, path, codes, cmap, importer_rows)
    trade = pd.DataFrame(rows)
    if importer_rows and len(trade):
        trade = pd.concat([trade, _import_totals(trade, path)], ignore_index=True)
    aggregates = {
        cmap.aggregates[c]: int(((kept["i"] == c) | (kept["j"] == c)).sum())
        for c in cmap.aggregates
    }
    return TradeImport("baci", total, len(kept), trade, missing, aggregates, dict(cmap.added))


def _scan_baci(path: Path, codes: dict[str, str]) -> tuple[pd.DataFrame, int]:
    """The rare earth rows of a BACI file (with their file line) and the file's row count;
    a malformed row raises, naming its line and column."""
    con = duckdb.connect()
    code_list = ", ".join(f"'{c}'" for c in codes)
    try:
        try:  # fast path: a typed scan that keeps only the rare earth codes
            kept = con.execute(f"""
                with src as (select row_number() over () + 1 as line, *
                    from read_csv('{path}', header=true, columns={{
                    't': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR',
                    'v': 'DOUBLE', 'q': 'VARCHAR'}}))
                select line, t as year, i, j, lpad(trim(k), 6, '0') as hs6,
                       v * 1000 as value_usd, try_cast(trim(q) as double) as tonnes,
                       coalesce(trim(q), '') as q_raw
                from src where lpad(trim(k), 6, '0') in ({code_list})""").df()
            bad_q = kept[kept["tonnes"].isna() & ~kept["q_raw"].isin(["", "NA"])]
            total, bad_k = con.execute(f"""select count(*), count(*) filter (
                    where not regexp_matches(trim(k), '^[0-9]{{5,6}}$')
                       or (trim(q) not in ('', 'NA') and try_cast(trim(q) as double) is null))
                from read_csv('{path}', header=true, all_varchar=true)""").fetchone()
            if len(bad_q) or bad_k:
                raise duckdb.ConversionException("product code or quantity")
        except duckdb.Error:  # slow path: find the first malformed line and name it
            con.execute(f"""create table raw as select row_number() over () + 1 as line, *
                from read_csv('{path}', all_varchar=true, header=true)""")
            _bad_line(
                con,
                {
                    "t": "try_cast(trim(t) as integer) is not null",
                    "i": "try_cast(trim(i) as integer) is not null",
                    "j": "try_cast(trim(j) as integer) is not null",
                    "k": "regexp_matches(trim(k), '^[0-9]{5,6}$')",
                    "v": "try_cast(trim(v) as double) is not null",
                    "q": "trim(q) in ('', 'NA') or try_cast(trim(q) as double) is not null",
                },
                path,
            )
            raise ImportFormatError(f"{path}: cannot read the file as BACI") from None
    finally:
        con.close()
    return kept, int(total)


def _baci_countries(
    path: Path, kept: pd.DataFrame, table: Path, known: set[str] | None
) -> CountryMap:
    """The ISO3 of every exporter and importer code of ``kept``; a code missing from the
    country table raises, naming its first line."""
    cc = read_codes(table)
    for col in ("i", "j"):
        unknown = kept[~kept[col].isin(cc["code"])]
        if len(unknown):
            first = unknown.iloc[0]
            raise ImportFormatError(
                f"{path}, line {int(first['line'])}, column {col!r}: country code "
                f"{int(first[col])} is not in {table} (nothing was imported)"
            )
    used = set(kept["i"]) | set(kept["j"])
    return country_map(cc, used, known if known is not None else known_countries())


def _baci_rows(r, path: Path, codes: dict[str, str], cmap: CountryMap, importer_rows: bool):
    """The trade rows of one BACI flow: the exporter's export and, with ``importer_rows``, the
    importer's import (value [USD] and quantity [t] each)."""
    exporter, importer = cmap.iso3[int(r.i)], cmap.iso3[int(r.j)]
    where = f"BACI {path.name}, line {r.line}; HS {r.hs6}"
    aggregates = [cmap.label(int(c)) for c in (r.i, r.j) if cmap.label(int(c))]
    if aggregates:
        where += "; " + "; ".join(f"BACI {a}" for a in aggregates)
    missing_note = f"quantity missing in BACI ({path.name}, line {r.line})"
    views = [("export", exporter, importer)]
    if importer_rows:
        views.append(("import", importer, exporter))
    rows = []
    for flow, reporter, partner in views:
        rows += _value_and_tonnes(
            flow, reporter, partner, codes[r.hs6], r.hs6, r.year, r.value_usd, r.tonnes,
            where, missing_note,
        )  # fmt: skip
    return rows


def _import_totals(trade: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Each importer's total per product, year and unit (partner WLD): the sum of its flows,
    derived; missing (never a partial sum) where a flow lacks its figure, saying how many."""
    imports = trade[trade["flow"] == "import"]
    key = ["reporter", "product", "year", "unit"]
    totals = imports.groupby(key, as_index=False).agg(
        value=("value", lambda v: v.sum(min_count=len(v))),
        flows=("value", "size"),
        without=("value", lambda v: int(v.isna().sum())),
        hs_code=("hs_code", lambda s: ";".join(sorted(set(s)))),
    )
    rows = []
    for t in totals.itertuples():
        note = f"DERIVED: sum of the importer's {t.flows} BACI flow(s) in {path.name}"
        status = "derived"
        if t.without:
            note += f"; not known: {t.without} flow(s) without a figure (see their rows)"
            status = "missing"
        value = None if t.without else t.value
        rows.append(
            _row("import", t.reporter, WORLD, t.product, t.hs_code, t.year, value, t.unit,
                 status, note)
        )  # fmt: skip
    return pd.DataFrame(rows)


def read_comtrade(path: Path, codes: dict[str, str] | None = None) -> TradeImport:
    """Rare earth rows of a Comtrade bulk file (each reporter's own view kept)."""
    codes = codes or REE_HS6
    cols = _columns(path)
    missing = [c for c in COMTRADE_COLUMNS if c not in cols]
    if missing:
        raise ImportFormatError(f"{path}: not a Comtrade bulk file (missing columns {missing})")
    con = duckdb.connect()
    try:
        con.execute(f"""create table raw as select row_number() over () + 1 as line, *
            from read_csv('{path}', all_varchar=true, header=true)""")
        _bad_line(
            con,
            {
                "refYear": "try_cast(trim(refYear) as integer) is not null",
                "flowCode": "trim(flowCode) in ('X', 'M', 'RX', 'RM')",
                "primaryValue": "try_cast(trim(primaryValue) as double) is not null",
                "netWgt": "trim(netWgt) = '' or try_cast(trim(netWgt) as double) is not null",
            },
            path,
        )
        code_list = ", ".join(f"'{c}'" for c in codes)
        kept = con.execute(f"""
            select cast(trim(refYear) as integer) as year, trim(reporterISO) as reporter,
                   trim(partnerISO) as partner, trim(flowCode) as flow,
                   lpad(trim(cmdCode), 6, '0') as hs6,
                   cast(trim(primaryValue) as double) as value_usd,
                   try_cast(trim(netWgt) as double) / 1000 as tonnes
            from raw where lpad(trim(cmdCode), 6, '0') in ({code_list})""").df()
        total = con.execute("select count(*) from raw").fetchone()[0]
    finally:
        con.close()
    rows = []
    for r in kept.itertuples():
        flow = {"X": "export", "M": "import", "RX": "re-export", "RM": "import"}[r.flow]
        partner = "WLD" if r.partner in ("W00", "WLD") else r.partner
        rows += _value_and_tonnes(
            flow,
            r.reporter,
            partner,
            codes[r.hs6],
            r.hs6,
            r.year,
            r.value_usd,
            r.tonnes,
            f"Comtrade {path.name}; HS {r.hs6}; as reported by {r.reporter}",
            "net weight missing",
        )
    return TradeImport("comtrade", int(total), len(kept), pd.DataFrame(rows))


def _value_and_tonnes(
    flow, reporter, partner, product, hs6, year, value_usd, tonnes, note, missing_note
) -> list[dict]:
    """The two trade rows of one record: its value [USD] and its quantity [t] (missing kept
    missing, with a note)."""
    missing = tonnes is None or pd.isna(tonnes)
    return [
        _row(flow, reporter, partner, product, hs6, year, value_usd, "USD", "reported", note),
        _row(
            flow,
            reporter,
            partner,
            product,
            hs6,
            year,
            None if missing else tonnes,
            "t",
            "missing" if missing else "reported",
            note + (f"; {missing_note}" if missing else ""),
        ),
    ]


def _row(flow, reporter, partner, product, hs6, year, value, unit, status, note) -> dict:
    return {
        "flow": flow,
        "reporter": reporter,
        "partner": partner,
        "product": product,
        "hs_code": hs6,
        "year": int(year),
        "period": "annual",
        "value": value,
        "unit": unit,
        "status": status,
        "preferred": True,
        "source_id": None,
        "note": note,
    }


def _find_country_codes(path: Path) -> Path:
    found = sorted(path.parent.glob("country_codes*.csv"))
    if not found:
        raise ImportFormatError(
            f"{path}: BACI needs its country code table "
            "(country_codes_V*.csv) beside the file, or --countries FILE"
        )
    return found[-1]


TRADE_KEY = ["flow", "reporter", "partner", "product", "year", "period", "unit"]


def _trade_rows(result: TradeImport, sid: str) -> pd.DataFrame:
    """The imported trade rows, one per key (several HS codes of one product summed), all
    preferred and citing ``sid``."""
    trade = result.trade.assign(source_id=sid)
    if trade.empty:
        return trade.reindex(columns=embedded_schema().tables["trade"].column_names)
    dup = trade.duplicated(TRADE_KEY, keep=False)
    if dup.any():  # several HS codes map to one product: sum them
        trade = trade.groupby(TRADE_KEY, as_index=False, dropna=False).agg(
            hs_code=("hs_code", lambda s: ";".join(sorted(set(s)))),
            value=("value", lambda s: s.sum(min_count=len(s))),
            status=("status", "min"),
            preferred=("preferred", "first"),
            source_id=("source_id", "first"),
            note=("note", "first"),
        )
        trade.loc[trade["value"].isna(), "status"] = "missing"
    trade = trade.reindex(columns=embedded_schema().tables["trade"].column_names)
    trade["preferred"] = True
    return trade


def merge_trade(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """The package's trade rows with ``new`` merged in: a row of the same key and source is
    replaced, other rows are kept; where the import and other rows share a key, the import's
    row is the preferred one."""
    merged = upsert(old, new, [*TRADE_KEY, "source_id"])
    if old is None or old.empty or new.empty:
        return merged
    imported = set(key_tuples(new, TRADE_KEY))
    shared = pd.Series([k in imported for k in key_tuples(merged, TRADE_KEY)], index=merged.index)
    from_import = merged["source_id"].isin(new["source_id"].unique())
    merged["preferred"] = merged["preferred"].astype(object)
    merged.loc[shared & ~from_import, "preferred"] = False
    return merged


def _import_note(result: TradeImport) -> str:
    """The sources note of an import: rows kept, and what was left missing or mapped."""
    parts = [
        f"imported with reechain trade import; {result.rows_kept} of {result.rows_read} rows "
        "are rare earth products"
    ]
    if result.missing_quantity:
        lines = ", ".join(map(str, result.missing_quantity[:10]))
        more = " ..." if len(result.missing_quantity) > 10 else ""
        parts.append(
            f"{len(result.missing_quantity)} without a quantity (kept as missing; "
            f"line(s) {lines}{more})"
        )
    for label, n in result.aggregates.items():
        parts.append(f"{n} row(s) of BACI {label}")
    if result.countries_added:
        parts.append(f"countries added: {', '.join(sorted(result.countries_added))}")
    return "; ".join(parts)


def _source_row(path: Path, result: TradeImport, sid: str, year: int | None) -> pd.DataFrame:
    """The sources row of the imported file."""
    baci = result.source_format == "baci"
    return pd.DataFrame(
        [
            {
                "source_id": sid,
                "title": f"BACI bilateral trade ({path.name})"
                if baci
                else f"UN Comtrade bulk data ({path.name})",
                "publisher": "CEPII" if baci else "United Nations Statistics Division",
                "year": year,
                "address": str(path.name),
                "via": None,
                "licence": "Etalab 2.0 (BACI)" if baci else "UN Comtrade terms of use",
                "note": _import_note(result),
            }
        ]
    ).reindex(columns=embedded_schema().tables["sources"].column_names)


def import_trade(
    path: str | Path,
    out_dir: str | Path,
    country_codes: str | Path | None = None,
    source_id: str | None = None,
    importer_rows: bool = True,
) -> TradeImport:
    """Read a BACI or Comtrade file and merge its rare earth rows into the user package at
    ``out_dir`` (created if new).

    The package's other tables, sources and trade rows are kept; rows of the same key from the
    same source are replaced, so importing a file twice changes nothing. The result is
    validated layered on the embedded package before anything is written
    (:func:`~reechain.data.importers.package.update_package`); ``out_dir`` may not be the
    embedded package folder. ``importer_rows`` (BACI): also write each flow as the
    importer's import, with each importer's total (partner WLD), which GeoPolRisk reads
    (:func:`reechain.analysis.criticality.gpr.read_imports`). Countries of a BACI file that
    the dataset lacks are added to the package's countries table.
    """
    path, out = Path(path), Path(out_dir)
    check_target(out)
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    if _columns(path)[:6] == BACI_COLUMNS:
        result = read_baci(
            path,
            Path(country_codes) if country_codes else None,
            known=known_countries(out),
            importer_rows=importer_rows,
        )
    else:
        result = read_comtrade(path)
    sid = source_id or f"trade-import-{path.stem.lower()}"
    trade = _trade_rows(result, sid)
    year = int(trade["year"].max()) if len(trade) else None
    tables = {
        "trade": merge_trade(read_existing(out, "trade"), trade),
        "sources": upsert(
            read_existing(out, "sources"), _source_row(path, result, sid, year), ["source_id"]
        ),
    }
    if result.countries_added:
        added = added_countries(result.countries_added, sid)
        tables["countries"] = upsert(read_existing(out, "countries"), added, ["iso3"])
    update_package(out, tables)
    logger.info("imported %d of %d rows from %s", result.rows_kept, result.rows_read, path)
    return result
