"""The ensemble loop: design -> executor -> store, resumable at any point."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from reechain import __version__
from reechain.data.dataset import Dataset
from reechain.engine.scenario import Scenario
from reechain.ensemble.executors import DaskExecutor, LocalExecutor
from reechain.ensemble.sampling import design, inputs_of, morris_size
from reechain.ensemble.store import Store
from reechain.ensemble.worker import SUMMARY_COLUMNS, evaluate
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def executor_for(
    workers: int = 1, dask_local: int | None = None, scheduler: str | None = None
) -> LocalExecutor | DaskExecutor:
    if scheduler:
        return DaskExecutor(scheduler=scheduler)
    if dask_local:
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
) -> dict:
    """Run the samples of ``run_id`` that the store lacks; return counts. ``fn`` evaluates one
    sample (the model run by default).

    Interrupting (Ctrl-C) leaves every finished sample stored and the run resumable."""
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
    store.set_status(run_id, "running")
    try:
        with executor:
            for sample, (result, error) in executor.map_unordered(fn, tasks):
                rows, seconds = result if result is not None else (None, 0.0)
                params = table.loc[sample].to_dict()
                if rows is None:
                    rows = pd.DataFrame(columns=SUMMARY_COLUMNS)
                    counts["failed"] += 1
                    logger.warning("sample %s failed: %s", sample, error)
                if store.save_sample(run_id, sample, params, seconds, rows, error):
                    counts["stored"] += 1
                if progress:
                    progress(len(done) + counts["stored"], counts["total"])
    except KeyboardInterrupt:
        store.set_status(run_id, "interrupted")
        raise ReechainError(
            f"interrupted; {counts['done_before'] + counts['stored']} of "
            f"{counts['total']} samples stored. Resume with `reechain ensemble "
            f"resume {run_id}`"
        ) from None
    complete = len(store.done(run_id)) == counts["total"]
    store.set_status(run_id, "complete" if complete else "incomplete")
    return counts
