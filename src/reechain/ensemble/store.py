"""The run store: an embedded DuckDB file recording each ensemble run and its samples.

Tables: ``runs`` (id, scenario text, seed, method, sample count, dataset and package versions,
status), ``samples`` (run, sample, parameter values as JSON, seconds), ``results`` (run,
sample, summary rows). A sample's rows and its ``samples`` row are written in one transaction,
so a sample is stored completely or not at all and never twice. Every write opens the file
under a file lock and closes it again, so several ensembles can share one store.

A sample stored with an error failed in its model: it is done (a resume does not run it
again). A sample stored with a lost worker's error (``BrokenProcessPool``, ``KilledWorker``:
older versions stored those) is not done: a resume runs it and replaces its row.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from filelock import FileLock

from reechain.errors import ReechainError

#: the run ids the store makes (a UTC time stamp and six hex digits)
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")

logger = logging.getLogger(__name__)

DEFAULT_STORE = Path("reechain-runs.duckdb")
# Errors (by exception name, the start of a stored error) of a sample whose worker process
# died: the executor's fault, not the model's.
LOST_WORKER_ERRORS = ("BrokenProcessPool", "KilledWorker")
# SQL: a ``samples`` row that counts as done (solved, or failed in its model).
DONE = (
    "(error is null or not ("
    + " or ".join(f"starts_with(error, '{name}')" for name in LOST_WORKER_ERRORS)
    + "))"
)
SCHEMA = """
create table if not exists runs (
  run_id varchar primary key, created timestamp, name varchar, scenario varchar,
  seed bigint, method varchar, n_samples integer, foresight boolean,
  dataset_version varchar, package_version varchar, status varchar, inputs varchar);
create table if not exists samples (
  run_id varchar, sample integer, params varchar, seconds double, error varchar,
  primary key (run_id, sample));
create table if not exists results (
  run_id varchar, sample integer, metric varchar, stage varchar, region varchar,
  item varchar, year integer, value double);
"""


class Store:
    """A DuckDB run store at ``path``."""

    def __init__(self, path: str | Path = DEFAULT_STORE, create: bool = True) -> None:
        """The store at ``path``; ``create=False`` (commands that only read or change existing
        runs) refuses a path where no store exists instead of making one there."""
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ReechainError(
                f"no run store at {self.path}"
                + (
                    ""
                    if self.path.exists()
                    else " (check the path; `reechain ensemble run` makes one)"
                )  # fmt: skip
            )
        if create and not self.path.parent.is_dir():
            raise ReechainError(f"the folder of the store {self.path} does not exist")
        self.lock = FileLock(str(self.path) + ".lock", timeout=600)
        with self.connect() as con:
            con.execute(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection under the store's file lock; a file that isn't a readable DuckDB run
        store (truncated, foreign, a folder) is an error that says so, not DuckDB's."""
        with self.lock:
            try:
                con = duckdb.connect(str(self.path))
            except duckdb.Error as exc:
                raise self._unreadable(exc) from None
            try:
                yield con
            except duckdb.Error as exc:
                raise self._unreadable(exc) from None
            finally:
                con.close()

    def _unreadable(self, exc: Exception) -> ReechainError:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ReechainError(f"{self.path} is not a readable reechain run store: {first}")

    def flows_path(self, run_id: str, sample: int) -> Path:
        """Where a sample's full flows are kept as Parquet (``--keep-flows``): a folder beside
        the store file. A run id that isn't one of ours (a store from elsewhere could hold
        ``../../x``) is an error, so nothing is written outside that folder."""
        if not RUN_ID.fullmatch(run_id):
            raise ReechainError(f"run id {run_id!r} is not a reechain run id")
        return self.path.parent / f"{self.path.name}.files" / run_id / f"sample-{sample}.parquet"

    def create_run(
        self,
        name: str,
        scenario: str,
        seed: int,
        method: str,
        n: int,
        foresight: bool,
        dataset_version: str,
        package_version: str,
        inputs: list[dict],
    ) -> str:
        run_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        with self.connect() as con:
            con.execute(
                "insert into runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    datetime.now(UTC),
                    name,
                    scenario,
                    seed,
                    method,
                    n,
                    foresight,
                    dataset_version,
                    package_version,
                    "running",
                    json.dumps(inputs),
                ],
            )
        return run_id

    def run(self, run_id: str) -> dict:
        with self.connect() as con:
            df = con.execute("select * from runs where run_id = ?", [run_id]).df()
        if df.empty:
            raise ReechainError(
                f"no run {run_id!r} in {self.path}; `reechain ensemble list` shows the runs"
            )
        return df.iloc[0].to_dict()

    def runs(self) -> pd.DataFrame:
        """One row per run: samples done (solved or failed in their model), failed, status.
        A run recorded 'complete' by an older version is shown 'incomplete' if samples were
        lost with a worker, 'with failures' if some failed."""
        with self.connect() as con:
            return con.execute(f"""
                with counted as (
                  select r.run_id, r.name, r.created, r.seed, r.method, r.n_samples,
                         count(s.sample) filter ({DONE}) as done,
                         count(s.error) filter ({DONE}) as failed, r.status
                  from runs r left join samples s using (run_id)
                  group by all)
                select * replace (
                  case when status <> 'complete' then status
                       when done < n_samples then 'incomplete'
                       when failed > 0 then 'with failures'
                       else status end as status)
                from counted order by created""").df()

    def done(self, run_id: str) -> set[int]:
        """Samples stored for good: solved, or failed in their model (not lost workers)."""
        with self.connect() as con:
            rows = con.execute(
                f"select sample from samples where run_id = ? and {DONE}", [run_id]
            ).fetchall()
        return {int(r[0]) for r in rows}

    def failures(self, run_id: str) -> dict[int, str]:
        """The error of each sample that failed in its model (lost workers' are not there)."""
        with self.connect() as con:
            rows = con.execute(
                f"select sample, error from samples where run_id = ? and error is not null "
                f"and {DONE} order by sample",
                [run_id],
            ).fetchall()
        return {int(s): str(e) for s, e in rows}

    def save_sample(
        self,
        run_id: str,
        sample: int,
        params: dict,
        seconds: float,
        rows: pd.DataFrame,
        error: str | None = None,
    ) -> bool:
        """Store one sample atomically; False (and nothing written) if it is already done.
        A sample whose model failed is stored with its error and no result rows. A row of
        the sample lost with a worker (stored by an older version) is replaced."""
        frame = rows.assign(run_id=run_id, sample=sample)[
            ["run_id", "sample", "metric", "stage", "region", "item", "year", "value"]
        ]
        with self.connect() as con:
            con.execute("begin transaction")
            try:
                key = [run_id, sample]
                done = con.execute(
                    f"select count(*) from samples where run_id = ? and sample = ? and {DONE}", key
                ).fetchone()[0]
                if done:
                    con.execute("rollback")
                    return False
                for table in ("results", "samples"):  # a lost worker's row, if any
                    con.execute(f"delete from {table} where run_id = ? and sample = ?", key)
                con.execute(
                    "insert into samples values (?, ?, ?, ?, ?)",
                    [run_id, sample, json.dumps(params), seconds, error],
                )
                con.register("incoming", frame)
                con.execute("insert into results select * from incoming")
                con.unregister("incoming")
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        return True

    def set_status(self, run_id: str, status: str) -> None:
        with self.connect() as con:
            con.execute("update runs set status = ? where run_id = ?", [status, run_id])

    def results(self, run_id: str) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(
                "select * exclude (run_id) from results where run_id = ?", [run_id]
            ).df()

    def params(self, run_id: str) -> pd.DataFrame:
        with self.connect() as con:
            df = con.execute(
                "select sample, params from samples where run_id = ? order by sample", [run_id]
            ).df()
        if df.empty:
            return pd.DataFrame()
        values = pd.DataFrame([json.loads(p) for p in df["params"]])
        values.index = df["sample"].to_numpy()
        values.index.name = "sample"
        return values

    def delete(self, run_id: str) -> None:
        self.run(run_id)
        with self.connect() as con:
            for table in ("results", "samples", "runs"):
                con.execute(f"delete from {table} where run_id = ?", [run_id])
