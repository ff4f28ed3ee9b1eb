"""Scenario runs as background jobs: submit, poll, fetch. A bounded thread pool runs the model;
at most ``max_jobs`` are queued or running at once (more is a 429)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ..dataset import Dataset
from ..engine.run import ScenarioResult, baseline_of, run
from ..errors import ReechainError
from ..scenario import Scenario

logger = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    scenario: Scenario
    submitted: float = field(default_factory=time.time)
    future: Future | None = None
    result: ScenarioResult | None = None
    baseline: ScenarioResult | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.result is not None:
            return "done"
        if self.future is not None and self.future.running():
            return "running"
        return "queued"


class JobLimitError(ReechainError):
    """Too many jobs at once."""


class Jobs:
    def __init__(self, ds: Dataset, workers: int = 1, max_jobs: int = 4, keep: int = 20) -> None:
        self.ds = ds
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reechain-job")
        self.max_jobs, self.keep = max_jobs, keep
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def active(self) -> int:
        return sum(j.status in ("queued", "running") for j in self.jobs.values())

    def submit(self, scenario: Scenario) -> Job:
        with self.lock:
            if self.active() >= self.max_jobs:
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
            job.baseline = run(baseline_of(job.scenario), self.ds, owners=False)
            job.result = result  # last: setting it marks the job done
        except Exception as exc:  # reported to the client through the job's status
            job.error = f"{type(exc).__name__}: {exc}"
            logger.warning("job %s failed: %s", job.id, job.error)

    def get(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job
