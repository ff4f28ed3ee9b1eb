"""Background jobs through the API: the 429's Retry-After, created/started/finished times in
UTC, cancelling a queued or running scenario job and a queued or running ensemble (the stored
samples kept, status 'cancelled'), and the runner's stop hook behind it. The model is stood in
for (a gated fake run, ``echo_sample``), so the states can be held and observed."""

from __future__ import annotations

import functools
import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from reechain.engine.scenario import Scenario
from reechain.ensemble import runner
from reechain.ensemble.runner import execute, start
from reechain.ensemble.store import Store
from reechain.web.app import create_app
from reechain.web.jobs import Job, Jobs
from reechain.web.models import Problem

from conftest import EXAMPLES, TURKIYE, echo_sample

TEXT = TURKIYE.read_text(encoding="utf-8")
ENSEMBLE = (EXAMPLES / "turkiye-beylikova-ensemble.yaml").read_text(encoding="utf-8")


@pytest.fixture
def gate(monkeypatch) -> threading.Event:
    """The model stood in for: a run waits until the gate opens, then answers at once (a
    job's answer: the scenario's name); apps made after it use it."""
    opened = threading.Event()

    def fake_run(sc, ds=None, **kwargs):
        assert opened.wait(60), "the test never opened the gate"
        return SimpleNamespace(scenario=sc)

    monkeypatch.setattr("reechain.web.jobs.run", fake_run)
    monkeypatch.setattr(
        "reechain.web.api.scenarios.run_answer", lambda ds, res, base: {"name": res.scenario.name}
    )
    yield opened
    opened.set()  # no job thread left waiting


def _client(ds, tmp_path, max_jobs: int = 4) -> tuple[TestClient, Jobs]:
    app = create_app(ds, store=tmp_path / "runs.duckdb", max_jobs=max_jobs)
    return TestClient(app), app.state.jobs


def _until(check, timeout: float = 60.0, step: float = 0.05):
    """Poll ``check()`` until it is truthy; its value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def _times(body: dict) -> list[datetime | None]:
    return [
        datetime.fromisoformat(body[k]) if body[k] else None
        for k in ("created", "started", "finished")
    ]


def _job(kind: str, started_s_ago: float | None, length_s: float | None = None) -> Job:
    """A job record that started ``started_s_ago`` seconds ago (None: queued) and, with
    ``length_s``, finished after that many seconds."""
    sc = Scenario.model_validate({"name": "x", "base_year": 2024, "horizon": 2025})
    job = Job(id=f"{kind}-{started_s_ago}-{length_s}", scenario=sc, kind=kind)
    if started_s_ago is not None:
        job.started = datetime.now(UTC) - timedelta(seconds=started_s_ago)
        if length_s is not None:
            job.finished = job.started + timedelta(seconds=length_s)
    return job


# --- the job limit's 429 ----------------------------------------------------------------------


def test_a_429_says_when_to_retry_from_the_jobs_lengths(ds, tmp_path):
    client, jobs = _client(ds, tmp_path, max_jobs=1)
    busy = _job("run", started_s_ago=30)
    jobs.jobs[busy.id] = busy
    r = client.post("/api/runs", json={"yaml": TEXT})
    assert r.status_code == 429 and Problem.model_validate(r.json()).status == 429
    assert r.headers["retry-after"] == "30"  # no job finished yet: the default
    done = _job("run", started_s_ago=200, length_s=90)  # a run takes 90 s
    jobs.jobs[done.id] = done
    r = client.post("/api/runs", json={"yaml": TEXT})
    assert r.status_code == 429 and r.headers["retry-after"] == "60"  # 90 s less 30 s run
    r = client.post("/api/ensembles", json={"yaml": ENSEMBLE, "samples": 2})
    assert r.status_code == 429 and r.headers["retry-after"] == "60"  # one limit for both
    busy.started -= timedelta(seconds=200)  # overdue: ask again soon, not never
    assert client.post("/api/runs", json={"yaml": TEXT}).headers["retry-after"] == "5"


def test_the_openapi_declares_retry_after_on_every_429(ds, tmp_path):
    spec = _client(ds, tmp_path)[0].get("/openapi.json").json()
    answers = [op["responses"] for path in spec["paths"].values() for op in path.values()]
    limited = [a["429"] for a in answers if "429" in a]
    assert len(limited) == 2  # POST /api/runs and POST /api/ensembles
    for answer in limited:
        header = answer["headers"]["Retry-After"]
        assert header["required"] and header["schema"]["type"] == "integer"


# --- what an ensemble may be -------------------------------------------------------------------


def test_a_morris_ensemble_without_uncertain_inputs_is_a_422_before_anything_starts(
    ds, tmp_path, monkeypatch
):
    """turkiye-beylikova.yaml has no uncertainty: section (its only varying input is the
    pipeline's draw, a seed): a Morris design of it is refused in the one error shape, and
    nothing is recorded or queued; the same scenario sampled at random, and the ensemble
    example by Morris, start."""
    client, jobs = _client(ds, tmp_path)
    started = []
    monkeypatch.setattr(jobs, "submit_ensemble", lambda *a: started.append(a[4]) or "run-1")
    r = client.post("/api/ensembles", json={"yaml": TEXT, "samples": 20, "method": "morris"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    problem = Problem.model_validate(r.json())
    assert problem.status == 422 and problem.problems[0].where == "body.method"
    assert "a Morris design needs uncertain inputs" in problem.detail
    assert "uncertainty:" in problem.detail and "random or lhs" in problem.detail
    assert started == [] and not jobs.ensembles
    assert client.get("/api/ensembles").json() == []
    for text, method in ((TEXT, "random"), (TEXT, "lhs"), (ENSEMBLE, "morris")):
        r = client.post("/api/ensembles", json={"yaml": text, "samples": 20, "method": method})
        assert r.status_code == 202, (method, r.text)
    assert started == ["random", "lhs", "morris"]


# --- times and cancelling a scenario job ------------------------------------------------------


def test_a_jobs_times_are_utc_and_in_order(ds, tmp_path, gate):
    client, _ = _client(ds, tmp_path)
    job = client.post("/api/runs", json={"yaml": TEXT}).json()
    assert job["state"] == job["status"] in ("queued", "running")
    running = _until(lambda: (s := client.get(f"/api/runs/{job['id']}").json())["started"] and s)
    assert running["state"] == "running" and running["finished"] is None
    gate.set()
    done = _until(lambda: (s := client.get(f"/api/runs/{job['id']}").json())["finished"] and s)
    assert done["state"] == done["status"] == "done"
    created, started, finished = _times(done)
    assert created <= started <= finished
    assert all(t.utcoffset() == timedelta(0) for t in (created, started, finished))
    assert done["result"] == f"/api/runs/{job['id']}/result"


def test_cancelling_a_queued_job_and_a_running_one(ds, tmp_path, gate):
    client, _ = _client(ds, tmp_path)
    first = client.post("/api/runs", json={"yaml": TEXT}).json()["id"]
    second = client.post("/api/runs", json={"yaml": TEXT}).json()["id"]  # behind the first
    _until(lambda: client.get(f"/api/runs/{first}").json()["state"] == "running")
    queued = client.post(f"/api/runs/{second}/cancel").json()
    assert queued["state"] == "cancelled" and queued["started"] is None and queued["finished"]
    running = client.post(f"/api/runs/{first}/cancel").json()
    assert running["state"] == "cancelling" and running["finished"] is None
    gate.set()
    stopped = _until(lambda: (s := client.get(f"/api/runs/{first}").json())["finished"] and s)
    assert stopped["state"] == "cancelled" and stopped["result"] is None
    assert client.get(f"/api/runs/{first}/result").status_code == 409  # no half a result
    assert client.post(f"/api/runs/{first}/cancel").json()["state"] == "cancelled"  # again
    assert client.get(f"/api/runs/{second}").json()["started"] is None  # it never ran
    assert client.post("/api/runs/nope/cancel").status_code == 404


def test_a_finished_job_cannot_be_cancelled(ds, tmp_path, gate):
    client, _ = _client(ds, tmp_path)
    gate.set()
    job = client.post("/api/runs", json={"yaml": TEXT}).json()["id"]
    _until(lambda: client.get(f"/api/runs/{job}").json()["state"] == "done")
    r = client.post(f"/api/runs/{job}/cancel")
    assert r.status_code == 409 and "nothing to cancel" in r.json()["detail"]


# --- cancelling an ensemble -------------------------------------------------------------------


class _InProcess:
    """An executor that runs each sample here, in submission order."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def map_unordered(self, fn, tasks):
        for sample, args in tasks:
            yield sample, (fn(*args), None)


def test_the_runners_stop_hook_keeps_the_stored_samples_and_a_resume_ends_it(ds, tmp_path):
    sc = Scenario.from_text(ENSEMBLE, source="test", ds=ds)
    store = Store(tmp_path / "stop.duckdb")
    run_id = start(sc, ds, 5, 3, store)
    counts = execute(
        run_id, store, _InProcess(), fn=echo_sample, stop=lambda: len(store.done(run_id)) >= 2
    )
    assert counts["stored"] == 2 and store.done(run_id) == {0, 1}
    assert store.run(run_id)["status"] == "cancelled"
    assert set(store.results(run_id)["sample"]) == {0, 1}  # each stored sample whole
    assert execute(run_id, store, _InProcess(), fn=echo_sample, stop=lambda: True)["stored"] == 0
    execute(run_id, store, _InProcess(), fn=echo_sample)
    assert store.done(run_id) == set(range(5)) and store.run(run_id)["status"] == "complete"


def _ensemble(client: TestClient, run_id: str) -> dict:
    return next(r for r in client.get("/api/ensembles").json() if r["id"] == run_id)


def test_cancelling_a_queued_ensemble(ds, tmp_path, gate):
    client, _ = _client(ds, tmp_path)
    blocker = client.post("/api/runs", json={"yaml": TEXT}).json()["id"]  # holds the pool
    _until(lambda: client.get(f"/api/runs/{blocker}").json()["state"] == "running")
    run_id = client.post("/api/ensembles", json={"yaml": ENSEMBLE, "samples": 3}).json()["id"]
    row = _ensemble(client, run_id)
    assert (row["state"], row["status"], row["started"]) == ("queued", "created", None)
    cancelled = client.post(f"/api/ensembles/{run_id}/cancel").json()
    assert (cancelled["state"], cancelled["status"]) == ("cancelled", "cancelled")
    assert cancelled["done"] == 0 and cancelled["finished"]
    gate.set()
    _until(lambda: client.get(f"/api/runs/{blocker}").json()["state"] == "done")
    time.sleep(0.3)  # had the pool picked the ensemble up, it would have started by now
    assert _ensemble(client, run_id)["status"] == "cancelled"
    assert client.post(f"/api/ensembles/{run_id}/cancel").json()["state"] == "cancelled"


@pytest.mark.slow  # the samples run in a spawned worker process
def test_cancelling_a_running_ensemble_keeps_its_stored_samples(ds, tmp_path, monkeypatch):
    sample = functools.partial(echo_sample, pause=0.5)  # about 0.5-0.9 s a sample
    monkeypatch.setattr(runner, "execute", functools.partial(execute, fn=sample))
    client, _ = _client(ds, tmp_path)
    store = Store(tmp_path / "runs.duckdb")
    run_id = client.post("/api/ensembles", json={"yaml": ENSEMBLE, "samples": 40}).json()["id"]
    _until(lambda: store.done(run_id), timeout=120)
    cancelling = client.post(f"/api/ensembles/{run_id}/cancel")
    assert cancelling.status_code == 200
    assert cancelling.json()["state"] in ("cancelling", "cancelled")
    row = _until(lambda: (r := _ensemble(client, run_id))["state"] == "cancelled" and r)
    assert row["status"] == "cancelled" and row["finished"]
    kept = store.done(run_id)
    assert 1 <= len(kept) < 40 and row["done"] == len(kept)
    results = store.results(run_id)
    assert set(results["sample"]) == kept  # every stored sample with its rows, no other rows
    assert results.groupby("sample").size().nunique() == 1  # each one whole
    time.sleep(2)  # the sample that was in flight ends without being stored
    assert store.done(run_id) == kept
    summary = client.get(f"/api/ensembles/{run_id}").json()
    assert summary["state"] == "cancelled" and summary["samples"] == len(kept)
    created, started, finished = _times(summary)
    assert created <= started <= finished and finished.utcoffset() == timedelta(0)
    assert client.post(f"/api/ensembles/{run_id}/cancel").status_code == 200
    assert client.post("/api/ensembles/20990101-000000-abcdef/cancel").status_code == 404
