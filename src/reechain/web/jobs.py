"""Scenario runs as background jobs: submit, poll, fetch. A bounded thread pool runs the model;
at most ``max_jobs`` are queued or running at once (more is a 429). A finished job keeps only
its answer (the key figures and the report's figures, made once when it ends), not the runs'
full results, so the last ``keep`` jobs cost megabytes, not gigabytes."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult, baseline_of, run
from reechain.engine.scenario import Scenario
from reechain.ensemble.executors import LocalExecutor
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    scenario: Scenario
    submitted: float = field(default_factory=time.time)
    future: Future | None = None
    payload: dict[str, Any] | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.payload is not None:
            return "done"
        if self.future is not None and self.future.running():
            return "running"
        return "queued"


def release_memory() -> None:
    """Give the memory a finished run freed back to the system: collect cycles, then ask
    glibc to trim its arenas (a run's frames and the solver's arrays leave them fragmented:
    without this the server's RSS grows by about 100 MB a job although nothing is kept)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class JobLimitError(ReechainError):
    """Too many jobs at once."""


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
        self.ensembles_running = 0
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reechain-job")
        self.max_jobs, self.keep = max_jobs, keep
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def active(self) -> int:
        return sum(j.status in ("queued", "running") for j in self.jobs.values())

    def submit(self, scenario: Scenario) -> Job:
        with self.lock:
            if self.active() + self.ensembles_running >= self.max_jobs:  # one limit for both
                raise JobLimitError(
                    f"{self.max_jobs} jobs are already queued or running; "
                    "try again when one has finished"
                )
            job = Job(id=uuid.uuid4().hex[:12], scenario=scenario)
            self.jobs[job.id] = job
            for old in sorted(self.jobs.values(), key=lambda j: j.submitted)[: -self.keep]:
                if old.status in ("done", "failed"):
                    self.jobs.pop(old.id, None)
        job.future = self.pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        try:
            result = run(job.scenario, self.ds)
            baseline = run(baseline_of(job.scenario), self.ds, owners=False)
            job.payload = self.answer(result, baseline)  # last: setting it marks it done
        except Exception as exc:  # reported to the client through the job's status
            job.error = f"{type(exc).__name__}: {exc}"
            logger.warning("job %s failed: %s", job.id, job.error)
        finally:
            release_memory()

    def submit_ensemble(
        self, scenario: Scenario, text: str, samples: int, seed: int, method: str, store: Path
    ) -> str:
        """Record an ensemble run in ``store`` and run its samples in the pool (one process);
        returns the run id. Its progress is the store's (``/api/ensembles``)."""
        from reechain.ensemble.runner import execute, start
        from reechain.ensemble.store import Store

        with self.lock:
            if self.active() + self.ensembles_running >= self.max_jobs:
                raise JobLimitError(
                    f"{self.max_jobs} jobs are already queued or running; "
                    "try again when one has finished"
                )
            self.ensembles_running += 1
        try:
            run_id = start(scenario, self.ds, samples, seed, Store(store), method, text=text)
        except BaseException:
            with self.lock:
                self.ensembles_running -= 1
            raise

        def work() -> None:
            try:
                execute(run_id, Store(store), LocalExecutor(1), self.extra)
            except Exception as exc:  # the run stays resumable; its status says what happened
                logger.warning("ensemble %s stopped: %s", run_id, exc)
            finally:
                with self.lock:
                    self.ensembles_running -= 1

        self.pool.submit(work)
        return run_id

    def get(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job
