"""The report's Uncertainty section from a stored ensemble of the same scenario: its sample
count and failed samples named, the percentiles of the key outcomes (shares, the HHI, unmet
magnet elements) and the probability of a deficit as the store holds them; an ensemble of
another scenario is refused (by the scenario's hash), in the library and in one line by
`reechain report --ensemble` before anything is solved.

A tiny ensemble of four samples: the session's Türkiye run stands in for the model (sample s
has its unmet demand scaled by :data:`SCALE`), and sample 2 fails as a model would."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from reechain.engine.scenario import Scenario
from reechain.ensemble.runner import execute, start
from reechain.ensemble.store import Store
from reechain.ensemble.worker import summarise
from reechain.errors import ReechainError
from reechain.reports.ensemble_run import read_ensemble
from reechain.reports.scenario import write_report
from reechain.reports.summary import shares
from reechain.reports.summary.wording import pct
from reechain.reports.tables import tonnes

from conftest import TURKIYE

SCALE = {0: 0.5, 1: 1.0, 3: 2.0}  # sample -> factor on unmet demand
FAILED, ERROR = 2, "ReechainError: the model is infeasible in 2031"
LAST = 2035


class StandIn:
    """An executor that answers each sample from the session run instead of solving it."""

    def __init__(self, rows) -> None:
        self.rows = rows

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map_unordered(self, fn, tasks):
        for sample, _ in tasks:
            if sample == FAILED:
                yield sample, (None, ERROR)
                continue
            rows = self.rows.copy()
            unmet = rows["metric"] == "unmet"
            rows.loc[unmet, "value"] *= SCALE[sample]
            yield sample, ((rows, 0.01), None)


def tiny_ensemble(store: Store, sc: Scenario, res, ds, text: str | None = None) -> str:
    run_id = start(sc, ds, 4, 1, store, text=text)
    execute(run_id, store, StandIn(summarise(res)))
    return run_id


@pytest.fixture(scope="module")
def stored(turkiye, ds, tmp_path_factory):
    """A store holding a tiny ensemble of the Türkiye file (its text, as `ensemble run`
    stores it)."""
    store = Store(tmp_path_factory.mktemp("ens") / "runs.duckdb")
    text = TURKIYE.read_text(encoding="utf-8")
    return store, tiny_ensemble(store, turkiye.scenario, turkiye, ds, text)


@pytest.fixture(scope="module")
def section(stored, turkiye, turkiye_baseline, ds, tmp_path_factory) -> str:
    """The report's Uncertainty section as a reader sees it."""
    store, run_id = stored
    ens = read_ensemble(store, run_id, turkiye.scenario)
    path = tmp_path_factory.mktemp("report") / "report.html"
    page = write_report(turkiye, ds, path, turkiye_baseline, ens).read_text(encoding="utf-8")
    return uncertainty_text(page)


def uncertainty_text(page: str) -> str:
    start = page.index("<section id='uncertainty'")
    part = page[start : page.index("<section id='methods'")]
    part = re.sub(r"<script.*?</script>", " ", part, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))


def world_unmet(res, element: str, year: int) -> float:
    rows = summarise(res)
    pick = (rows["metric"] == "unmet") & (rows["item"] == element) & (rows["year"] == year)
    return float(rows.loc[pick, "value"].sum())


def test_samples_solved_and_failed_are_named(section, stored):
    _, run_id = stored
    assert f"Ensemble {run_id} of this scenario" in section
    assert "3 of 4 samples solved" in section
    assert f"1 sample(s) failed in their model and are left out: sample {FAILED}: {ERROR}" in (
        section
    )


def test_unmet_percentiles_and_deficit_probability_are_the_stores(section, turkiye):
    tb = world_unmet(turkiye, "Tb", LAST)
    p5, p50, p95 = np.quantile([tb * s for s in SCALE.values()], [0.05, 0.5, 0.95])
    row = f"World Tb {LAST} {tonnes(p5)} {tonnes(p50)} {tonnes(p95)} 100.0"
    assert row in section


def test_shares_beside_the_central_run(section, turkiye):
    share = shares.share(turkiye, "separation", "TUR", LAST)  # equal in every sample here
    value = pct(share).removesuffix(" %")
    assert f"separation Türkiye {LAST} {' '.join([value] * 4)}" in section
    assert "HHI by stage" in section and "Unmet magnet elements" in section


def test_an_ensemble_of_another_scenario_is_refused(turkiye, ds, tmp_path):
    store = Store(tmp_path / "runs.duckdb")
    other = Scenario.from_text(TURKIYE.read_text(encoding="utf-8").replace("10000", "12000"))
    run_id = tiny_ensemble(store, other, turkiye, ds)
    with pytest.raises(ReechainError, match=f"ensemble {run_id} is of another scenario"):
        read_ensemble(store, run_id, turkiye.scenario)


def test_the_command_shows_the_ensemble_or_refuses_it(
    cli, reuse_turkiye, stored, turkiye, ds, tmp_path
):
    store, run_id = stored
    other = Scenario.from_text(TURKIYE.read_text(encoding="utf-8").replace("2028", "2029"))
    wrong = tiny_ensemble(store, other, turkiye, ds)
    out = tmp_path / "report.html"
    bad = cli("report", TURKIYE, "--ensemble", wrong, "--store", store.path, "--out", out)
    assert bad.exit_code == 2 and "is of another scenario" in bad.output, bad.output
    assert reuse_turkiye == [] and not out.exists()  # refused before solving
    r = cli("report", TURKIYE, "--ensemble", run_id, "--store", store.path, "--out", out)
    assert r.exit_code == 0, r.output
    assert "3 of 4 samples solved" in uncertainty_text(out.read_text(encoding="utf-8"))
