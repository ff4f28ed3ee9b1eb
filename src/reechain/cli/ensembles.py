"""`reechain ensemble ...`: Monte Carlo runs and the run store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

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
)
from reechain.errors import ReechainError, UnknownNameError

# ---------------------------------------------------------------------------------------------
# ensembles

# Exit code of a run that finished with failed or missing samples (bad input exits with 2).
FAILED_EXIT = 1
MAX_ERRORS_SHOWN = 5  # distinct errors listed when samples failed

ensemble_app = typer.Typer(help="Monte Carlo ensembles and the run store.", no_args_is_help=True)
app.add_typer(ensemble_app, name="ensemble")


def _execute(run_id: str, store, executor, data: Path | None, keep_flows: bool = False) -> dict:
    """Run the samples the store lacks, with a progress bar. If the executor's workers keep
    dying: the error on stderr and exit code 1 (the run is resumable)."""
    from rich.markup import escape

    from reechain.ensemble.executors import WorkersLostError

    try:
        counts = _execute_with_progress(run_id, store, executor, data, keep_flows)
    except WorkersLostError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(FAILED_EXIT) from None
    restarts = getattr(executor, "restarts", 0)
    if restarts:
        err.print(
            f"note: a worker process died {restarts} time(s); the samples lost with it were "
            "run again",
            highlight=False,
        )
    return counts


def _execute_with_progress(
    run_id: str, store, executor, data: Path | None, keep_flows: bool = False
) -> dict:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from reechain.ensemble.runner import execute

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

        return execute(
            run_id,
            store,
            executor,
            extra=str(data) if data else None,
            progress=report,
            keep_flows=keep_flows,
        )


def _finish(store, run_id: str) -> None:
    """Say how many samples failed and why; exit with code 1 unless the run is complete."""
    from reechain.ensemble.runner import final_status

    record = store.run(run_id)
    status = final_status(store, run_id, int(record["n_samples"]))
    if status == "complete":
        return
    failures = store.failures(run_id)
    missing = int(record["n_samples"]) - len(store.done(run_id))
    if failures:
        err.print(
            f"run {run_id}: {len(failures)} of {int(record['n_samples'])} sample(s) failed:",
            highlight=False,
        )
        for error, n in Counter(failures.values()).most_common(MAX_ERRORS_SHOWN):
            err.print(f"  {n} x {error}", highlight=False, markup=False, soft_wrap=True)
        if len(set(failures.values())) > MAX_ERRORS_SHOWN:
            err.print(f"  ... and {len(set(failures.values())) - MAX_ERRORS_SHOWN} more errors")
    if missing:
        err.print(
            f"run {run_id}: {missing} sample(s) not run; "
            f"`reechain ensemble resume {run_id}` runs them",
            highlight=False,
        )
    raise typer.Exit(FAILED_EXIT)


def _summary(store, run_id: str) -> None:
    from reechain.ensemble.summary import deficit_probability, percentiles, sample_table

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
        int | None,
        typer.Option("--dask-local", help="Run on a local Dask cluster with N workers.", min=1),
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
    from reechain.ensemble.runner import executor_for, start
    from reechain.ensemble.sampling import METHODS
    from reechain.ensemble.store import Store

    if method not in METHODS:
        raise UnknownNameError("method", method, METHODS)
    executor = executor_for(workers, dask_local, scheduler)  # before anything is stored
    ds = common.load(data)
    sc = load_scenario(scenario, ds)
    store = Store(store_path)
    run_id = start(
        sc, ds, samples, seed, store, method, foresight, text=scenario.read_text(encoding="utf-8")
    )
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
    _finish(store, run_id)


@ensemble_app.command("resume")
@friendly
def ensemble_resume(
    run_id: str,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    dask_local: Annotated[int | None, typer.Option("--dask-local", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option()] = None,
    store_path: StoreOpt = DEFAULT_STORE,
    data: DataOpt = None,
) -> None:
    """Run the samples an interrupted run lacks (and those lost with a dead worker)."""
    from reechain.ensemble.runner import executor_for
    from reechain.ensemble.store import Store

    executor = executor_for(workers, dask_local, scheduler)
    store = Store(store_path, create=False)
    store.run(run_id)
    counts = _execute(run_id, store, executor, data)
    out.print(
        f"run {run_id}: {counts['done_before']} were stored, {counts['stored']} added "
        f"({counts['failed']} failed)"
    )
    _finish(store, run_id)


@ensemble_app.command("list")
@friendly
def ensemble_list(store_path: StoreOpt = DEFAULT_STORE, fmt: FormatOpt = Format.table) -> None:
    """The runs in the store."""
    from reechain.ensemble.store import Store

    if not store_path.exists():  # a list never makes a store (a mistyped path stays a typo)
        out.print(f"no run store at {store_path} yet: `reechain ensemble run` makes one")
        return
    emit(Store(store_path, create=False).runs(), fmt, title=f"Runs in {store_path}")


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
    from reechain.ensemble.store import Store
    from reechain.ensemble.summary import percentiles, sample_table, sensitivity

    store = Store(store_path, create=False)
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
        from reechain.reports.ensemble import write_report

        out.print(f"wrote {write_report(store, run_id, report, key)}")


@ensemble_app.command("delete")
@friendly
def ensemble_delete(run_id: str, store_path: StoreOpt = DEFAULT_STORE) -> None:
    """Delete a run and its samples from the store."""
    from reechain.ensemble.store import Store

    Store(store_path, create=False).delete(run_id)
    out.print(f"deleted {run_id}")
