"""Scenario files: validate, run, report, compare, calibrate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reechain.cli import common
from reechain.cli.common import (
    DEFAULT_STORE,
    DataOpt,
    Format,
    FormatOpt,
    ScenarioArg,
    StoreOpt,
    app,
    emit,
    err,
    friendly,
    load_scenario,
    out,
    scenario_app,
)

if TYPE_CHECKING:  # pragma: no cover - the commands import what they use
    import pandas as pd

    from reechain.data.dataset import Dataset
    from reechain.engine.run import ScenarioResult
    from reechain.engine.scenario import Scenario
    from reechain.reports.ensemble_run import StoredEnsemble

# ---------------------------------------------------------------------------------------------
# scenarios


@scenario_app.command("schema")
def scenario_schema() -> None:
    """Print the scenario files' JSON Schema (for editors)."""
    from reechain.engine.scenario import json_schema

    sys.stdout.write(json_schema() + "\n")


@app.command()
@friendly
def validate(scenario: ScenarioArg, data: DataOpt = None) -> None:
    """Check a scenario file against the schema and the dataset; list every problem."""
    ds = common.load(data)
    sc = load_scenario(scenario, ds)
    out.print(f"ok: {sc.name!r}, {sc.base_year}-{sc.horizon}, {len(sc.events)} event(s)")
    for where, message in sc.warnings(ds):
        out.print(f"warning: {where}: {message}", markup=False)


def _progress_run(sc, ds: Dataset, foresight: bool, label: str):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from reechain.engine.run import run as run_scenario

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
    from reechain.engine.run import baseline_of
    from reechain.engine.tables import RESULT_TABLES, result_tables, write_tables
    from reechain.reports.scenario import key_figures, write_report

    ds = common.load(data)
    sc = load_scenario(scenario, ds)
    out_dir = out_dir or Path("out") / scenario.stem
    res = _progress_run(sc, ds, foresight, "scenario")
    base = _progress_run(baseline_of(sc), ds, foresight, "baseline") if baseline else None
    tables = {
        **result_tables(res.result),
        "capacity_use": res.capacity_use,
        "owner_flows": res.owner_flows,
        "provenance": res.provenance.astype(str),
    }
    write_tables(tables, out_dir)
    for old in LEGACY_TABLES:  # an earlier version's mixed tables: never beside the new ones
        (out_dir / f"{old}.parquet").unlink(missing_ok=True)
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
    supply = figures["supply"]
    emit(
        supply[supply["year"].isin(years)],
        Format.table,
        title="Magnets [t magnet] and separated oxides [t REO]: world output and China's share",
        percent=tuple(c for c in supply.columns if c != "year" and not c.endswith("_t")),
    )
    for key, title in (
        ("projects", "Projects [t/yr]"),
        ("coverage", "Demand events vs project output (coverage of oxide needs)"),
        ("blocs", "Blocs: share of world separation"),
    ):
        if key in figures:
            df, note = _unknown_not_zero(key, figures[key], res, ds)
            df = df[df["year"] == sc.horizon] if key != "blocs" else df[df["year"].isin(years)]
            keep = [c for c in df.columns if not c.endswith(("_need_oxide_t", "_project_t"))]
            emit(
                df[keep],
                Format.table,
                title=f"{title}, {sc.horizon}" if key != "blocs" else title,
                percent=tuple(c for c in keep if c.endswith("coverage") or c.startswith("BRICS")),
            )
            if note:
                out.print(note)
    _print_balance(figures["balance"], sc.horizon)
    if "needs" in figures:
        needs = figures["needs"].drop(columns="year").round({"price_multiple": 1})
        emit(needs, Format.table, title=f"What the unmet magnets would need, {sc.horizon}")
    released = res.released
    if len(released):
        table = released.pivot_table(
            index=["stockpile", "region", "element"], columns="year", values="released"
        ).reset_index()
        emit(table, Format.table, title="Stockpile releases [t REO]")
    if "built" in figures:
        emit(
            figures["built"].drop(columns="year"),
            Format.table,
            title=f"Capacity the model built (what the scenario would need), {sc.horizon}",
        )
    out.print(f"solve {sum(v for k, v in res.timings.items() if k != 'highs'):.1f} s")
    out.print(
        f"wrote {out_dir}/ ({', '.join(RESULT_TABLES)}, capacity_use, owner_flows, provenance: "
        f"Parquet) and {report}",
        highlight=False,
    )


# Tables that earlier versions wrote to a run's folder (flows mixed totals, parts and world
# rows; pool_output is now in production).
LEGACY_TABLES = ("flows", "pool_output")


def _print_balance(balance, year: int) -> None:
    """Unmet demand and surplus per form and material in ``year`` (never added across forms):
    magnets and the magnet elements as a table, other oxides' surplus on one line."""
    from reechain.engine.tables import MAGNET_ELEMENTS

    main = balance["material"].isin(MAGNET_ELEMENTS) | (balance["form"] == "magnet")
    emit(
        balance[main].drop(columns="year"),
        Format.table,
        title=f"Unmet demand and surplus, {year}",
    )
    others = balance[~main]
    for column in ("unmet", "surplus"):
        for (form, unit), part in others.groupby(["form", "unit"], sort=False):
            part = part[part[column].fillna(0.0) > 0.5]
            if len(part):
                values = "; ".join(f"{r.material} {r[column]:,.0f}" for _, r in part.iterrows())
                out.print(
                    f"{column}, other {form} [{unit}]: {values}", highlight=False, markup=False
                )


@app.command("report")
@friendly
def report_command(
    scenario: ScenarioArg,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print it to an A4 PDF beside it (Chromium).")
    ] = False,
    ensemble: Annotated[
        str | None,
        typer.Option(help="An ensemble run of this scenario to show under Uncertainty."),
    ] = None,
    store_path: StoreOpt = DEFAULT_STORE,
    foresight: Annotated[bool, typer.Option(help="Perfect foresight.")] = False,
    data: DataOpt = None,
) -> None:
    """Run a scenario and its baseline; write one self-contained HTML report (works offline),
    with an ensemble's percentiles (--ensemble RUN_ID) and as a PDF too (--pdf)."""
    from reechain.engine.run import baseline_of
    from reechain.reports.scenario import write_report

    if pdf:  # before solving: say now that the PDF cannot be printed here
        from reechain.reports.pdf import check_printer

        check_printer()
    ds = common.load(data)
    sc = load_scenario(scenario, ds)
    stored = _stored_ensemble(ensemble, store_path, sc) if ensemble else None
    res = _progress_run(sc, ds, foresight, "scenario")
    base = _progress_run(baseline_of(sc, ds), ds, foresight, "baseline")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out.print(f"wrote {write_report(res, ds, out_file, base, stored)}")
    if pdf:
        from reechain.reports.pdf import write_pdf

        out.print(f"wrote {write_pdf(out_file)}")


def _unknown_not_zero(
    key: str, df: pd.DataFrame, res: ScenarioResult, ds: Dataset
) -> tuple[pd.DataFrame, str]:
    """(table, note): projects' output and coverage missing ('–') where the project's ore
    split does not itemise the element (Dy and Tb in a split borrowed from Mountain Pass),
    never 0; the note says so ('' when nothing is hidden)."""
    from reechain.reports.scenario import UNKNOWN, coverage_view, unknown_elements
    from reechain.reports.summary.splits import borrowed_splits

    if key not in ("projects", "coverage"):
        return df, ""
    splits = borrowed_splits(res.scenario, ds)
    view = unknown_elements(df, splits) if key == "projects" else coverage_view(df, splits)
    hidden = view.eq(UNKNOWN)
    note = "–: the project's ore split does not itemise the element (unknown, not zero)"
    return view.mask(hidden).infer_objects(), note if hidden.any().any() else ""


def _stored_ensemble(run_id: str, store_path: Path, sc: Scenario) -> StoredEnsemble:
    """The ensemble ``run_id`` of the store, checked to be of the scenario ``sc``."""
    from reechain.ensemble.store import Store
    from reechain.reports.ensemble_run import read_ensemble

    return read_ensemble(Store(store_path, create=False), run_id, sc)


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
    from reechain.analysis.outcomes import compare as compare_results

    ds = common.load(data)
    ra = _progress_run(load_scenario(a, ds), ds, foresight, a.stem)
    rb = _progress_run(load_scenario(b, ds), ds, foresight, b.stem)
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
    from reechain.analysis.calibration import TOLERANCE_PP
    from reechain.analysis.calibration import calibrate as run_calibration

    table, _ = run_calibration(common.load(data), base_year)
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
