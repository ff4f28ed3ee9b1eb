"""Product lifetimes of the end uses, as flodym lifetime models.

The ``lifetimes`` table gives, per end use, the preferred world row (else the EU's, else any
region's, first in the table; the row's region is noted) with its distribution: weibull
(shape, scale), normal, folded normal or lognormal (mean, sd), fixed (mean), or an empirical
mean (taken as a fixed lifetime, noted).
An end use without a lifetime has no in-use stock: its magnets are reported as entering use
with their fate unknown, never as staying forever or leaving at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import flodym as fd
import pandas as pd

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lifetime:
    """One end use's lifetime [years]: the distribution's name, its parameters and where
    they come from."""

    end_use: str
    distribution: str
    mean: float
    sd: float | None
    shape: float | None
    scale: float | None
    region: str
    source_id: str

    def model(self, dims: fd.DimensionSet) -> fd.LifetimeModel:
        """The flodym lifetime model of this lifetime over ``dims`` (time first)."""
        if self.distribution == "weibull":
            return fd.WeibullLifetime(dims=dims, weibull_shape=self.shape, weibull_scale=self.scale)
        if self.distribution in STANDARD_DEVIATION:
            return STANDARD_DEVIATION[self.distribution](dims=dims, mean=self.mean, std=self.sd)
        return fd.FixedLifetime(dims=dims, mean=self.mean)

    def describe(self) -> str:
        if self.distribution == "weibull":
            return f"Weibull shape {self.shape}, scale {self.scale} years (mean {self.mean})"
        if self.distribution in STANDARD_DEVIATION:
            return f"{self.distribution} mean {self.mean}, sd {self.sd} years"
        how = " (an empirical mean, taken as fixed)" if self.distribution == "empirical" else ""
        return f"fixed {self.mean} years{how}"


STANDARD_DEVIATION = {
    "normal": fd.NormalLifetime,
    "folded_normal": fd.FoldedNormalLifetime,
    "lognormal": fd.LogNormalLifetime,
}
KNOWN = {"weibull", "fixed", "empirical", *STANDARD_DEVIATION}


def lifetimes(table: pd.DataFrame, end_uses: list[str]) -> dict[str, Lifetime]:
    """End use -> its lifetime, for the end uses the table covers (preferred rows with
    usable parameters; world rows first, then the EU's, then the others in table order)."""
    rows = table[table["preferred"].fillna(False).astype(bool) & (table["status"] != "missing")]
    found = {}
    for use in end_uses:
        part = rows[rows["end_use"] == use]
        rank = part["region"].map({"WLD": 0, "EU27": 1}).fillna(2)
        part = part.assign(rank=rank).sort_values("rank", kind="stable")
        for r in part.itertuples():
            lifetime = _lifetime(r)
            if lifetime is not None:
                found[use] = lifetime
                break
    return found


def _lifetime(r) -> Lifetime | None:
    """The lifetime of one row, or None when its parameters don't define one."""
    dist = str(r.distribution)
    if dist not in KNOWN:
        return None
    if dist == "weibull" and (pd.isna(r.shape) or pd.isna(r.scale)):
        return None
    if dist in STANDARD_DEVIATION and (pd.isna(r.mean_years) or pd.isna(r.sd_years)):
        return None
    if pd.isna(r.mean_years) and dist != "weibull":
        return None

    def num(x: object) -> float | None:
        return None if pd.isna(x) else float(x)

    return Lifetime(
        end_use=r.end_use,
        distribution=dist,
        mean=float(r.mean_years) if pd.notna(r.mean_years) else float("nan"),
        sd=num(r.sd_years),
        shape=num(r.shape),
        scale=num(r.scale),
        region=r.region,
        source_id=str(r.source_id),
    )
