"""The ``reechain`` command: a thin shell over the library (Typer + Rich).

Every command takes ``--format table|csv|json`` where it prints data and ``--data DIR`` to layer a
user's package over the embedded one. Bad input exits with code 2 and one line on stderr.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__, metrics, store
from .balance import deposit_output
from .dataset import Dataset
from .errors import ReechainError, UnknownNameError
from .flows import observed_flows
from .ownership import owner_flows
from .report import STAGE_MATERIALS, write_overview
from .schema import STAGES, data_dictionary
from .usgs import import_usgs

SCENARIO_TABLES = ("flows", "prices", "unmet", "surplus", "capacity_use", "pool_output")

app = typer.Typer(
    help="reechain: who controls the rare earth supply chain, element by element.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(
    help="The embedded dataset: tables, sources, assumptions, imports.", no_args_is_help=True
)
deposit_app = typer.Typer(help="Deposits and projects.", no_args_is_help=True)
scenario_app = typer.Typer(help="Scenario files.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(deposit_app, name="deposit")
app.add_typer(scenario_app, name="scenario")

out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class By(StrEnum):
    country = "country"
    bloc = "bloc"
    owner = "owner"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Folder of your own data package to layer over the embedded one."),
]


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line on stderr and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ReechainError as exc:
            text = str(exc)
            first, _, rest = text.partition("\n")
            err.print(f"[bold red]error:[/] {first}", highlight=False, markup=True, soft_wrap=True)
            if rest:
                err.print(rest, highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def load(data: Path | None) -> Dataset:
    return Dataset.load(extra=data)


def check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise UnknownNameError("stage", stage, STAGES)
    return stage


def emit(
    df: pd.DataFrame,
    fmt: Format,
    title: str | None = None,
    percent: tuple[str, ...] = (),
    caption: str | None = None,
) -> None:
    """Print a DataFrame as a Rich table, CSV or JSON records."""
    if fmt is Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    if fmt is Format.json:
        sys.stdout.write(
            df.to_json(orient="records", date_format="iso", force_ascii=False, indent=1) + "\n"
        )
        return
    table = Table(
        title=escape(title) if title else None,
        caption=escape(caption) if caption else None,
        caption_justify="left",
    )
    for col in df.columns:
        table.add_column(
            str(col),
            justify="right"
            if pd.api.types.is_numeric_dtype(df[col]) and df[col].dtype != bool
            else "left",
            overflow="fold",
        )
    for _, row in df.iterrows():
        table.add_row(*[_cell(row[c], c in percent, c == "year") for c in df.columns])
    out.print(table)


def _cell(value: Any, percent: bool, year: bool = False) -> str:
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return "–"
    if year:
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    if isinstance(value, float):
        if percent:
            return f"{value:.1%}"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"
    return str(value)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        out.print(f"reechain {__version__}")
        raise typer.Exit()
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


# ---------------------------------------------------------------------------------------------
# data


@data_app.command("list")
@friendly
def data_list(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """The tables of the dataset, their rows and what they hold."""
    ds = load(data)
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
    limit: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 50,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Rows of one table (or, with --columns, its schema: column, type, unit, description)."""
    ds = load(data)
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
    df = load(data).table("sources")
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
    emit(load(data).table("assumptions"), fmt, title="Assumptions (not reported facts)")


@data_app.command("validate")
@friendly
def data_validate(data: DataOpt = None) -> None:
    """Load and check the dataset (and your package with --data); list every problem."""
    ds = load(data)
    rows = sum(len(ds.table(n)) for n in ds.table_names)
    out.print(
        f"ok: {len(ds.table_names)} tables, {rows:,} rows, every check passed "
        f"({', '.join(ds.packages)})"
    )


@data_app.command("docs")
@friendly
def data_docs(
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Markdown file to write (default: print).")
    ] = None,
) -> None:
    """The data dictionary (every table and column) as Markdown, from datapackage.json."""
    text = data_dictionary()
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
) -> None:
    """Query the tables with SQL (DuckDB)."""
    emit(store.query(load(data), query), fmt)


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
    """Read USGS Mineral Commodity Summaries data-release CSVs into a user package."""
    result = import_usgs(files, out_dir)
    out.print(
        f"imported {result.edition}: {len(result.production)} production, "
        f"{len(result.reserves)} reserves, {len(result.prices)} price rows -> {out_dir}"
    )
    if result.skipped_columns:
        out.print(
            f"columns not imported (no table for them yet): {', '.join(result.skipped_columns)}",
            highlight=False,
        )
    Dataset.load(extra=out_dir)
    out.print(
        f"checked: the embedded data with {out_dir} on top passes every check; "
        f"use it with --data {out_dir}"
    )


# ---------------------------------------------------------------------------------------------
# analytics


def _material(
    ds: Dataset, stage: str, element: str | None, material: str | None, year: int | None = None
) -> str:
    """The material asked for, else the first of the stage's usual materials with shares
    (in ``year`` when given)."""
    if element:
        return ds.check_element(element)
    if material:
        return material
    flows = observed_flows(ds.table("production"))
    candidates = [
        m
        for m in STAGE_MATERIALS[stage]
        if (flows[(flows["stage"] == stage)]["material"] == m).any()
    ]
    if year is not None:
        for m in candidates:
            if not metrics.shares(flows, stage, year, material=m).empty:
                return m
    return candidates[0] if candidates else "TREO"


@app.command()
@friendly
def shares(
    stage: Annotated[str, typer.Option(help="mining | separation | metal | magnet")],
    year: Annotated[int, typer.Option(help="Year.")],
    by: Annotated[By, typer.Option(help="Group by country, bloc or owner.")] = By.country,
    element: Annotated[str | None, typer.Option(help="One element, e.g. Nd.")] = None,
    material: Annotated[
        str | None,
        typer.Option(help="Material as in the data: TREO, Pr+Nd, Pr+Nd+Tb+Dy, REM, NdFeB."),
    ] = None,
    bloc: Annotated[
        list[str] | None,
        typer.Option(help="Blocs for --by bloc (repeatable; default BRICS, G7, EU27, MSP, OECD)."),
    ] = None,
    roles: Annotated[
        str, typer.Option(help="Roles that count for --by bloc: member[,partner,applicant,...].")
    ] = "member",
    add: Annotated[
        list[str] | None,
        typer.Option(help="Hypothetical member, BLOC:ISO3, e.g. BRICS:TUR (repeatable)."),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Shares of world output of a stage in a year, by country, bloc or owner."""
    ds = load(data)
    stage = check_stage(stage)
    mat = _material(ds, stage, element, material, year)
    flows = observed_flows(ds.table("production"))
    years = sorted(set(flows.loc[(flows["stage"] == stage) & (flows["material"] == mat), "year"]))
    if not years:
        raise ReechainError(
            f"no {stage} data for material {mat!r}; materials with data: "
            f"{', '.join(sorted(set(flows.loc[flows['stage'] == stage, 'material'])))}"
        )
    if year not in years:
        raise ReechainError(
            f"no {stage} {mat} data for {year}; years with data: "
            f"{years[0]}-{years[-1]} ({', '.join(map(str, years))})"
        )
    if by is By.country:
        df = metrics.shares(flows, stage, year, material=mat)
        cols = ["group", "share", "value", "unit", "source"]
    elif by is By.bloc:
        additions: dict[str, list[str]] = {}
        for item in add or []:
            b, sep, c = item.partition(":")
            if not sep:
                raise ReechainError(f"--add {item!r}: write BLOC:ISO3, e.g. BRICS:TUR")
            additions.setdefault(ds.check_bloc(b), []).append(ds.check_country(c))
        blocs = [ds.check_bloc(b) for b in (bloc or ["BRICS", "G7", "EU27", "MSP", "OECD"])]
        df = metrics.bloc_shares(
            ds,
            flows,
            stage,
            year,
            blocs=blocs,
            material=mat,
            roles=[r.strip() for r in roles.split(",")],
            add=additions,
        )
        cols = ["group", "share", "share_upper", "members_with_data", "value", "unit"]
    else:
        df = metrics.shares(
            owner_flows(ds, stage, year, mat), stage, year, material=mat, by="owner"
        )
        cols = ["group", "share", "value", "unit", "source"]
    if df.empty:
        raise ReechainError(f"no {stage} {mat} data to attribute in {year}")
    first = df.iloc[0]
    caption = (
        f"world: {first['world']:,.0f} t ({first['world_basis']}); "
        if pd.notna(first["world"])
        else f"{first['world_basis']}; "
    ) + f"coverage {first['coverage']:.1%}"
    others = sorted(
        set(
            flows.loc[
                (flows["stage"] == stage) & (flows["year"] == year) & (flows["material"] != mat),
                "material",
            ]
        )
    )
    if others:
        caption += f"; other materials with data for {year}: {', '.join(others)} (--material)"
    if fmt is Format.table:
        emit(
            df[cols],
            fmt,
            title=f"{stage.capitalize()} {mat} {year}: shares by {by.value}",
            percent=("share", "share_upper"),
            caption=caption,
        )
    else:
        emit(df, fmt)


@app.command()
@friendly
def concentration(
    stage: Annotated[str, typer.Option(help="mining | separation | metal | magnet")],
    from_year: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    to_year: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    element: Annotated[str | None, typer.Option(help="One element.")] = None,
    material: Annotated[str | None, typer.Option(help="Material as in the data.")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """HHI (with its bracket where data is incomplete), CR1, CR3 and N-1 coverage per year."""
    ds = load(data)
    stage = check_stage(stage)
    mat = _material(ds, stage, element, material)
    flows = observed_flows(ds.table("production"))
    years = [
        y
        for y in sorted(
            set(flows.loc[(flows["stage"] == stage) & (flows["material"] == mat), "year"])
        )
        if (from_year is None or y >= from_year) and (to_year is None or y <= to_year)
    ]
    if not years:
        raise ReechainError(f"no {stage} {mat} data in the years asked for")
    conc = metrics.concentration(metrics.shares(flows, stage, years, material=mat))
    if fmt is Format.table:
        emit(
            conc[
                [
                    "year",
                    "hhi",
                    "hhi_upper",
                    "cr1",
                    "cr3",
                    "top_supplier",
                    "n1_coverage",
                    "coverage",
                ]
            ],
            fmt,
            title=f"Concentration of {stage} ({mat})",
            percent=("cr1", "cr3", "n1_coverage", "coverage"),
            caption="hhi: known shares only (lower bound); hhi_upper: if the uncovered rest "
            "were one supplier. n1_coverage: world output left without the largest.",
        )
    else:
        emit(conc, fmt)


@deposit_app.command("list")
@friendly
def deposit_list(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """All deposits and projects."""
    emit(
        load(data).table("deposits")[
            ["deposit_id", "name", "country", "deposit_type", "status", "operator"]
        ],
        fmt,
        title="Deposits",
    )


@deposit_app.command("show")
@friendly
def deposit_show(
    name: Annotated[str, typer.Argument(help="Deposit id or name, e.g. beylikova.")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """A deposit's description, its facts (ore, grade, plant outputs) and compositions."""
    ds = load(data)
    dep_id = _deposit_id(ds, name)
    dep = ds.table("deposits").set_index("deposit_id").loc[dep_id]
    facts = ds.table("deposit_facts")
    facts = facts[facts["deposit_id"] == dep_id][
        ["metric", "value", "low", "high", "unit", "year", "status", "preferred", "source_id"]
    ]
    comps = ds.table("compositions")
    comps = (
        comps[comps["deposit_id"] == dep_id]
        .groupby("composition_id")
        .agg(
            ore_type=("ore_type", "first"),
            preferred=("preferred", "first"),
            elements=("element", "count"),
            total_pct=("value", "sum"),
            source_id=("source_id", "first"),
        )
        .reset_index()
    )
    if fmt is not Format.table:
        payload = {
            "deposit": {k: (None if pd.isna(v) else v) for k, v in dep.items()}
            | {"deposit_id": dep_id},
            "facts": json.loads(facts.to_json(orient="records")),
            "compositions": json.loads(comps.to_json(orient="records")),
        }
        if fmt is Format.json:
            sys.stdout.write(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        else:
            facts.to_csv(sys.stdout, index=False)
        return
    out.print(f"[bold]{dep['name']}[/] ({dep_id}, {dep['country']}): {dep['deposit_type']}")
    for key in ("status", "operator", "partners", "ore_type", "byproducts", "source_id", "note"):
        if pd.notna(dep[key]):
            out.print(f"  {key}: {dep[key]}", highlight=False)
    emit(facts, fmt, title="Facts")
    if comps.empty:
        out.print(
            f"No published composition for {dep['name']}; 'reechain balance' borrows the "
            f"preferred composition of ore type {dep['ore_type']!r}."
        )
    else:
        emit(comps, fmt, title="Compositions")


def _deposit_id(ds: Dataset, name: str) -> str:
    deps = ds.table("deposits")
    if name in set(deps["deposit_id"]):
        return name
    hit = deps[deps["name"].str.lower() == name.lower()]
    if len(hit):
        return str(hit["deposit_id"].iloc[0])
    raise UnknownNameError("deposit", name, deps["deposit_id"])


@app.command()
@friendly
def balance(
    deposit: Annotated[str, typer.Option(help="Deposit id or name, e.g. beylikova.")],
    tonnes: Annotated[float, typer.Option(help="TREO to split [t REO].")],
    composition: Annotated[
        str | None,
        typer.Option(help="Composition id to use instead of the deposit's preferred one."),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Per-element output of a tonnage of a deposit's TREO: oxides, metals, NdPr, surplus."""
    ds = load(data)
    res = deposit_output(ds, _deposit_id(ds, deposit), tonnes, composition)
    if fmt is not Format.table:
        emit(
            res.table.assign(deposit_id=res.deposit_id, composition_id=res.choice.composition_id),
            fmt,
        )
        return
    table = res.table.copy()
    table["share_pct"] = table["share_pct"].map(lambda v: f"{v:.2f} %")
    if res.market is None:  # surplus not assessed: do not show empty columns
        table = table.drop(columns=["market_share", "balance_ratio", "surplus"])
    emit(
        table,
        fmt,
        title=f"{res.deposit_name}: {tonnes:,.0f} t TREO by element",
        percent=("market_share",),
    )
    out.print(f"composition: {res.choice.composition_id} ({res.choice.reason})", highlight=False)
    out.print(
        f"NdPr oxide: {res.ndpr_t:,.0f} t; magnet REEs (Nd, Pr, Tb, Dy): "
        f"{res.magnet_ree_t:,.0f} t; unassigned: {res.unassigned_t:,.0f} t",
        highlight=False,
    )
    if res.surplus_elements:
        out.print(
            f"surplus if run to meet the market's NdPr: {', '.join(res.surplus_elements)}",
            highlight=False,
        )
    for note in res.notes:
        if note != res.choice.reason:
            out.print(f"note: {note}", highlight=False)
    out.print(
        "sources: "
        + "; ".join(f"{s.source_id} ({s.publisher}, {s.title})" for s in res.sources.itertuples()),
        highlight=False,
    )


@app.command()
@friendly
def overview(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "reechain-overview.html"
    ),
    until: Annotated[
        int | None, typer.Option(help="Last year to show (default: last year).")
    ] = None,
    data: DataOpt = None,
) -> None:
    """Write an HTML overview: stage shares, HHI over time, BRICS with and without Türkiye."""
    ds = load(data)
    path = write_overview(ds, out_file, until)
    out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, self-contained)")


# ---------------------------------------------------------------------------------------------
# scenarios

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file (see examples/).")]


def _scenario(path: Path, ds: Dataset):
    from .scenario import Scenario

    return Scenario.from_yaml(path).check(ds)


@scenario_app.command("schema")
def scenario_schema() -> None:
    """Print the scenario files' JSON Schema (for editors)."""
    from .scenario import json_schema

    sys.stdout.write(json_schema() + "\n")


@app.command()
@friendly
def validate(scenario: ScenarioArg, data: DataOpt = None) -> None:
    """Check a scenario file against the schema and the dataset; list every problem."""
    sc = _scenario(scenario, load(data))
    out.print(f"ok: {sc.name!r}, {sc.base_year}-{sc.horizon}, {len(sc.events)} event(s)")


def _progress_run(sc, ds: Dataset, foresight: bool, label: str):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .engine.run import run as run_scenario

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=2)

        def report(text: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label}: {text}", completed=done, total=total)

        return run_scenario(sc, ds, foresight=foresight, progress=report)


@app.command("run")
@friendly
def run_command(
    scenario: ScenarioArg,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the results (default: out/<scenario file name>)."
        ),
    ] = None,
    foresight: Annotated[
        bool,
        typer.Option(
            help="Perfect foresight with stocks over the horizon (default: myopic, year by year)."
        ),
    ] = False,
    baseline: Annotated[
        bool, typer.Option(help="Also run the no-event baseline for before/after figures.")
    ] = True,
    data: DataOpt = None,
) -> None:
    """Run a scenario: Parquet results, a summary on screen and an HTML report."""
    from .engine.run import baseline_of
    from .scenario_report import key_figures, write_report

    ds = load(data)
    sc = _scenario(scenario, ds)
    out_dir = out_dir or Path("out") / scenario.stem
    res = _progress_run(sc, ds, foresight, "scenario")
    base = _progress_run(baseline_of(sc), ds, foresight, "baseline") if baseline else None
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in SCENARIO_TABLES:
        getattr(res.result, name).to_parquet(out_dir / f"{name}.parquet", index=False)
    res.owner_flows.to_parquet(out_dir / "owner_flows.parquet", index=False)
    res.provenance.astype(str).to_parquet(out_dir / "provenance.parquet", index=False)
    report = write_report(res, ds, out_dir / "report.html", base)
    figures = key_figures(res, base, ds)
    years = sorted({sc.base_year, (sc.base_year + sc.horizon) // 2, sc.horizon})
    sep = figures["separation"]
    emit(
        sep[sep["year"].isin(years)],
        Format.table,
        title="Separation: share of world output and HHI (baseline = no events)",
        percent=tuple(c for c in sep.columns if c != "year" and not c.startswith("HHI")),
    )
    for key, title in (
        ("projects", "Projects [t/yr]"),
        ("coverage", "Demand events vs project output (coverage of oxide needs)"),
        ("blocs", "Blocs: share of world separation"),
    ):
        if key in figures:
            df = figures[key]
            df = df[df["year"] == sc.horizon] if key != "blocs" else df[df["year"].isin(years)]
            keep = [c for c in df.columns if not c.endswith(("_need_oxide_t", "_project_t"))]
            emit(
                df[keep],
                Format.table,
                title=f"{title}, {sc.horizon}" if key != "blocs" else title,
                percent=tuple(c for c in keep if c.endswith("coverage") or c.startswith("BRICS")),
            )
    unmet = res.unmet.groupby("year")["unmet"].sum()
    surplus = res.surplus.groupby("year")["surplus"].sum()
    out.print(
        f"unmet demand in {sc.horizon}: {unmet.get(sc.horizon, 0.0):,.0f} t; surplus "
        f"oxide: {surplus.get(sc.horizon, 0.0):,.0f} t; "
        f"solve {sum(v for k, v in res.timings.items() if k != 'highs'):.1f} s"
    )
    out.print(f"wrote {out_dir}/ (Parquet tables) and {report}")


@app.command("report")
@friendly
def report_command(
    scenario: ScenarioArg,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    foresight: Annotated[bool, typer.Option(help="Perfect foresight.")] = False,
    data: DataOpt = None,
) -> None:
    """Run a scenario and its baseline; write one self-contained HTML report (works offline)."""
    from .engine.run import baseline_of
    from .scenario_report import write_report

    ds = load(data)
    sc = _scenario(scenario, ds)
    res = _progress_run(sc, ds, foresight, "scenario")
    base = _progress_run(baseline_of(sc), ds, foresight, "baseline")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out.print(f"wrote {write_report(res, ds, out_file, base)}")


@app.command()
@friendly
def compare(
    a: ScenarioArg,
    b: ScenarioArg,
    foresight: Annotated[bool, typer.Option(help="Perfect foresight.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run two scenarios and show HHI, CR1, unmet and surplus side by side (B - A)."""
    from .outcomes import compare as compare_results

    ds = load(data)
    ra = _progress_run(_scenario(a, ds), ds, foresight, a.stem)
    rb = _progress_run(_scenario(b, ds), ds, foresight, b.stem)
    table = compare_results(ra, rb)
    emit(table, fmt, title=f"A = {a.name}, B = {b.name}")


@app.command()
@friendly
def calibrate(
    base_year: Annotated[int, typer.Option(help="Base year.")] = 2024,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run the no-event model for the base year and compare its country shares with the data."""
    from .calibration import TOLERANCE_PP
    from .calibration import calibrate as run_calibration

    table, _ = run_calibration(load(data), base_year)
    if fmt is not Format.table:
        emit(table, fmt)
        return
    emit(
        table[["stage", "material", "country", "observed", "model", "residual_pp", "within"]],
        fmt,
        title=f"Calibration {base_year}: model vs observed shares",
        percent=("observed", "model"),
        caption=f"target: |residual| <= {TOLERANCE_PP} percentage points",
    )
    off = table[~table["within"]]
    if len(off):
        out.print(
            f"{len(off)} share(s) outside the target: "
            + "; ".join(
                f"{r.stage} {r.material} {r.country} {r.residual_pp:+.1f} pp"
                for r in off.itertuples()
            ),
            highlight=False,
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
    file and write them as a user package (use it with --data)."""
    from .trade_import import import_trade

    result = import_trade(file, out_dir, countries)
    out.print(
        f"{result.source_format}: kept {result.rows_kept:,} of {result.rows_read:,} rows "
        f"-> {out_dir}/trade.csv"
    )
    Dataset.load(extra=out_dir)
    out.print(f"checked: use it with --data {out_dir}")


# ---------------------------------------------------------------------------------------------
# criticality


@app.command("criticality")
@friendly
def criticality_command(
    assessment: Annotated[str, typer.Option(help="EU2023 or EU2020.")] = "EU2023",
    material: Annotated[
        str | None, typer.Option(help="An element (e.g. Nd) or group (LREE, HREE, Sc).")
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """EU method: HHI and HHI_WGI,t by stage from the published shares, SR where its inputs
    exist, and the assessment's published SR, EI and verdicts."""
    from .criticality import eu_supply_risk, published

    ds = load(data)
    table = eu_supply_risk(ds, assessment, material)
    if fmt is not Format.table:
        emit(table, fmt)
        return
    emit(
        table[["material", "stage", "scope", "hhi", "hhi_wgi_t", "sr", "sr_missing", "missing"]],
        fmt,
        title=f"{assessment}: supply concentration by stage",
        caption="HHI 0-1; HHI_WGI,t with WGI rescaled 0-10 (assumption eu_wgi_rescaling); SR "
        "needs IR, EoL-RIR and SI_SR, which the data lacks where shown",
    )
    emit(
        published(ds, assessment),
        fmt,
        title=f"{assessment}: published SR and EI (critical if SR >= 1 and EI >= 2.8)",
    )


# ---------------------------------------------------------------------------------------------
# dependency and stress


@app.command("dependency")
@friendly
def dependency_command(
    consumer: Annotated[str, typer.Option(help="Country (ISO3) or bloc id, e.g. DEU or EU27.")],
    element: Annotated[str, typer.Option(help="Element to follow upstream, e.g. Dy.")] = "Nd",
    form: Annotated[
        str, typer.Option(help="magnet | metal | oxide: what the consumer buys.")
    ] = "magnet",
    scenario: Annotated[
        Path | None,
        typer.Option(
            help="Scenario whose flows to use (default: the no-event model of the base year)."
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year (default: the base year).")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Through whom does a consumer's supply pass at each stage, and its effective dependency."""
    from .dependency import dependency
    from .engine.run import run as run_scenario
    from .scenario import Scenario

    ds = load(data)
    sc = (
        _scenario(scenario, ds)
        if scenario
        else Scenario.model_validate({"name": "no events", "base_year": 2024, "horizon": 2024})
    )
    year = year or sc.base_year
    if year not in sc.years:
        raise ReechainError(
            f"year {year} is outside the scenario's years {sc.base_year}-{sc.horizon}"
        )
    element = ds.check_element(element)
    blocs = set(ds.table("blocs")["bloc_id"])
    members = (
        ds.bloc_members(consumer.upper(), on=f"{year}-12-31")
        if consumer.upper() in blocs
        else ds.check_country(consumer)
    )
    res = run_scenario(sc, ds, owners=False)
    by_stage, effective = dependency(res.flows, members, element, year, form)
    if fmt is not Format.table:
        emit(by_stage.merge(effective, left_on="supplier", right_on="country", how="left"), fmt)
        return
    emit(
        by_stage,
        fmt,
        title=f"{consumer} {form} ({element}) {year}: supply by stage",
        percent=("share",),
    )
    emit(
        effective,
        fmt,
        title="Effective dependency (share of supply passing a country at any stage)",
        percent=("effective_dependency",),
    )


@app.command("stress")
@friendly
def stress_command(
    stage: Annotated[str, typer.Option(help="mining | separation | metal | magnet")] = "mining",
    year: Annotated[int, typer.Option(help="Year.")] = 2024,
    k: Annotated[int, typer.Option(help="Withdraw the largest k suppliers.", min=1)] = 1,
    bloc: Annotated[str | None, typer.Option(help="Withdraw a bloc's members instead.")] = None,
    material: Annotated[str | None, typer.Option(help="Material as in the data.")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """N-k stress on observed data: world output left if the largest k suppliers (or a bloc)
    stop; and the EU CRMA benchmarks."""
    from .dependency import crma_benchmarks, stress

    ds = load(data)
    stage = check_stage(stage)
    mat = _material(ds, stage, None, material, year)
    withdraw = ds.bloc_members(ds.check_bloc(bloc), on=f"{year}-12-31") if bloc else None
    table = stress(ds.table("production"), stage, year, mat, k=k, withdraw=withdraw)
    emit(
        table,
        fmt,
        title=f"Stress: {stage} {mat} {year}",
        percent=("lost_share", "remaining", "remaining_upper", "coverage"),
    )
    if fmt is Format.table:
        emit(
            crma_benchmarks(ds, year),
            fmt,
            title="EU Critical Raw Materials Act benchmarks",
            percent=("value",),
        )


# ---------------------------------------------------------------------------------------------
# ensembles

ensemble_app = typer.Typer(help="Monte Carlo ensembles and the run store.", no_args_is_help=True)
app.add_typer(ensemble_app, name="ensemble")
StoreOpt = Annotated[Path, typer.Option("--store", help="DuckDB run store.")]
DEFAULT_STORE = Path("reechain-runs.duckdb")


def _execute(run_id: str, store, executor, data: Path | None, keep_flows: bool = False) -> dict:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .ensemble.runner import execute

    with Progress(
        TextColumn(f"run {run_id}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("samples", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return execute(run_id, store, executor, extra=str(data) if data else None, progress=report)


def _summary(store, run_id: str) -> None:
    from .ensemble.summary import deficit_probability, percentiles, sample_table

    record = store.run(run_id)
    wide, ok = sample_table(store, run_id)
    if wide.empty:
        out.print(f"run {run_id}: no solved sample yet")
        return
    p = percentiles(wide)
    last = int(p["year"].max())
    sep = p[(p["metric"] == "share") & (p["stage"] == "separation") & (p["year"] == last)]
    sep = sep[sep["p95"] > 0.005].sort_values("p50", ascending=False)
    emit(
        sep[["region", "p5", "p50", "p95"]],
        Format.table,
        title=f"Share of world separation in {last} ({len(ok)} of "
        f"{int(record['n_samples'])} samples)",
        percent=("p5", "p50", "p95"),
    )
    hhi = p[(p["metric"] == "hhi") & (p["year"] == last)]
    emit(hhi[["stage", "p5", "p50", "p95"]], Format.table, title=f"HHI in {last}")
    d = deficit_probability(wide)
    d = (
        d[(d["region"] == "WLD") & (d["probability"] > 0)]
        .sort_values(["probability", "year"], ascending=[False, True])
        .head(8)
    )
    if len(d):
        emit(
            d,
            Format.table,
            title="Highest probabilities of a world deficit (unmet > 1 t)",
            percent=("probability",),
        )


@ensemble_app.command("run")
@friendly
def ensemble_run(
    scenario: ScenarioArg,
    samples: Annotated[int, typer.Option(help="Number of samples.", min=1)] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the sample design.")] = 1,
    method: Annotated[str, typer.Option(help="random | lhs | morris.")] = "random",
    workers: Annotated[int, typer.Option(help="Local worker processes.", min=1)] = 1,
    dask_local: Annotated[
        int | None, typer.Option("--dask-local", help="Run on a local Dask cluster with N workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler (tcp://host:8786).")
    ] = None,
    store_path: StoreOpt = DEFAULT_STORE,
    foresight: Annotated[bool, typer.Option(help="Perfect foresight.")] = False,
    keep_flows: Annotated[
        bool, typer.Option(help="Also keep each sample's full flows as Parquet beside the store.")
    ] = False,
    data: DataOpt = None,
) -> None:
    """Sample the scenario's uncertain inputs and run the model for each sample."""
    from .ensemble.runner import executor_for, start
    from .ensemble.sampling import METHODS
    from .ensemble.store import Store

    if method not in METHODS:
        raise UnknownNameError("method", method, METHODS)
    ds = load(data)
    sc = _scenario(scenario, ds)
    store = Store(store_path)
    run_id = start(
        sc, ds, samples, seed, store, method, foresight, text=scenario.read_text(encoding="utf-8")
    )
    executor = executor_for(workers, dask_local, scheduler)
    out.print(
        f"run {run_id}: {store.run(run_id)['n_samples']} samples on "
        f"{executor.describe()}, store {store_path}",
        highlight=False,
    )
    counts = _execute(run_id, store, executor, data, keep_flows)
    _summary(store, run_id)
    out.print(
        f"stored {counts['stored']} sample(s), {counts['failed']} failed; "
        f"`reechain ensemble show {run_id} --report FILE` for the fan charts",
        highlight=False,
    )


@ensemble_app.command("resume")
@friendly
def ensemble_resume(
    run_id: str,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    dask_local: Annotated[int | None, typer.Option("--dask-local")] = None,
    scheduler: Annotated[str | None, typer.Option()] = None,
    store_path: StoreOpt = DEFAULT_STORE,
    data: DataOpt = None,
) -> None:
    """Run the samples an interrupted run lacks."""
    from .ensemble.runner import executor_for
    from .ensemble.store import Store

    store = Store(store_path)
    store.run(run_id)
    counts = _execute(run_id, store, executor_for(workers, dask_local, scheduler), data)
    out.print(
        f"run {run_id}: {counts['done_before']} were stored, {counts['stored']} added "
        f"({counts['failed']} failed)"
    )


@ensemble_app.command("list")
@friendly
def ensemble_list(store_path: StoreOpt = DEFAULT_STORE, fmt: FormatOpt = Format.table) -> None:
    """The runs in the store."""
    from .ensemble.store import Store

    emit(Store(store_path).runs(), fmt, title=f"Runs in {store_path}")


@ensemble_app.command("show")
@friendly
def ensemble_show(
    run_id: str,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    output: Annotated[
        str | None,
        typer.Option(
            help="Output for the sensitivity, metric:stage:region:item:year, e.g. "
            "share:separation:CHN:TREO:2030."
        ),
    ] = None,
    store_path: StoreOpt = DEFAULT_STORE,
    fmt: FormatOpt = Format.table,
) -> None:
    """Percentiles and deficit probabilities of a run (and its report and sensitivity)."""
    from .ensemble.store import Store
    from .ensemble.summary import percentiles, sample_table, sensitivity

    store = Store(store_path)
    store.run(run_id)
    key = None
    if output:
        parts = output.split(":")
        if len(parts) != 5 or not parts[4].isdigit():
            raise ReechainError(
                f"--output {output!r}: write metric:stage:region:item:year, "
                "e.g. share:separation:CHN:TREO:2030"
            )
        key = (*parts[:4], int(parts[4]))
    if fmt is not Format.table:
        emit(percentiles(sample_table(store, run_id)[0]), fmt)
        return
    _summary(store, run_id)
    if key is not None:
        try:
            emit(sensitivity(store, run_id, key), Format.table, title=f"Sensitivity of {output}")
        except KeyError as exc:
            raise ReechainError(str(exc).strip("'\"")) from None
        except ValueError as exc:
            raise ReechainError(str(exc)) from None
    if report is not None:
        from .ensemble_report import write_report

        out.print(f"wrote {write_report(store, run_id, report, key)}")


@ensemble_app.command("delete")
@friendly
def ensemble_delete(run_id: str, store_path: StoreOpt = DEFAULT_STORE) -> None:
    """Delete a run and its samples from the store."""
    from .ensemble.store import Store

    Store(store_path).delete(run_id)
    out.print(f"deleted {run_id}")


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    store_path: StoreOpt = DEFAULT_STORE,
    data: DataOpt = None,
) -> None:
    """Start the web dashboard and JSON API (docs at /docs). Set REECHAIN_API_KEY to require a
    key for routes that run the model."""
    try:
        import uvicorn

        from .web.app import create_app
    except ImportError as exc:
        raise ReechainError(
            f"the web service needs the 'web' extra ({exc.name} is missing): "
            "pip install 'reechain[web]'"
        ) from None
    out.print(f"reechain {__version__} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(create_app(load(data), store=store_path), host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
