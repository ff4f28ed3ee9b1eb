"""Ensembles survive dead workers: a local worker killed mid-run (SIGKILL, as the OOM killer
does) loses no sample and stores none as failed; a pool that keeps dying stops with a clear
error and leaves its samples to `resume`; samples that older versions stored as lost workers
(BrokenProcessPool, KilledWorker) are run again by `resume`; a run with failed samples is never
'complete' and its command exits with 1; a worker count below 1 is refused before anything is
stored. The model is stood in for by :func:`conftest.echo_sample`."""

from __future__ import annotations

import os
import signal
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import reechain.cli.ensembles
import reechain.ensemble.runner
from reechain.engine.scenario import Scenario
from reechain.ensemble.executors import (
    DaskExecutor,
    LocalExecutor,
    WorkersLostError,
    with_restarts,
    worker_lost,
)
from reechain.ensemble.runner import execute, executor_for, start
from reechain.ensemble.sampling import design
from reechain.ensemble.store import Store
from reechain.errors import ReechainError

from conftest import echo_sample

SCENARIO = """\
name: recovery
base_year: 2024
horizon: 2025
events:
  - type: project
    name: plant
    country: TUR
    stage: separation
    feed: {deposit: beylikova, composition: mountain-pass-mp-10k-2021-inferred}
    capacity: {value: 10000, unit: t REO/yr}
    start: 2025
    probability: 0.6
uncertainty:
  inputs:
    - name: capacity
      target: events[0].capacity.value
      distribution: {kind: uniform, low: 5000, high: 20000}
"""
SEED = 9
BROKEN = (
    "BrokenProcessPool: A process in the process pool was terminated abruptly while the "
    "future was running or pending."
)
KILLED = "KilledWorker: Attempted to run task 'reechain-sample-2' on 3 different workers"


@pytest.fixture(scope="module")
def sc(ds):
    return Scenario.from_text(SCENARIO, "recovery.yaml").check(ds)


# --- stand-ins that kill their own worker process (imported by name in the workers) ---------


def kill_once(*args, marker: str, victim: float, **kw):
    """:func:`echo_sample`, except that the first run of the sample whose capacity is
    ``victim`` kills its own process (SIGKILL); ``marker`` (a file) records that it did."""
    if args[1]["capacity"] == victim:
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            pass
        else:
            os.kill(os.getpid(), signal.SIGKILL)
    return echo_sample(*args, **kw)


def kill_always(*args, victim: float, **kw):
    """:func:`echo_sample`, except that the sample whose capacity is ``victim`` always kills
    its own process, as a sample too big for the machine's memory would."""
    if args[1]["capacity"] == victim:
        os.kill(os.getpid(), signal.SIGKILL)
    return echo_sample(*args, **kw)


# --- helpers ----------------------------------------------------------------------------


def sample_rows(store: Store, run_id: str) -> pd.DataFrame:
    """The ``samples`` rows of a run (sample, error), sorted by sample."""
    with store.connect() as con:
        return con.execute(
            "select sample, error from samples where run_id = ? order by sample", [run_id]
        ).df()


def assert_stored_once_with_results(store: Store, run_id: str, sc: Scenario, n: int) -> None:
    """Every sample has one ``samples`` row, no error, and its own design row as results."""
    rows = sample_rows(store, run_id)
    assert rows["sample"].tolist() == list(range(n))
    assert rows["error"].isna().all(), rows
    res = store.results(run_id)
    got = res.pivot_table(index="sample", columns="item", values="value")["capacity"]
    expected = design(sc, n, SEED)["capacity"]
    assert got.sort_index().to_numpy() == pytest.approx(expected.to_numpy())
    assert (res.groupby(["sample", "item"]).size() == 1).all()


def status(store: Store, run_id: str) -> str:
    runs = store.runs()
    return runs.loc[runs["run_id"] == run_id, "status"].item()


# --- the local pool ----------------------------------------------------------------------


def test_a_killed_local_worker_loses_no_sample_and_stores_none_as_failed(ds, sc, tmp_path):
    store = Store(tmp_path / "kill.duckdb")
    run_id = start(sc, ds, 6, SEED, store)
    marker = tmp_path / "killed"
    victim = design(sc, 6, SEED).loc[3, "capacity"]
    fn = partial(kill_once, marker=str(marker), victim=victim)
    executor = LocalExecutor(2)
    counts = execute(run_id, store, executor, fn=fn)
    assert marker.exists() and executor.restarts == 1  # the worker did die, once
    assert counts == {"total": 6, "done_before": 0, "stored": 6, "failed": 0}
    assert_stored_once_with_results(store, run_id, sc, 6)
    assert status(store, run_id) == "complete"


def test_a_pool_that_keeps_dying_stops_and_leaves_its_samples_to_resume(ds, sc, tmp_path):
    store = Store(tmp_path / "dying.duckdb")
    run_id = start(sc, ds, 4, SEED, store)
    victim = design(sc, 4, SEED).loc[2, "capacity"]
    fn = partial(kill_always, victim=victim)
    with pytest.raises(WorkersLostError, match=f"ensemble resume {run_id}") as lost:
        execute(run_id, store, LocalExecutor(1, max_restarts=1), fn=fn)
    assert "died 2 time(s) in a row" in str(lost.value)
    assert 2 in lost.value.samples
    stored = set(sample_rows(store, run_id)["sample"])
    assert 2 not in stored and not stored & set(lost.value.samples)  # lost: not stored
    assert sample_rows(store, run_id)["error"].isna().all()
    assert status(store, run_id) == "incomplete"
    counts = execute(run_id, store, LocalExecutor(1), fn=echo_sample)  # the resume
    assert counts["stored"] == 4 - len(stored) and counts["failed"] == 0
    assert_stored_once_with_results(store, run_id, sc, 4)
    assert status(store, run_id) == "complete"


def test_resume_reruns_samples_stored_as_lost_workers_by_older_versions(ds, sc, tmp_path):
    store = Store(tmp_path / "old.duckdb")
    run_id = start(sc, ds, 4, SEED, store)
    params = design(sc, 4, SEED)
    empty = pd.DataFrame(columns=["metric", "stage", "region", "item", "year", "value"])
    args = (None, params.loc[0].to_dict(), {})
    store.save_sample(run_id, 0, params.loc[0].to_dict(), 0.1, echo_sample(*args)[0])
    store.save_sample(run_id, 1, params.loc[1].to_dict(), 0.0, empty, BROKEN)
    store.save_sample(run_id, 2, params.loc[2].to_dict(), 0.0, empty, KILLED)
    store.set_status(run_id, "complete")  # what older versions recorded
    assert store.done(run_id) == {0}
    runs = store.runs().set_index("run_id")
    assert runs.loc[run_id, "status"] == "incomplete"
    assert (runs.loc[run_id, "done"], runs.loc[run_id, "failed"]) == (1, 0)
    counts = execute(run_id, store, LocalExecutor(1), fn=echo_sample)
    assert counts == {"total": 4, "done_before": 1, "stored": 3, "failed": 0}
    assert_stored_once_with_results(store, run_id, sc, 4)
    assert status(store, run_id) == "complete"


def test_a_model_failure_is_done_but_the_run_is_not_complete(ds, sc, tmp_path):
    store = Store(tmp_path / "model.duckdb")
    run_id = start(sc, ds, 6, SEED, store)
    offline = set(design(sc, 6, SEED).query("`plant online` == 0").index)
    assert 0 < len(offline) < 6
    fail = partial(echo_sample, fail_if=("plant online", 0.0))
    execute(run_id, store, LocalExecutor(1), fn=fail)
    assert set(store.failures(run_id)) == offline
    assert status(store, run_id) == "with failures"
    again = execute(run_id, store, LocalExecutor(1), fn=echo_sample)  # not rerun: its model
    assert again["stored"] == 0 and status(store, run_id) == "with failures"


# --- Dask's KilledWorker, without a cluster ------------------------------------------------


def _finished(value=None, exc: BaseException | None = None) -> Future:
    fut: Future = Future()
    if exc is None:
        fut.set_result(value)
    else:
        fut.set_exception(exc)
    return fut


def test_killed_worker_is_a_lost_sample_run_again_not_a_failure():
    from distributed import KilledWorker

    killed = KilledWorker("reechain-sample-1", SimpleNamespace(address="tcp://w:1"), 3)
    assert worker_lost(_finished(exc=killed))
    assert not worker_lost(_finished(exc=ReechainError("no model")))
    rounds: list[list[int]] = []

    def run_round(fn, tasks):
        rounds.append([s for s, _ in tasks])
        for sample, _ in tasks:
            lost = sample == 1 and len(rounds) == 1
            yield sample, _finished(exc=killed) if lost else _finished((f"rows {sample}", 0.0))

    out = dict(with_restarts(run_round, lambda: None, None, [(0, ()), (1, ())], 3, "dask"))
    assert rounds == [[0, 1], [1]]
    assert out == {0: (("rows 0", 0.0), None), 1: (("rows 1", 0.0), None)}


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "recovery.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_a_run_with_failed_samples_exits_1_and_says_why(cli, monkeypatch, sc, scenario_file):
    fail = partial(echo_sample, fail_if=("plant online", 0.0))
    monkeypatch.setattr(reechain.ensemble.runner, "execute", partial(execute, fn=fail))
    monkeypatch.setattr(reechain.cli.ensembles, "_summary", lambda store, run_id: None)
    path = scenario_file.parent / "cli.duckdb"
    offline = int((design(sc, 6, 1)["plant online"] == 0).sum())
    r = cli("ensemble", "run", scenario_file, "--samples", 6, "--store", path)
    assert r.exit_code == 1, r.output
    assert f"{offline} of 6 sample(s) failed" in r.output
    assert f"{offline} x ReechainError: no model for plant online = 0.0" in r.output
    run_id = Store(path).runs()["run_id"].item()
    assert status(Store(path), run_id) == "with failures"
    again = cli("ensemble", "resume", run_id, "--store", path)
    assert again.exit_code == 1 and "0 added" in again.output, again.output


def test_a_run_that_lost_a_worker_finishes_and_says_so(cli, monkeypatch, sc, scenario_file):
    marker = scenario_file.parent / "killed"
    victim = design(sc, 4, 1).loc[1, "capacity"]
    fn = partial(kill_once, marker=str(marker), victim=victim)
    monkeypatch.setattr(reechain.ensemble.runner, "execute", partial(execute, fn=fn))
    monkeypatch.setattr(reechain.cli.ensembles, "_summary", lambda store, run_id: None)
    path = scenario_file.parent / "killed.duckdb"
    r = cli("ensemble", "run", scenario_file, "--samples", 4, "--workers", 2, "--store", path)
    assert r.exit_code == 0, r.output
    assert "worker process died 1 time(s)" in r.output
    assert "stored 4 sample(s), 0 failed" in r.output
    runs = Store(path).runs()
    assert runs["status"].item() == "complete" and runs["done"].item() == 4


def test_a_pool_that_keeps_dying_exits_1_and_resume_finishes_the_run(
    cli, monkeypatch, sc, scenario_file
):
    victim = design(sc, 3, 1).loc[1, "capacity"]
    dying = partial(execute, fn=partial(kill_always, victim=victim))
    monkeypatch.setattr(reechain.ensemble.runner, "execute", dying)
    monkeypatch.setattr(
        reechain.ensemble.runner, "executor_for", lambda *a: LocalExecutor(1, max_restarts=0)
    )
    monkeypatch.setattr(reechain.cli.ensembles, "_summary", lambda store, run_id: None)
    path = scenario_file.parent / "dying.duckdb"
    r = cli("ensemble", "run", scenario_file, "--samples", 3, "--store", path)
    assert r.exit_code == 1, r.output
    assert "died 1 time(s) in a row" in r.output and "not run" in r.output
    store = Store(path)
    run_id = store.runs()["run_id"].item()
    assert f"ensemble resume {run_id}" in r.output
    assert status(store, run_id) == "incomplete" and 1 not in store.done(run_id)
    monkeypatch.setattr(reechain.ensemble.runner, "execute", partial(execute, fn=echo_sample))
    again = cli("ensemble", "resume", run_id, "--store", path)
    assert again.exit_code == 0, again.output
    assert status(store, run_id) == "complete" and store.done(run_id) == {0, 1, 2}


@pytest.mark.parametrize("option", ["--dask-local", "--workers"])
@pytest.mark.parametrize("value", [-1, 0])
def test_a_worker_count_below_1_is_refused_before_anything_is_stored(
    cli, scenario_file, option, value
):
    path = scenario_file.parent / "none.duckdb"
    r = cli("ensemble", "run", scenario_file, "--samples", 2, option, value, "--store", path)
    assert r.exit_code == 2, r.output
    assert not path.exists() or Store(path).runs().empty
    assert cli("ensemble", "resume", "x", option, value, "--store", path).exit_code == 2


@pytest.mark.parametrize(
    "make",
    [
        partial(executor_for, dask_local=-1),
        partial(executor_for, workers=0),
        partial(LocalExecutor, 0),
        partial(DaskExecutor, workers=-1),
    ],
)
def test_executors_refuse_a_worker_count_below_1(make):
    with pytest.raises(ReechainError, match="at least 1"):
        make()


def test_keep_flows_keeps_them_and_a_foreign_run_id_writes_nowhere(tmp_path):
    """Reliability review M8: --keep-flows writes each sample's flows beside the store; a
    run id that isn't one the store makes (``../../x``) is refused for a flows path."""
    from reechain.ensemble.store import Store
    from reechain.errors import ReechainError

    store = Store(tmp_path / "runs.duckdb")
    with pytest.raises(ReechainError, match="not a reechain run id"):
        store.flows_path("../../x", 0)
    ok = store.flows_path("20261130-112153-b84eda", 3)
    assert ok.parent.parent == tmp_path / "runs.duckdb.files"


def test_keep_flows_writes_each_samples_flows(cli, monkeypatch, scenario_file):
    """Reliability review M8: `ensemble run --keep-flows` was silently ignored."""
    monkeypatch.setattr(reechain.cli.ensembles, "_summary", lambda store, run_id: None)
    path = scenario_file.parent / "kept.duckdb"
    r = cli("ensemble", "run", scenario_file, "--samples", 2, "--store", path, "--keep-flows")
    assert r.exit_code == 0, r.output
    run_id = Store(path).runs()["run_id"].item()
    kept = sorted((scenario_file.parent / "kept.duckdb.files" / run_id).glob("*.parquet"))
    assert [p.name for p in kept] == ["sample-0.parquet", "sample-1.parquet"]


def test_a_store_that_isnt_one_is_a_clear_error_and_a_typo_makes_nothing(cli, ds, tmp_path):
    """Reliability review M10 and L6: a truncated or foreign store is one line (exit 2) in the
    CLI and a 4xx on the server; a mistyped --store creates no folder, store or lock."""
    from fastapi.testclient import TestClient

    from reechain.web.app import create_app

    foreign = tmp_path / "foreign.duckdb"
    foreign.write_bytes(b"not a database" * 100)
    for args in (["ensemble", "list"], ["ensemble", "show", "20261130-112153-b84eda"]):
        r = cli(*args, "--store", foreign)
        assert r.exit_code == 2 and "not a readable reechain run store" in r.output, r.output
    typo = tmp_path / "no" / "such" / "typo.duckdb"
    r = cli("ensemble", "list", "--store", typo)
    assert r.exit_code == 0 and "no run store" in r.output
    assert not (tmp_path / "no").exists()
    client = TestClient(create_app(ds, store=foreign))
    assert client.get("/api/ensembles").status_code == 400
    page = client.get("/ensembles")
    assert page.status_code == 200 and "not a readable reechain run store" in page.text
