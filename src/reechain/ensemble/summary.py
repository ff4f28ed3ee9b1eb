"""What an ensemble says: percentiles, probabilities of a deficit, and which input drives an
output (sensitivity through SALib)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reechain.ensemble.sampling import MORRIS_LEVELS
from reechain.ensemble.store import Store

KEY = ["metric", "stage", "region", "item", "year"]
# Outputs reported only where positive: a sample without a row had none (0), not missing.
ZERO_WHEN_ABSENT = ("unmet", "surplus")
DEFICIT_T = 1.0  # unmet demand above this counts as a deficit [t]
# RBD-FAST's first-order indices need a sample well above its 2 x 10 harmonics; below this the
# index is left empty (the Spearman correlation is still given).
RBD_FAST_MIN_SAMPLES = 64


def sample_table(store: Store, run_id: str) -> tuple[pd.DataFrame, list[int]]:
    """Results in wide form (key x sample) over the samples that solved, zero-filled where an
    absent row means zero."""
    res = store.results(run_id)
    params = store.params(run_id)
    with store.connect() as con:
        ok = [
            int(s)
            for (s,) in con.execute(
                "select sample from samples where run_id = ? and error is null order by sample",
                [run_id],
            ).fetchall()
        ]
    del params
    if res.empty:
        return pd.DataFrame(), ok
    wide = res.pivot_table(index=KEY, columns="sample", values="value", aggfunc="sum")
    wide = wide.reindex(columns=ok)
    zero = wide.index.get_level_values("metric").isin(ZERO_WHEN_ABSENT)
    wide.loc[zero] = wide.loc[zero].fillna(0.0)
    return wide, ok


def world_unmet(wide: pd.DataFrame) -> pd.DataFrame:
    """Unmet demand summed over regions per element and year (one row per sample column)."""
    unmet = wide.xs("unmet", level="metric", drop_level=False)
    world = unmet.groupby(level=["metric", "stage", "item", "year"]).sum()
    world["region"] = "WLD"
    return world.set_index("region", append=True).reorder_levels(KEY)


def percentiles(wide: pd.DataFrame) -> pd.DataFrame:
    """P5, P50, P95 and the mean per output (NaN samples, e.g. an absent share, are left out)."""
    if wide.empty:
        return pd.DataFrame(columns=[*KEY, "p5", "p50", "p95", "mean", "n"])
    if (wide.index.get_level_values("metric") == "unmet").any():
        wide = pd.concat([wide, world_unmet(wide)])
    q = wide.quantile([0.05, 0.5, 0.95], axis=1).T
    q.columns = ["p5", "p50", "p95"]
    q["mean"] = wide.mean(axis=1)
    q["n"] = wide.notna().sum(axis=1)
    return q.reset_index()


def deficit_probability(wide: pd.DataFrame, threshold: float = DEFICIT_T) -> pd.DataFrame:
    """P(unmet > threshold) per element, region (and world) and year."""
    if wide.empty or not (wide.index.get_level_values("metric") == "unmet").any():
        return pd.DataFrame(columns=["region", "item", "year", "probability"])
    unmet = pd.concat([wide.xs("unmet", level="metric", drop_level=False), world_unmet(wide)])
    prob = (unmet > threshold).mean(axis=1).rename("probability").reset_index()
    return prob[["region", "item", "year", "probability"]]


def sensitivity(store: Store, run_id: str, output: tuple[str, str, str, str, int]) -> pd.DataFrame:
    """Which uncertain input drives one output (metric, stage, region, item, year).

    A Morris design gives the elementary-effect measures mu* and sigma (SALib
    ``morris.analyze`` on the unit design); any other design gives first-order indices from the
    random sample itself (SALib ``rbd_fast``, from 64 samples) and the Spearman rank
    correlation."""
    record = store.run(run_id)
    wide, ok = sample_table(store, run_id)
    params = store.params(run_id).loc[ok]
    names = list(params.columns)
    if not names:
        raise ValueError("the run has no uncertain inputs")
    key = tuple(output)
    if key not in wide.index:
        raise KeyError(f"output {key} not in the results")
    y = wide.loc[key].reindex(ok).fillna(0.0).to_numpy(dtype=float)
    # a choice among named options enters as the option's index
    numeric = params.apply(
        lambda c: (
            c
            if pd.api.types.is_numeric_dtype(c)
            else pd.Series(pd.factorize(c, sort=True)[0], index=c.index)
        )
    )
    x = numeric.to_numpy(dtype=float)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(np.nanmin(c)), float(np.nanmax(c)) + 1e-12] for c in x.T],
    }
    rows = []
    if record["method"] == "morris":
        from SALib.analyze import morris

        unit = _unit_design(params, record)
        r = morris.analyze(
            {**problem, "bounds": [[0, 1]] * len(names)},
            unit,
            y,
            num_levels=MORRIS_LEVELS,
            seed=int(record["seed"]),
        )
        for i, name in enumerate(names):
            rows.append(
                {
                    "input": name,
                    "mu_star": float(r["mu_star"][i]),
                    "sigma": float(r["sigma"][i]),
                    "method": "morris",
                }
            )
    else:
        from SALib.analyze import rbd_fast

        enough = len(y) >= RBD_FAST_MIN_SAMPLES
        r = rbd_fast.analyze(problem, x, y, seed=int(record["seed"])) if enough else None
        for i, name in enumerate(names):
            rho = pd.Series(x[:, i]).corr(pd.Series(y), method="spearman")
            rows.append(
                {
                    "input": name,
                    "S1": float(r["S1"][i]) if r is not None else np.nan,
                    "spearman": float(rho) if pd.notna(rho) else np.nan,
                    "method": "rbd_fast",
                }
            )
    return pd.DataFrame(rows)


def _unit_design(params: pd.DataFrame, record: dict) -> np.ndarray:
    """The Morris design in unit coordinates, regenerated from the run's seed."""
    from reechain.ensemble.sampling import morris_unit

    n = int(record["n_samples"])
    unit = morris_unit(n, params.shape[1], int(record["seed"]))
    raw = (unit * MORRIS_LEVELS - 0.5) / (MORRIS_LEVELS - 1)
    return raw[params.index.to_numpy()]
