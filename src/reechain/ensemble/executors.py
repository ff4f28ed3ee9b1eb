"""Where samples run: a local process pool (default) or Dask distributed (a local cluster or
an existing scheduler). Both expose one call, :meth:`map_unordered`, yielding results as they
complete; a task whose worker dies is retried by the executor itself (Dask reschedules it;
the store's one-row-per-sample rule makes a retry harmless)."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

logger = logging.getLogger(__name__)

Task = tuple[int, tuple]  # (sample, args)


class LocalExecutor:
    """A pool of ``workers`` processes (started with 'spawn': no state shared by fork)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        self.pool = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn")
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def map_unordered(self, fn: Callable, tasks: list[Task]) -> Iterator[tuple[int, Any]]:
        futures = {self.pool.submit(fn, *args): sample for sample, args in tasks}
        for fut in as_completed(futures):
            yield futures[fut], _outcome(fut)

    def describe(self) -> str:
        return f"local process pool, {self.workers} worker(s)"


class DaskExecutor:
    """Dask distributed: ``workers`` local worker processes, or an existing ``scheduler``."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, retries: int = 3) -> None:
        self.workers, self.scheduler, self.retries = workers, scheduler, retries
        self.client = None
        self.cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def map_unordered(self, fn: Callable, tasks: list[Task]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed as dask_completed

        futures = [
            self.client.submit(
                fn,
                *args,
                key=f"reechain-sample-{sample}-{id(self)}",
                pure=False,
                retries=self.retries,
            )
            for sample, args in tasks
        ]
        samples = {f.key: sample for f, (sample, _) in zip(futures, tasks, strict=True)}
        for fut in dask_completed(futures):
            yield samples[fut.key], _outcome(fut)

    def describe(self) -> str:
        return (
            f"Dask scheduler {self.scheduler}"
            if self.scheduler
            else f"Dask local cluster, {self.workers} worker(s)"
        )


def _outcome(fut) -> tuple[Any, str | None]:
    """(result, None) or (None, error text) for a finished future."""
    try:
        return fut.result(), None
    except Exception as exc:  # a sample's model failed: record it, go on with the others
        return None, f"{type(exc).__name__}: {exc}"
