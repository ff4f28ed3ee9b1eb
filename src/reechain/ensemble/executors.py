"""Where samples run: a local process pool (default) or Dask distributed (a local cluster or
an existing scheduler). Both expose one call, :meth:`map_unordered`, yielding results as they
complete.

A sample whose model raises is a result (its error is stored). A sample lost because its
worker process died (the OOM killer, SIGKILL: the pool's ``BrokenProcessPool``, Dask's
``KilledWorker``) is not: the executor restarts the pool (Dask replaces the worker itself) and
runs the lost samples again, up to ``max_restarts`` times in a row without a sample finishing;
then it stops with :class:`WorkersLostError`, naming the samples it never ran, so that they stay
out of the store and a resume runs them. A retried sample that did finish meanwhile is harmless:
the store keeps one row per sample."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from reechain.ensemble.store import LOST_WORKER_ERRORS
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

Task = tuple[int, tuple]  # (sample, args)
Outcome = tuple[Any, str | None]  # (result, None) or (None, error text)
# Restarts of the pool in a row (no sample finishing in between) before a run gives up.
MAX_RESTARTS = 3


class WorkersLostError(RuntimeError):
    """Worker processes kept dying: ``samples`` were never run (none of them is stored)."""

    def __init__(self, message: str, samples: list[int]) -> None:
        super().__init__(message)
        self.samples = sorted(samples)


class LocalExecutor:
    """A pool of ``workers`` processes (started with 'spawn': no state shared by fork),
    restarted when a worker dies (at most ``max_restarts`` times in a row)."""

    def __init__(self, workers: int = 1, max_restarts: int = MAX_RESTARTS) -> None:
        self.workers = check_workers(workers, "workers")
        self.max_restarts = max_restarts
        self.restarts = 0  # rounds run again after a worker died
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        self.pool = self._new_pool()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)
            self.pool = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def _restart(self) -> None:
        """Replace a broken pool (its surviving workers are already terminated)."""
        self.restarts += 1
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()

    def _round(self, fn: Callable, tasks: list[Task]) -> Iterator[tuple[int, Any]]:
        """Submit ``tasks`` and yield (sample, finished future) as they complete."""
        futures = {self._submit(fn, args): sample for sample, args in tasks}
        for fut in as_completed(futures):
            yield futures[fut], fut

    def _submit(self, fn: Callable, args: tuple) -> Future:
        """The pool's future for ``fn(*args)``; if the pool broke while tasks were still
        being submitted, a future holding that error (the task is lost, not failed)."""
        try:
            return self.pool.submit(fn, *args)
        except BrokenProcessPool as exc:
            lost: Future = Future()
            lost.set_exception(exc)
            return lost

    def map_unordered(self, fn: Callable, tasks: list[Task]) -> Iterator[tuple[int, Outcome]]:
        return with_restarts(
            self._round, self._restart, fn, tasks, self.max_restarts, "the local process pool"
        )

    def describe(self) -> str:
        return f"local process pool, {self.workers} worker(s)"


class DaskExecutor:
    """Dask distributed: ``workers`` local worker processes, or an existing ``scheduler``.

    Dask reruns a task whose worker died by itself, until the task has killed ``allowed
    failures`` workers (then ``KilledWorker``); such samples are submitted again, at most
    ``max_restarts`` times in a row."""

    def __init__(
        self,
        workers: int = 1,
        scheduler: str | None = None,
        retries: int = 3,
        max_restarts: int = MAX_RESTARTS,
    ) -> None:
        self.workers = workers if scheduler else check_workers(workers, "Dask workers")
        self.scheduler, self.retries, self.max_restarts = scheduler, retries, max_restarts
        self.client = None
        self.cluster = None
        self.restarts = 0  # rounds run again after a worker died
        self._attempt = 0

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

    def _round(self, fn: Callable, tasks: list[Task]) -> Iterator[tuple[int, Any]]:
        """Submit ``tasks`` (keys new to this round) and yield (sample, finished future)."""
        from distributed import as_completed as dask_completed

        self._attempt += 1
        futures = [
            self.client.submit(
                fn,
                *args,
                key=f"reechain-sample-{sample}-{id(self)}-{self._attempt}",
                pure=False,
                retries=self.retries,
            )
            for sample, args in tasks
        ]
        samples = {f.key: sample for f, (sample, _) in zip(futures, tasks, strict=True)}
        for fut in dask_completed(futures):
            yield samples[fut.key], fut

    def _restart(self) -> None:
        """Nothing to restart (the cluster's nannies replace dead workers): count it."""
        self.restarts += 1

    def map_unordered(self, fn: Callable, tasks: list[Task]) -> Iterator[tuple[int, Outcome]]:
        return with_restarts(
            self._round, self._restart, fn, tasks, self.max_restarts, self.describe()
        )

    def describe(self) -> str:
        return (
            f"Dask scheduler {self.scheduler}"
            if self.scheduler
            else f"Dask local cluster, {self.workers} worker(s)"
        )


def check_workers(workers: int, what: str) -> int:
    """``workers`` as an int if it is at least 1, else a :class:`ReechainError`."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ReechainError(f"{what} must be a whole number of at least 1, not {workers!r}")
    return workers


def with_restarts(
    run_round: Callable[[Callable, list[Task]], Iterator[tuple[int, Any]]],
    restart: Callable[[], None],
    fn: Callable,
    tasks: list[Task],
    max_restarts: int,
    where: str,
) -> Iterator[tuple[int, Outcome]]:
    """Yield (sample, outcome) for every task; tasks lost with a dead worker are run again in
    a new round after ``restart()``. Gives up (:class:`WorkersLostError`) after
    ``max_restarts`` restarts in a row with no sample finishing in between."""
    pending = list(tasks)
    in_a_row = 0
    while pending:
        args = dict(pending)
        lost: list[Task] = []
        error = ""
        for sample, fut in run_round(fn, pending):
            if worker_lost(fut):
                lost.append((sample, args[sample]))
                error = _error_text(_exception(fut))
                continue
            in_a_row = 0
            yield sample, _outcome(fut)
        if lost and in_a_row >= max_restarts:
            raise WorkersLostError(
                f"a worker process of {where} died {in_a_row + 1} time(s) in a row before any "
                f"sample finished (out of memory? killed?); {len(lost)} sample(s) not run. "
                f"Last error: {error}",
                [s for s, _ in lost],
            )
        if lost:
            in_a_row += 1
            logger.warning(
                "a worker process of %s died (%s); running the %d sample(s) lost with it "
                "again (restart %d of at most %d in a row)",
                where,
                error,
                len(lost),
                in_a_row,
                max_restarts,
            )
            restart()
        pending = sorted(lost, key=lambda task: task[0])


def worker_lost(fut: Any) -> bool:
    """Whether a finished future failed because its worker process died (not its model)."""
    exc = _exception(fut)
    return exc is not None and (
        isinstance(exc, BrokenProcessPool) or type(exc).__name__ in LOST_WORKER_ERRORS
    )


def _exception(fut: Any) -> BaseException | None:
    try:
        return fut.exception()
    except Exception as exc:  # e.g. a cancelled future: its exception is the cancellation
        return exc


def _outcome(fut: Any) -> Outcome:
    """(result, None) or (None, error text) for a finished future."""
    try:
        return fut.result(), None
    except Exception as exc:  # a sample's model failed: record it, go on with the others
        return None, _error_text(exc)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
