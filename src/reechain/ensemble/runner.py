"""The ensemble loop: design -> executor -> store, resumable at any point."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from reechain import __version__
from reechain.data.dataset import Dataset
from reechain.engine.scenario import Scenario
from reechain.ensemble.executors import (
    DaskExecutor,
    LocalExecutor,
    WorkersLostError,
    check_workers,
)
from reechain.ensemble.sampling import design, inputs_of, morris_size
from reechain.ensemble.store import Store
from reechain.ensemble.worker import SUMMARY_COLUMNS, evaluate
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class _Stopped(Exception):
    """Raised inside the executor's block when the caller asks to stop (``execute(stop=)``)."""


def executor_for(
    workers: int = 1, dask_local: int | None = None, scheduler: str | None = None
) -> LocalExecutor | DaskExecutor:
    """The executor the options name; a worker count below 1 is a :class:`ReechainError`
    (checked here, before anything is stored: a Dask cluster of no workers never runs)."""
    check_workers(workers, "--workers")
    if dask_local is not None:
        check_workers(dask_local, "--dask-local")
    if scheduler:
        return DaskExecutor(scheduler=scheduler)
    if dask_local is not None:
        return DaskExecutor(workers=dask_local)
    return LocalExecutor(workers)


def start(
    sc: Scenario,
    ds: Dataset,
    samples: int,
    seed: int,
    store: Store,
    method: str = "random",
    foresight: bool = False,
    text: str | None = None,
) -> str:
    """Record a new run and return its id (nothing is computed yet)."""
    if samples < 1:
        raise ReechainError("samples must be at least 1")
    inputs = [{"name": i.name, "target": i.target} for i in inputs_of(sc)]
    if method == "morris":
        if not inputs:
            raise ReechainError("a Morris design needs uncertain inputs (scenario: uncertainty)")
        samples = morris_size(samples, len(inputs))
    return store.create_run(
        sc.name,
        text or sc.model_dump_json(by_alias=True),
        seed,
        method,
        samples,
        foresight,
        ds.schema.version,
        __version__,
        inputs,
    )


def execute(
    run_id: str,
    store: Store,
    executor: LocalExecutor | DaskExecutor,
    extra: str | None = None,
    progress: Progress | None = None,
    fn: Callable = evaluate,
    keep_flows: bool = False,
    stop: Callable[[], bool] | None = None,
) -> dict:
    """Run the samples of ``run_id`` that the store lacks; return counts (``failed``: the
    samples of this call whose model failed). ``fn`` evaluates one sample (the model run by
    default). The run's status is then 'complete' (every sample solved), 'with failures'
    (every sample stored, some failed in their model) or 'incomplete'.

    Interrupting (Ctrl-C) leaves every finished sample stored and the run resumable. If the
    executor's workers keep dying, :class:`WorkersLostError` (with how to resume): the samples
    they lost are not stored, so a resume runs them.

    ``stop`` (e.g. a web client's cancel) is asked before the first sample and after each
    stored one: when it answers true, no further sample starts, those in flight end without
    being stored, every stored sample stays and the run's status is 'cancelled' (a resume
    runs the rest)."""
    record = store.run(run_id)
    sc = Scenario.from_text(record["scenario"], source=f"run {run_id}")
    table = design(sc, int(record["n_samples"]), int(record["seed"]), record["method"])
    targets = {i.name: i.target for i in inputs_of(sc)}
    done = store.done(run_id)
    todo = [s for s in range(int(record["n_samples"])) if s not in done]
    scenario = sc.model_dump(mode="json", by_alias=True)
    tasks = [
        (
            s,
            (
                scenario,
                table.loc[s].to_dict(),
                targets,
                extra,
                bool(record["foresight"]),
                str(store.flows_path(run_id, s)) if keep_flows else None,
            ),
        )
        for s in todo
    ]
    counts = {"total": int(record["n_samples"]), "done_before": len(done), "stored": 0, "failed": 0}
    if progress:
        progress(len(done), counts["total"])
    if stop is not None and stop():
        store.set_status(run_id, "cancelled")
        return counts
    store.set_status(run_id, "running")
    try:
        with executor:
            for sample, (result, error) in executor.map_unordered(fn, tasks):
                _save(store, run_id, sample, table.loc[sample].to_dict(), result, error, counts)
                if progress:
                    progress(len(done) + counts["stored"], counts["total"])
                if stop is not None and stop():
                    raise _Stopped  # leaves the executor without waiting for samples in flight
    except _Stopped:
        store.set_status(run_id, "cancelled")
        return counts
    except KeyboardInterrupt:
        store.set_status(run_id, "interrupted")
        raise ReechainError(
            f"interrupted; {_stored(counts)}. Resume with `reechain ensemble resume {run_id}`"
        ) from None
    except WorkersLostError as exc:
        store.set_status(run_id, "incomplete")
        raise WorkersLostError(
            f"{exc}; {_stored(counts)}. Resume with `reechain ensemble resume {run_id}`",
            exc.samples,
        ) from exc
    except BaseException:
        store.set_status(run_id, "incomplete")  # never left 'running'
        raise
    store.set_status(run_id, final_status(store, run_id, counts["total"]))
    return counts


def _save(
    store: Store,
    run_id: str,
    sample: int,
    params: dict,
    result: tuple[pd.DataFrame, float] | None,
    error: str | None,
    counts: dict,
) -> None:
    """Store one sample's outcome (its rows, or its error and no rows) and count it."""
    rows, seconds = result if result is not None else (None, 0.0)
    if rows is None:
        rows = pd.DataFrame(columns=SUMMARY_COLUMNS)
        counts["failed"] += 1
        logger.warning("sample %s failed: %s", sample, error)
    if store.save_sample(run_id, sample, params, seconds, rows, error):
        counts["stored"] += 1


def _stored(counts: dict) -> str:
    return f"{counts['done_before'] + counts['stored']} of {counts['total']} samples stored"


def final_status(store: Store, run_id: str, total: int) -> str:
    """'complete' if every sample is stored and solved, 'with failures' if every sample is
    stored but some failed in their model, else 'incomplete' (a resume has work to do)."""
    if len(store.done(run_id)) < total:
        return "incomplete"
    return "with failures" if store.failures(run_id) else "complete"
