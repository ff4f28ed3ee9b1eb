"""The sample design: seeded, reproducible whatever the executor and the number of workers.

Random sampling gives sample ``i`` its own stream, ``SeedSequence(seed).spawn(n)[i]``, so its
values do not depend on which worker draws it or on how many samples the run has. Latin
hypercube (``method='lhs'``) draws the whole design from the seed at once. Declared
correlations act on the normal scores (a Gaussian copula), then each input's inverse CDF
gives its values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from reechain.engine.scenario import ProjectEvent, Scenario
from reechain.engine.uncertainty import Discrete, UncertainInput, Uncertainty, Uniform

METHODS = ("random", "lhs", "morris")
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Input:
    name: str
    target: str
    distribution: object


def inputs_of(sc: Scenario) -> list[Input]:
    """The declared inputs, the draw of the pipeline's facilities (a seed: each sample builds
    each facility with its probability; scenarios with ``pipeline: expected``) and an on/off
    input for each project with probability < 1."""
    out = [
        Input(i.name, i.target, i.distribution)
        for i in (sc.uncertainty.inputs if sc.uncertainty else [])
    ]
    if sc.pipeline == "expected":  # each sample builds each announced facility or not
        out.append(
            Input(
                "pipeline draw",
                "pipeline_seed",
                Uniform(kind="uniform", low=0.0, high=float(2**31 - 1)),
            )
        )
    for idx, ev in enumerate(sc.events):
        if isinstance(ev, ProjectEvent) and ev.probability < 1:
            out.append(
                Input(
                    f"{ev.name} online",
                    f"events[{idx}].online",
                    Discrete(
                        kind="discrete",
                        values=[0.0, 1.0],
                        weights=[1 - ev.probability, ev.probability],
                    ),
                )
            )
    return out


def uniforms(n: int, k: int, seed: int, method: str = "random") -> np.ndarray:
    """n x k uniforms in (0, 1)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if k == 0:
        return np.empty((n, 0))
    if method == "lhs":
        return qmc.LatinHypercube(d=k, rng=np.random.default_rng(seed)).random(n)
    if method == "morris":
        return morris_unit(n, k, seed)
    children = np.random.SeedSequence(seed).spawn(n)
    return np.array([np.random.default_rng(c).random(k) for c in children])


def morris_size(n: int, k: int) -> int:
    """Samples a Morris design of about ``n`` samples has: whole trajectories of k + 1."""
    return max(2, n // (k + 1)) * (k + 1)


def morris_unit(n: int, k: int, seed: int) -> np.ndarray:
    """Morris trajectories (SALib) on a 4-level grid, mapped to the levels' mid-quantiles
    (0.125, 0.375, 0.625, 0.875) so every distribution's inverse CDF is finite."""
    from SALib.sample import morris

    problem = {"num_vars": k, "names": [f"x{i}" for i in range(k)], "bounds": [[0, 1]] * k}
    x = morris.sample(problem, max(2, n // (k + 1)), num_levels=MORRIS_LEVELS, seed=seed)
    return (x * (MORRIS_LEVELS - 1) + 0.5) / MORRIS_LEVELS


def design(sc: Scenario, n: int, seed: int, method: str = "random") -> pd.DataFrame:
    """The values of every uncertain input for samples 0..n-1 (index: sample)."""
    inputs = inputs_of(sc)
    names = [i.name for i in inputs]
    u = uniforms(n, len(inputs), seed, method)
    n = len(u)
    spec = sc.uncertainty or Uncertainty()
    declared = [i.name for i in spec.inputs]
    if spec.correlations and declared and method != "morris":  # Morris moves one at a time
        cols = [names.index(nm) for nm in declared]
        r = spec.correlation_matrix(declared)
        z = stats.norm.ppf(np.clip(u[:, cols], 1e-12, 1 - 1e-12))
        u[:, cols] = stats.norm.cdf(z @ np.linalg.cholesky(r).T)
    values = {inp.name: inp.distribution.ppf(u[:, j]) for j, inp in enumerate(inputs)}
    frame = pd.DataFrame(values, index=pd.RangeIndex(n, name="sample"))
    return frame[names] if names else frame


def describe(inputs: list[UncertainInput | Input]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name": i.name,
                "target": i.target,
                "distribution": getattr(i.distribution, "kind", ""),
            }
            for i in inputs
        ]
    )
