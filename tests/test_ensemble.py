"""Ensembles: reproducible designs; the executors' plumbing (each sample stored once with its
own values, failures, a killed Dask worker, interruption and resume) with a stand-in for the
model; the model itself giving the same results in worker processes as here; two ensembles
sharing one store; summaries and sensitivity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reechain.engine.scenario import Scenario, ScenarioError
from reechain.ensemble.executors import DaskExecutor, LocalExecutor
from reechain.ensemble.runner import execute, start
from reechain.ensemble.sampling import design, morris_size
from reechain.ensemble.store import Store
from reechain.ensemble.summary import deficit_probability, percentiles, sample_table, sensitivity
from reechain.errors import ReechainError

from conftest import echo_sample, select

SCENARIO = """\
name: small ensemble
base_year: 2024
horizon: 2026
events:
  - type: project
    name: plant
    country: TUR
    stage: separation
    feed: {deposit: beylikova, composition: mountain-pass-mp-10k-2021-inferred}
    capacity: {value: 10000, unit: t REO/yr}
    start: 2025
    probability: 0.6
  - type: outage
    country: MMR
    stage: mining
    share: 0.5
    from: 2025-01-01
uncertainty:
  inputs:
    - name: capacity
      target: events[0].capacity.value
      distribution: {kind: uniform, low: 5000, high: 20000}
    - name: outage share
      target: events[1].share
      distribution: {kind: triangular, low: 0.0, mode: 0.5, high: 1.0}
    - name: growth
      target: assumptions.existing_capacity_growth
      distribution: {kind: normal, mean: 0.05, sd: 0.01}
  correlations:
    - {a: capacity, b: growth, rho: 0.7}
"""


@pytest.fixture(scope="module")
def sc(ds):
    return Scenario.from_text(SCENARIO, "small.yaml").check(ds)


def test_design_is_seeded_and_independent_of_the_sample_count(sc):
    a = design(sc, 5, seed=11)
    b = design(sc, 3, seed=11)
    pd.testing.assert_frame_equal(a.iloc[:3], b)
    assert not design(sc, 5, seed=12).equals(a)
    # declared inputs, then the pipeline's draw (a seed), then projects' on/off
    assert list(a.columns) == [
        "capacity",
        "outage share",
        "growth",
        "pipeline draw",
        "plant online",
    ]
    assert ((a["pipeline draw"] >= 0) & (a["pipeline draw"] < 2**31)).all()
    assert set(a["plant online"]) <= {0.0, 1.0}


def test_distributions_and_correlation(sc):
    d = design(sc, 4000, seed=3)
    assert d["capacity"].between(5000, 20000).all()
    assert d["outage share"].between(0, 1).all()
    assert d["growth"].mean() == pytest.approx(0.05, abs=0.001)
    assert d["plant online"].mean() == pytest.approx(0.6, abs=0.03)
    rho = stats.spearmanr(d["capacity"], d["growth"]).statistic
    assert rho == pytest.approx(0.7, abs=0.05)


def test_latin_hypercube_stratifies(sc):
    n = 20
    d = design(sc, n, seed=5, method="lhs")
    u = (d["capacity"] - 5000) / 15000  # the uniform input's quantiles
    # one point in each of the n equal strata (correlation reorders, never re-stratifies a
    # uniform only when rho = 0, so check the uncorrelated triangular input instead)
    tri = stats.triang.cdf(d["outage share"], 0.5, loc=0, scale=1)
    assert sorted(np.floor(tri * n).astype(int)) == list(range(n))
    assert u.between(0, 1).all()


def test_morris_design_moves_one_input_at_a_time(sc):
    d = design(sc, 20, seed=2, method="morris")
    k = d.shape[1]
    assert len(d) == morris_size(20, k)
    for t in range(len(d) // (k + 1)):
        block = d.iloc[t * (k + 1) : (t + 1) * (k + 1)].to_numpy()
        changed = (np.abs(np.diff(block, axis=0)) > 1e-9).sum(axis=1)
        assert (changed == 1).all()


# --- executor plumbing, with a stand-in for the model ------------------------------------


def stored_inputs(store: Store, run_id: str) -> pd.DataFrame:
    """The values that :func:`echo_sample` returned, sample x input."""
    r = store.results(run_id)
    wide = r.pivot_table(index="sample", columns="item", values="value")
    wide.columns.name = None
    return wide.rename_axis("sample")


def assert_each_sample_has_its_own_values(store, run_id, sc, n, seed=9):
    """What each stored sample holds (its results and its recorded inputs) is its own row of
    the design, whatever order the samples finished in."""
    expected = design(sc, n, seed)
    for got in (stored_inputs(store, run_id), store.params(run_id)):
        got = got[list(expected.columns)].set_axis(got.index.astype("int64"))
        pd.testing.assert_frame_equal(got, expected, check_index_type=False)


@pytest.mark.parametrize(
    "executor",
    [
        pytest.param(LocalExecutor(2), id="local-pool"),
        pytest.param(DaskExecutor(workers=2), id="dask", marks=pytest.mark.slow),
    ],
)
def test_every_sample_is_stored_once_with_its_own_values(ds, sc, tmp_path, executor):
    store = Store(tmp_path / "runs.duckdb")
    run_id = start(sc, ds, 6, 9, store)
    counts = execute(run_id, store, executor, fn=echo_sample)
    assert counts == {"total": 6, "done_before": 0, "stored": 6, "failed": 0}
    assert store.done(run_id) == set(range(6))
    assert_each_sample_has_its_own_values(store, run_id, sc, 6)
    runs = store.runs()
    assert runs.loc[runs["run_id"] == run_id, "status"].item() == "complete"


def test_a_failed_sample_is_recorded_and_the_others_go_on(ds, sc, tmp_path):
    store = Store(tmp_path / "fail.duckdb")
    run_id = start(sc, ds, 6, 9, store)
    offline = set(np.flatnonzero(design(sc, 6, 9)["plant online"].to_numpy() == 0))
    assert 0 < len(offline) < 6  # the seed gives both kinds
    fail = partial(echo_sample, fail_if=("plant online", 0.0))
    counts = execute(run_id, store, LocalExecutor(1), fn=fail)
    assert counts == {"total": 6, "done_before": 0, "stored": 6, "failed": len(offline)}
    with store.connect() as con:
        errors = dict(
            con.execute("select sample, error from samples where run_id = ?", [run_id]).fetchall()
        )
    assert {s for s, e in errors.items() if e} == offline
    assert {errors[s] for s in offline} == {"ReechainError: no model for plant online = 0.0"}
    wide, ok = sample_table(store, run_id)
    assert ok == sorted(set(range(6)) - offline)
    assert set(store.results(run_id)["sample"]) == set(ok)


@pytest.mark.slow
def test_a_killed_dask_worker_loses_and_doubles_nothing(ds, sc, tmp_path):
    store = Store(tmp_path / "killed.duckdb")
    run_id = start(sc, ds, 8, 9, store)
    executor = DaskExecutor(workers=2)
    outcome = {}
    thread = threading.Thread(
        target=lambda: outcome.update(
            counts=execute(run_id, store, executor, fn=partial(echo_sample, pause=1.0))
        )
    )
    thread.start()
    deadline = time.time() + 120
    while not store.done(run_id) and time.time() < deadline:
        time.sleep(0.05)
    assert len(store.done(run_id)) < 8  # the worker dies with samples still to run
    pids = executor.client.run(os.getpid)
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=300)
    assert outcome["counts"]["stored"] == 8 and outcome["counts"]["failed"] == 0
    assert store.done(run_id) == set(range(8))
    with store.connect() as con:
        dup = con.execute(
            "select sample, count(*) from samples where run_id = ? group by 1 having count(*) > 1",
            [run_id],
        ).fetchall()
    assert dup == []
    assert_each_sample_has_its_own_values(store, run_id, sc, 8)


class _Interrupting(LocalExecutor):
    """Stops (like Ctrl-C) after ``after`` results."""

    def __init__(self, after: int) -> None:
        super().__init__(1)
        self.after = after

    def map_unordered(self, fn, tasks):
        for i, item in enumerate(super().map_unordered(fn, tasks)):
            if i == self.after:
                raise KeyboardInterrupt
            yield item


def test_interrupt_then_resume(ds, sc, tmp_path):
    store = Store(tmp_path / "resume.duckdb")
    run_id = start(sc, ds, 4, 9, store)
    with pytest.raises(ReechainError, match=f"Resume with `reechain ensemble resume {run_id}`"):
        execute(run_id, store, _Interrupting(after=2), fn=echo_sample)
    assert len(store.done(run_id)) == 2
    assert store.run(run_id)["status"] == "interrupted"
    counts = execute(run_id, store, LocalExecutor(1), fn=echo_sample)
    assert counts == {"total": 4, "done_before": 2, "stored": 2, "failed": 0}
    assert store.done(run_id) == {0, 1, 2, 3}
    assert store.run(run_id)["status"] == "complete"
    assert_each_sample_has_its_own_values(store, run_id, sc, 4)


# --- the model itself in worker processes ---------------------------------------------------


class _InProcess:
    """Runs each sample here, in the test's own process, in submission order."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def map_unordered(self, fn, tasks):
        for sample, args in tasks:
            yield sample, (fn(*args), None)


@pytest.fixture(scope="module")
def reference(ds, sc, tmp_path_factory):
    """The model's ensemble (4 samples) solved in two spawned worker processes."""
    store = Store(tmp_path_factory.mktemp("ref") / "ref.duckdb")
    run_id = start(sc, ds, 4, 9, store)
    counts = execute(run_id, store, LocalExecutor(2))
    return store, run_id, counts


def _results(store, run_id):
    r = store.results(run_id)
    return r.sort_values(["sample", "metric", "stage", "region", "item", "year"]).reset_index(
        drop=True
    )


def test_model_samples_are_the_same_in_worker_processes_and_here(ds, sc, tmp_path, reference):
    """Cross-process determinism: the same run (seed) solved in this process gives the
    results that the spawned workers stored, sample by sample."""
    store0, run0, counts = reference
    assert counts == {"total": 4, "done_before": 0, "stored": 4, "failed": 0}
    store = Store(tmp_path / "here.duckdb")
    run_id = start(sc, ds, 4, 9, store)
    execute(run_id, store, _InProcess())
    expected = _results(store0, run0)
    assert set(expected["metric"]) >= {"share", "hhi", "price"}
    pd.testing.assert_frame_equal(
        _results(store, run_id), expected, check_exact=False, rtol=1e-7, atol=1e-6
    )
    pd.testing.assert_frame_equal(store.params(run_id), store0.params(run0))


def test_summaries_by_hand(reference):
    store, run_id, _ = reference
    wide, ok = sample_table(store, run_id)
    p = percentiles(wide).set_index(["metric", "stage", "region", "item", "year"])
    res = store.results(run_id)
    chn = select(res, metric="share", stage="separation", region="CHN", year=2026)
    chn = chn.set_index("sample")["value"]
    assert p.loc[("share", "separation", "CHN", "TREO", 2026), "p50"] == pytest.approx(
        float(np.quantile(chn.reindex(ok), 0.5))
    )
    d = deficit_probability(wide)
    assert d["probability"].between(0, 1).all()
    unmet = res[res["metric"] == "unmet"].groupby(["sample", "item", "year"])["value"].sum()
    world = d[d["region"] == "WLD"].set_index(["item", "year"])["probability"]
    for (item, year), prob in world.items():
        per_sample = unmet.xs((item, year), level=["item", "year"]).reindex(ok).fillna(0.0)
        assert prob == pytest.approx((per_sample > 1.0).mean())


@pytest.mark.slow
def test_two_ensembles_share_one_store(tmp_path):
    """Two `reechain ensemble run` processes (the entry point, with the model) write one store."""
    path = tmp_path / "shared.duckdb"
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "reechain.cli",
        "ensemble",
        "run",
        str(scenario),
        "--samples",
        "3",
        "--store",
        str(path),
    ]
    procs = [
        subprocess.Popen(
            [*cmd, "--seed", str(s)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for s in (1, 2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    runs = Store(path).runs()
    assert len(runs) == 2 and (runs["done"] == 3).all() and (runs["status"] == "complete").all()
    store = Store(path)
    for run_id in runs["run_id"]:
        assert store.done(run_id) == {0, 1, 2}


def test_morris_ranks_the_input_that_matters(ds, tmp_path):
    text = SCENARIO.replace("    probability: 0.6\n", "").split("  correlations:")[0]
    sc = Scenario.from_text(text, "m.yaml").check(ds)
    store = Store(tmp_path / "morris.duckdb")
    run_id = start(sc, ds, 8, 4, store, method="morris")
    execute(run_id, store, _InProcess())  # the pool is tested above; here the model's answer
    s = sensitivity(store, run_id, ("share", "separation", "TUR", "TREO", 2026)).set_index("input")
    # Türkiye's share of separation depends on the plant's capacity; Myanmar's outage moves
    # it only through the world's separation (the share's denominator), as prices respond
    assert s.loc["capacity", "mu_star"] > 5 * s.loc["outage share", "mu_star"]


def test_fast_summary_equals_the_metrics(ds):
    from reechain import metrics
    from reechain.engine.run import run
    from reechain.ensemble.worker import STAGE_MATERIAL, summarise

    res = run(Scenario.model_validate({"name": "s", "base_year": 2024, "horizon": 2025}), ds)
    rows = summarise(res).set_index(["metric", "stage", "region", "year"])["value"]
    for stage, material in STAGE_MATERIAL.items():
        s = metrics.shares(res.flows, stage, None, material=material)
        for r in s.itertuples():
            assert rows[("share", stage, r.group, r.year)] == pytest.approx(r.share)
        for c in metrics.concentration(s).itertuples():
            assert rows[("hhi", stage, "WLD", c.year)] == pytest.approx(c.hhi)


def test_composition_choice_and_intensity_factor(ds, tmp_path):
    from reechain.ensemble.apply import apply
    from reechain.ensemble.sampling import inputs_of

    text = (
        SCENARIO.split("uncertainty:")[0]
        + """\
  - type: demand
    name: cars
    region: TUR
    end_use: ev_traction_motor
    activity: {value: 100000, unit: vehicles/yr}
    start: 2025
uncertainty:
  inputs:
    - name: split
      target: events[0].feed.composition
      distribution: {kind: choice, options: [mountain-pass-mp-10k-2021-inferred,
                                             monazite-australia-gupta-krishnamurthy-2005]}
    - name: magnet per car
      target: intensities.ev_traction_motor
      distribution: {kind: uniform, low: 0.5, high: 1.5}
"""
    )
    sc = Scenario.from_text(text, "c.yaml").check(ds)
    d = design(sc, 40, seed=1)
    assert set(d["split"]) == {
        "mountain-pass-mp-10k-2021-inferred",
        "monazite-australia-gupta-krishnamurthy-2005",
    }
    targets = {i.name: i.target for i in inputs_of(sc)}
    row = d.iloc[0].to_dict()
    applied = apply(sc, row, targets)
    assert applied.events[0].feed.composition == row["split"]
    assert applied.intensity_factors["ev_traction_motor"] == pytest.approx(row["magnet per car"])
    bad = text.replace("monazite-australia-gupta-krishnamurthy-2005", "no-such-split")
    with pytest.raises(ScenarioError, match="unknown composition 'no-such-split'"):
        Scenario.from_text(bad, "c.yaml").check(ds)


def test_intensity_factor_scales_the_demand_event(ds):
    from reechain.engine.inputs import build_inputs

    base = {
        "name": "d",
        "base_year": 2024,
        "horizon": 2025,
        "events": [
            {
                "type": "demand",
                "name": "cars",
                "region": "TUR",
                "end_use": "ev_traction_motor",
                "activity": {"value": 100000, "unit": "vehicles/yr"},
                "start": 2025,
            }
        ],
    }

    def tur_magnets(factor: float) -> float:
        sc = Scenario.model_validate({**base, "intensity_factors": {"ev_traction_motor": factor}})
        d = build_inputs(ds, sc).network.demand
        return select(d, region="TUR", year=2025)["reference"].sum()

    # 100,000 cars x 2.0 kg NdFeB (the preferred intensity) = 200 t; x 1.5 = 300 t
    assert tur_magnets(1.0) == pytest.approx(200.0)
    assert tur_magnets(1.5) == pytest.approx(300.0)
