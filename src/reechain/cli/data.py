"""`reechain data ...` and `reechain trade ...`: the dataset, its sources and importers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from reechain.cli import common
from reechain.cli.common import DataOpt, Format, FormatOpt, app, data_app, emit, friendly, out
from reechain.data.schema import data_dictionary
from reechain.errors import ReechainError, UnknownNameError

# ---------------------------------------------------------------------------------------------
# data


@data_app.command("list")
@friendly
def data_list(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """The tables of the dataset, their rows and what they hold."""
    import pandas as pd

    ds = common.load(data)
    rows = [
        {"table": n, "rows": len(ds.table(n)), "description": t.description}
        for n, t in ds.schema.tables.items()
    ]
    emit(pd.DataFrame(rows), fmt, title=f"reechain dataset v{ds.schema.version}")


@data_app.command("show")
@friendly
def data_show(
    table: Annotated[str, typer.Argument(help="Table name (see 'reechain data list').")],
    where: Annotated[
        list[str] | None, typer.Option("--where", "-w", help="Filter COLUMN=VALUE (repeatable).")
    ] = None,
    columns: Annotated[
        bool, typer.Option("--columns", help="Describe the table's columns instead.")
    ] = False,
    limit: Annotated[int, typer.Option(help="Rows to show (0 = all).", min=0)] = 50,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Rows of one table (or, with --columns, its schema: column, type, unit, description)."""
    import pandas as pd

    ds = common.load(data)
    df = ds.table(table)
    if columns:
        schema = ds.schema.tables[table]
        emit(
            pd.DataFrame(
                [
                    {
                        "column": c.name,
                        "type": c.type,
                        "unit": c.unit or "",
                        "required": c.required,
                        "description": c.description,
                    }
                    for c in schema.columns
                ]
            ),
            fmt,
            title=f"{table}: {schema.description}",
        )
        return
    for cond in where or []:
        col, sep, value = cond.partition("=")
        if not sep:
            raise ReechainError(f"--where {cond!r}: write COLUMN=VALUE, e.g. --where country=CHN")
        if col not in df.columns:
            raise UnknownNameError("column", col, df.columns)
        df = df[df[col].astype(str) == value]
    shown = df if limit == 0 else df.head(limit)
    caption = None if len(shown) == len(df) else f"{len(shown)} of {len(df)} rows (--limit 0: all)"
    emit(shown, fmt, title=table, caption=caption)


@data_app.command("sources")
@friendly
def data_sources(
    search: Annotated[
        str | None,
        typer.Option(help="Only sources whose id, title or publisher contains this text."),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every source the data cites."""
    df = common.load(data).table("sources")
    if search:
        text = df[["source_id", "title", "publisher"]].astype(str).agg(" ".join, axis=1)
        df = df[text.str.contains(search, case=False, regex=False)]
    emit(
        df[["source_id", "publisher", "year", "title", "address", "via", "licence"]],
        fmt,
        title="Sources",
    )


@data_app.command("assumptions")
@friendly
def data_assumptions(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Labelled assumptions: numbers with no public figure, each with a range and a rationale."""
    emit(common.load(data).table("assumptions"), fmt, title="Assumptions (not reported facts)")


@data_app.command("validate")
@friendly
def data_validate(data: DataOpt = None) -> None:
    """Load and check the dataset (and your package with --data); list every problem."""
    ds = common.load(data)
    rows = sum(len(ds.table(n)) for n in ds.table_names)
    out.print(
        f"ok: {len(ds.table_names)} tables, {rows:,} rows, every check passed "
        f"({', '.join(ds.packages)})"
    )


def dictionary() -> str:
    """docs/data-dictionary.md: the dataset's tables, then the run results' tables."""
    from reechain.engine.tables import results_dictionary

    return data_dictionary() + "\n" + results_dictionary()


@data_app.command("docs")
@friendly
def data_docs(
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Markdown file to write (default: print).")
    ] = None,
) -> None:
    """The data dictionary as Markdown: every table and column of the dataset (from
    datapackage.json), then the tables of a run's results."""
    text = dictionary()
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"wrote {out_file}")


@data_app.command("sql")
@friendly
def data_sql(
    query: Annotated[str, typer.Argument(help="SQL over the tables (DuckDB dialect).")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    allow_files: Annotated[
        bool,
        typer.Option(
            "--allow-files",
            help="Let the query read and write files (COPY ... TO, read_csv); off by default.",
        ),
    ] = False,
) -> None:
    """Query the tables with SQL (DuckDB); the query sees the dataset's tables only unless
    --allow-files."""
    from reechain.data import store

    emit(store.query(common.load(data), query, allow_files=allow_files), fmt)


@data_app.command("import-usgs")
@friendly
def data_import_usgs(
    files: Annotated[
        list[Path], typer.Argument(help="USGS MCS rare earth CSVs (world and/or salient file).")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder of the user package to write or update.")
    ],
) -> None:
    """Read USGS Mineral Commodity Summaries data-release CSVs into a user package.

    An existing package is updated (its rows merged by key and edition, its sources and other
    tables kept) and written only if the result passes every check; --out may not be the
    embedded package folder."""
    from reechain.data.importers.usgs import import_usgs

    result = import_usgs(files, out_dir)
    out.print(
        f"imported {result.edition}: {len(result.production)} production, "
        f"{len(result.reserves)} reserves, {len(result.prices)} price, "
        f"{len(result.demand)} consumption and {len(result.criticality_inputs)} import "
        f"reliance rows -> {out_dir}"
    )
    if result.skipped_columns:
        out.print(
            f"columns not imported (no table for them yet): {', '.join(result.skipped_columns)}",
            highlight=False,
        )
    out.print(
        f"checked: the embedded data with {out_dir} on top passes every check; "
        f"use it with --data {out_dir}"
    )


# ---------------------------------------------------------------------------------------------
# trade data

trade_app = typer.Typer(
    help="Bilateral trade data (CEPII BACI, UN Comtrade).", no_args_is_help=True
)
app.add_typer(trade_app, name="trade")


@trade_app.command("import")
@friendly
def trade_import_command(
    file: Annotated[Path, typer.Argument(help="A BACI (t,i,j,k,v,q) or Comtrade bulk CSV.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder of the user package.")],
    countries: Annotated[
        Path | None,
        typer.Option(
            help="BACI country code table (default: country_codes_*.csv beside the file)."
        ),
    ] = None,
) -> None:
    """Keep the rare earth HS codes (2805.30, 2846.10, 2846.90, 8505.11, 2530.90) of a trade
    file and merge them into a user package (use it with --data): each BACI flow as the
    exporter's export and the importer's import, with each importer's totals, so GeoPolRisk
    can score any importer. The package's other rows, tables and sources are kept; nothing is
    written unless the result passes every check."""
    from reechain.data.importers.trade import import_trade

    result = import_trade(file, out_dir, countries)
    out.print(
        f"{result.source_format}: kept {result.rows_kept:,} of {result.rows_read:,} rows "
        f"-> {out_dir}/trade.csv"
    )
    out.print(f"checked: use it with --data {out_dir}")
