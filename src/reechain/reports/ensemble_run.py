"""The stored ensemble a scenario report shows under Uncertainty: read from the run store and
checked to be an ensemble of the report's own scenario (the same sha256 as the summary's stamp),
so a report never mixes one scenario's answers with another's spread."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from reechain.engine.scenario import Scenario
from reechain.ensemble.store import Store
from reechain.errors import ReechainError
from reechain.reports.ensemble import tables
from reechain.reports.summary.stamp import scenario_hash


@dataclass(frozen=True)
class StoredEnsemble:
    """What the report shows of one ensemble run.

    - ``samples``: the samples of the design; ``solved``: those whose model solved
    - ``failures``: sample -> error of each sample that failed in its model
    - ``inputs``: the uncertain inputs varied (name, target)
    - ``percentiles``: metric, stage, region, item, year, p5, p50, p95, mean, n
      (:func:`reechain.ensemble.summary.percentiles`)
    - ``deficit``: region, item, year, probability of unmet > 1 t
      (:func:`reechain.ensemble.summary.deficit_probability`)
    """

    run_id: str
    method: str
    seed: int
    foresight: bool
    samples: int
    solved: int
    failures: dict[int, str]
    inputs: list[dict]
    percentiles: pd.DataFrame
    deficit: pd.DataFrame

    @property
    def not_run(self) -> int:
        """Samples neither solved nor failed: not run yet (a resume runs them)."""
        return self.samples - self.solved - len(self.failures)


def read_ensemble(store: Store, run_id: str, sc: Scenario) -> StoredEnsemble:
    """The ensemble ``run_id`` of ``store``; a :class:`ReechainError` when it is an ensemble of
    another scenario than ``sc`` (their hashes differ) or has no solved sample."""
    record = store.run(run_id)
    check_scenario(record, run_id, sc)
    t = tables(store, run_id)
    if t["percentiles"].empty:
        raise ReechainError(f"ensemble {run_id} has no solved sample yet: nothing to report")
    return StoredEnsemble(
        run_id=run_id,
        method=str(record["method"]),
        seed=int(record["seed"]),
        foresight=bool(record["foresight"]),
        samples=int(record["n_samples"]),
        solved=len(t["ok"]),
        failures=store.failures(run_id),
        inputs=json.loads(record["inputs"] or "[]"),
        percentiles=t["percentiles"],
        deficit=t["deficit"],
    )


def check_scenario(record: dict, run_id: str, sc: Scenario) -> None:
    """Refuse an ensemble whose stored scenario is not ``sc`` (compared by
    :func:`reechain.reports.summary.stamp.scenario_hash`)."""
    stored = Scenario.from_text(str(record["scenario"]), source=f"ensemble {run_id}")
    ours, theirs = scenario_hash(sc), scenario_hash(stored)
    if ours != theirs:
        raise ReechainError(
            f"ensemble {run_id} is of another scenario ({stored.name!r}, sha256 {theirs[:12]}…), "
            f"not of {sc.name!r} (sha256 {ours[:12]}…): run `reechain ensemble run` on this "
            "scenario's file, or report the scenario the ensemble was run on"
        )
