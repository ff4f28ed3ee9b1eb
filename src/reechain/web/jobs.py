"""Scenario runs and ensembles as background jobs: submit, poll, cancel, fetch. A bounded thread
pool does the work; at most ``max_jobs`` runs and ensembles together are queued or running at
once (more is a 429 with the seconds to wait). A finished run keeps only its answer (the key
figures and the report's figures, made once when it ends), not the runs' full results, so the
last ``keep`` jobs cost megabytes, not gigabytes. Every job has its created, started and
finished times (UTC)."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import math
import statistics
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult, baseline_of, run
from reechain.engine.scenario import Scenario
from reechain.ensemble.executors import LocalExecutor
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

Kind = Literal["run", "ensemble"]
# How long a client told to come back later waits [s]: when no job has finished yet, and the
# bounds of an estimate made from finished jobs' lengths.
DEFAULT_RETRY_SECONDS = 30
MIN_RETRY_SECONDS = 5
MAX_RETRY_SECONDS = 600


def utc_now() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


@dataclass
class Job:
    """A background job: a scenario run with its baseline (``kind`` 'run'), or the samples of
    an ensemble run in the store ('ensemble', ``id`` the store's run id). Times are UTC;
    ``stop`` is set when a client cancels it."""

    id: str
    scenario: Scenario
    kind: Kind = "run"
    created: datetime = field(default_factory=utc_now)
    started: datetime | None = None
    finished: datetime | None = None
    future: Future | None = None
    payload: dict[str, Any] | None = None
    error: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def status(self) -> str:
        """queued, running, done, failed; cancelling (asked to stop, its current step not yet
        ended), cancelled."""
        if self.stop.is_set():
            return "cancelled" if self.finished else "cancelling"
        if self.error:
            return "failed"
        if self.finished:
            return "done"
        return "running" if self.started else "queued"

    def seconds(self) -> float | None:
        """How long it ran [s]; None until it has finished after starting."""
        if self.started is None or self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()


def release_memory() -> None:
    """Give the memory a finished run freed back to the system: collect cycles, then ask
    glibc to trim its arenas (a run's frames and the solver's arrays leave them fragmented:
    without this the server's RSS grows by about 100 MB a job although nothing is kept)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class JobLimitError(ReechainError):
    """Too many jobs at once; ``retry_after``: the seconds after which a slot is likely free."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JobFinishedError(ReechainError):
    """A job that has already finished can't be cancelled."""


class Jobs:
    def __init__(
        self,
        ds: Dataset,
        workers: int = 1,
        max_jobs: int = 4,
        keep: int = 20,
        extra: str | None = None,
        answer: Callable[[ScenarioResult, ScenarioResult], dict[str, Any]] | None = None,
    ) -> None:
        """``answer`` makes a finished job's payload from its run and baseline (default: the
        scenario names only); the runs themselves are not kept."""
        self.ds, self.extra = ds, extra
        self.answer = answer or (lambda res, base: {"scenario": res.scenario.name})
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reechain-job")
        self.max_jobs, self.keep = max_jobs, keep
        self.jobs: dict[str, Job] = {}  # scenario runs by job id
        self.ensembles: dict[str, Job] = {}  # ensemble runs by the store's run id
        self.lock = threading.Lock()

    def _all(self) -> Iterator[Job]:
        yield from list(self.jobs.values())
        yield from list(self.ensembles.values())

    def active(self) -> int:
        """Runs and ensembles queued, running or still stopping."""
        return sum(j.finished is None for j in self._all())

    def _admit(self) -> None:
        """Refuse a new job when ``max_jobs`` are active (call under the lock)."""
        if self.active() >= self.max_jobs:  # one limit for runs and ensembles
            raise JobLimitError(
                f"{self.max_jobs} jobs are already queued or running; "
                "try again when one has finished",
                self.retry_after(),
            )

    def retry_after(self) -> int:
        """Seconds until a job slot is likely free: for each running job, the median length
        of the finished jobs of its kind less the time it has run; the soonest of those,
        within :data:`MIN_RETRY_SECONDS` and :data:`MAX_RETRY_SECONDS`
        (:data:`DEFAULT_RETRY_SECONDS` while no job of a running kind has finished)."""
        typical = self._typical_seconds()
        now = utc_now()
        left = [
            typical[j.kind] - (now - j.started).total_seconds()
            for j in self._all()
            if j.finished is None and j.started is not None and j.kind in typical
        ]
        wait = min(left) if left else DEFAULT_RETRY_SECONDS
        return int(min(max(math.ceil(wait), MIN_RETRY_SECONDS), MAX_RETRY_SECONDS))

    def _typical_seconds(self) -> dict[str, float]:
        """Median length [s] of the finished, not cancelled, jobs of each kind."""
        lengths: dict[str, list[float]] = {}
        for job in self._all():
            if job.seconds() is not None and not job.stop.is_set():
                lengths.setdefault(job.kind, []).append(job.seconds())
        return {kind: statistics.median(s) for kind, s in lengths.items()}

    def _forget_old(self, jobs: dict[str, Job]) -> None:
        """Keep the last ``keep`` jobs of ``jobs``: older finished ones go."""
        for old in sorted(jobs.values(), key=lambda j: j.created)[: -self.keep]:
            if old.finished is not None:
                jobs.pop(old.id, None)

    def submit(self, scenario: Scenario) -> Job:
        with self.lock:
            self._admit()
            job = Job(id=uuid.uuid4().hex[:12], scenario=scenario)
            self.jobs[job.id] = job
            self._forget_old(self.jobs)
        job.future = self.pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        """Run the scenario, then its baseline; a cancel stops it between the two."""
        job.started = utc_now()
        try:
            result = run(job.scenario, self.ds)
            if job.stop.is_set():
                return
            baseline = run(baseline_of(job.scenario), self.ds, owners=False)
            if not job.stop.is_set():
                job.payload = self.answer(result, baseline)
        except Exception as exc:  # reported to the client through the job's status
            job.error = f"{type(exc).__name__}: {exc}"
            logger.warning("job %s failed: %s", job.id, job.error)
        finally:
            job.finished = utc_now()  # last: it marks the job done
            release_memory()

    def submit_ensemble(
        self, scenario: Scenario, text: str, samples: int, seed: int, method: str, store: Path
    ) -> str:
        """Record an ensemble run in ``store`` and run its samples in the pool (one process);
        returns the run id. Its progress is the store's (``/api/ensembles``); while it waits
        for the pool its status there is 'created'."""
        from reechain.ensemble.runner import start
        from reechain.ensemble.store import Store

        with self.lock:
            self._admit()
            job = Job(id=f"starting-{uuid.uuid4().hex}", scenario=scenario, kind="ensemble")
            self.ensembles[job.id] = job  # holds the slot while the run is recorded
        try:
            run_id = start(scenario, self.ds, samples, seed, Store(store), method, text=text)
            Store(store).set_status(run_id, "created")
        except BaseException:
            with self.lock:
                self.ensembles.pop(job.id, None)
            raise
        with self.lock:
            self.ensembles.pop(job.id, None)
            job.id = run_id
            self.ensembles[run_id] = job
            self._forget_old(self.ensembles)
        job.future = self.pool.submit(self._run_ensemble, job, store)
        return run_id

    def _run_ensemble(self, job: Job, store: Path) -> None:
        """Run the samples the store lacks; a cancel lets the samples in flight end unstored
        and starts no more (the stored ones stay; the run's status is 'cancelled')."""
        from reechain.ensemble.runner import execute
        from reechain.ensemble.store import Store

        job.started = utc_now()
        try:
            execute(job.id, Store(store), LocalExecutor(1), self.extra, stop=job.stop.is_set)
        except Exception as exc:  # the run stays resumable; its status says what happened
            job.error = f"{type(exc).__name__}: {exc}"
            logger.warning("ensemble %s stopped: %s", job.id, exc)
        finally:
            job.finished = utc_now()

    def cancel(self, job: Job, store: Path | None = None) -> Job:
        """Stop ``job``: a queued one never starts (an ensemble's status in ``store`` becomes
        'cancelled'); a running one stops at its next step (a run between its scenario and
        its baseline, an ensemble after the sample in flight). Cancelling a cancelled job
        changes nothing; a finished one is a :class:`JobFinishedError`."""
        with self.lock:
            if job.finished is not None and not job.stop.is_set():
                raise JobFinishedError(f"job {job.id} is {job.status}: nothing to cancel")
            job.stop.set()
            if job.future is not None and job.future.cancel():  # it never started
                job.finished = utc_now()
                if job.kind == "ensemble" and store is not None:
                    from reechain.ensemble.store import Store

                    Store(store).set_status(job.id, "cancelled")
        return job

    def get(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def ensemble(self, run_id: str) -> Job | None:
        """The job of an ensemble run this server started (None: the CLI's, or before a
        restart)."""
        return self.ensembles.get(run_id)
