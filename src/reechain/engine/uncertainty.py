"""What is uncertain in a scenario: distributions on event fields or dataset assumptions, and
their correlations. Declared in the scenario file under ``uncertainty``::

    uncertainty:
      inputs:
        - name: beylikova_start
          target: events[0].start          # an event field (years are rounded)
          distribution: {kind: discrete, values: [2028, 2029, 2030, 2031], weights: [...]}
        - name: licence_rate
          target: events[1].licence_approval_rate
          distribution: {kind: uniform, low: 0.2, high: 0.8}
        - name: capacity_growth
          target: assumptions.existing_capacity_growth
          distribution: {kind: triangular, low: 0.0, mode: 0.05, high: 0.08}
      correlations:
        - {a: licence_rate, b: capacity_growth, rho: -0.5}

A project with ``probability`` below 1 gets an implicit on/off input ``<event name> online``.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TARGET = re.compile(
    r"^(events\[(\d+)\]\.([a-z_]+)(\.value|\.composition)?"
    r"|assumptions\.([a-z0-9_]+)|intensities\.([a-z0-9_]+))$"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Uniform(_Strict):
    kind: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high <= self.low:
            raise ValueError("high must be above low")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + u * (self.high - self.low)


class Triangular(_Strict):
    kind: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.high <= self.low:
            raise ValueError("need low <= mode <= high and low < high")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        c = (self.mode - self.low) / (self.high - self.low)
        from scipy import stats  # imported here: 0.6 s that validate does not need

        return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)


class Normal(_Strict):
    kind: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import stats  # imported here: 0.6 s that validate does not need

        return stats.norm.ppf(u, loc=self.mean, scale=self.sd)


class LogNormal(_Strict):
    """Log-normal given by the median and the geometric standard deviation (>1)."""

    kind: Literal["lognormal"]
    median: float = Field(gt=0)
    gsd: float = Field(gt=1)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import stats  # imported here: 0.6 s that validate does not need

        return stats.lognorm.ppf(u, s=math.log(self.gsd), scale=self.median)


class Discrete(_Strict):
    kind: Literal["discrete"]
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Discrete:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must match values one to one")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        w = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        edges = np.cumsum(w / w.sum())
        idx = np.searchsorted(edges, u, side="right").clip(0, len(self.values) - 1)
        return np.asarray(self.values, dtype=float)[idx]


class Choice(_Strict):
    """One of several named options (e.g. composition ids), with optional weights."""

    kind: Literal["choice"]
    options: list[str] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None and (
            len(self.weights) != len(self.options)
            or any(w < 0 for w in self.weights)
            or sum(self.weights) <= 0
        ):
            raise ValueError(
                "weights must match options one to one, be non-negative and not all zero"
            )
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        idx = (
            Discrete(kind="discrete", values=list(range(len(self.options))), weights=self.weights)
            .ppf(u)
            .astype(int)
        )
        return np.asarray(self.options, dtype=object)[idx]


Distribution = Annotated[
    Uniform | Triangular | Normal | LogNormal | Discrete | Choice, Field(discriminator="kind")
]


class UncertainInput(_Strict):
    """One uncertain input: a name, what it sets, and its distribution."""

    name: str
    target: str = Field(
        description="events[i].field (e.g. events[0].start, "
        "events[0].capacity.value) or assumptions.<id>."
    )
    distribution: Distribution

    @field_validator("target")
    @classmethod
    def _target(cls, target: str) -> str:
        if not TARGET.match(target):
            raise ValueError(
                "target must look like events[0].start, events[0].capacity.value "
                "or assumptions.existing_capacity_growth"
            )
        return target


class Correlation(_Strict):
    a: str
    b: str
    rho: float = Field(ge=-0.99, le=0.99)


class Uncertainty(_Strict):
    """The uncertain inputs of a scenario and their (rank) correlations."""

    inputs: list[UncertainInput] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> Uncertainty:
        names = [i.name for i in self.inputs]
        if len(set(names)) != len(names):
            raise ValueError("input names must be unique")
        for c in self.correlations:
            for n in (c.a, c.b):
                if n not in names:
                    raise ValueError(f"correlation names unknown input {n!r}")
        return self

    def correlation_matrix(self, names: list[str]) -> np.ndarray:
        """Correlation matrix of the normal scores (Gaussian copula), in ``names`` order."""
        k = len(names)
        r = np.eye(k)
        pos = {n: i for i, n in enumerate(names)}
        for c in self.correlations:
            i, j = pos[c.a], pos[c.b]
            r[i, j] = r[j, i] = c.rho
        if np.linalg.eigvalsh(r).min() <= 0:
            raise ValueError(
                "the declared correlations are not a valid correlation matrix "
                "(not positive definite); lower some of them"
            )
        return r
