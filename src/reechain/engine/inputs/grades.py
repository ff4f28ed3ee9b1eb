"""Magnet grades: which grades each end use draws, and the base year's world grade mix.

The mix of a year's magnets [fraction by grade] is the end uses' shares of magnets times the
grade mix each end use draws (``magnet_end_uses`` table). The base year must be possible with
the rare earths separated in it: where the data's mix needs more Dy or Tb than was separated,
the heavy-rare-earth grades are scaled down (the rest made as standard grades) until the
scarcest heavy element is just covered, and the cut is recorded in provenance as the
calibration residual of the grade mix.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from reechain.engine.inputs.context import GRADES, Context, preferred
from reechain.errors import ReechainError

# Elements whose scarcity limits the heavy grades in the base year.
HEAVY = ("Dy", "Tb")
SHARE_TOLERANCE = 0.05  # end-use shares of one source-year must sum to 1 within this


@dataclass(frozen=True)
class GradeMix:
    """``world``: grade -> share of the base year's magnets [fraction], reconciled with the
    separated heavy rare earths; ``by_end_use``: end use x grade [fraction], the data's mix
    (rows sum to 1); ``scale``: the factor on the heavy grades that the reconciliation applied
    (1: none), ``heavy`` the grades it applied to; ``shares``: end use -> share of the base
    year's magnets [fraction]."""

    world: pd.Series
    by_end_use: pd.DataFrame
    scale: float
    heavy: tuple[str, ...] = ()
    shares: pd.Series | None = None

    def of(self, end_use: str) -> pd.Series:
        """The grade mix [fraction] an end use draws (the ``other`` mix for an end use the
        data doesn't list)."""
        key = end_use if end_use in self.by_end_use.index else "other"
        return self.by_end_use.loc[key]

    def reconciled(self, end_use: str) -> dict[str, float]:
        """The end use's grade mix [fraction by grade] with the base year's reconciliation
        applied (its heavy grades times ``scale``, the cut made evenly as the other grades):
        the end uses' reconciled mixes, weighted by their shares, give ``world``."""
        key = end_use if end_use in self.by_end_use.index else "other"
        return self._reconciled[key]

    @functools.cached_property
    def _reconciled(self) -> dict[str, dict[str, float]]:
        return {
            use: _reconcile(self.by_end_use.loc[use], list(self.heavy), self.scale).to_dict()
            for use in self.by_end_use.index
        }


def _reconcile(prior: pd.Series, heavy: list[str], scale: float) -> pd.Series:
    """``prior`` [fraction by grade] with the ``heavy`` grades times ``scale`` and what they
    lose spread evenly over the other grades."""
    out = prior.astype(float).copy()
    light = [g for g in out.index if g not in heavy]
    out[heavy] = prior[heavy] * scale
    out[light] += prior[heavy].sum() * (1 - scale) / max(1, len(light))
    return out


def end_use_grades(ctx: Context) -> pd.DataFrame:
    """End use x grade [fraction]: the preferred world ``grade_share`` rows of the latest year
    up to the base year (else the earliest after it); raises for a grade the model lacks or a
    mix that doesn't sum to 1."""
    rows = _rows(ctx, "grade_share")
    rows = rows[rows["region"] == "WLD"]
    years = sorted(set(rows["year"]))
    year = max([y for y in years if y <= ctx.base], default=years[0])
    part = rows[rows["year"] == year]
    table = part.pivot_table(index="end_use", columns="grade", values="value", aggfunc="first")
    unknown = set(table.columns) - set(GRADES)
    if unknown or table.isna().any().any():
        raise ReechainError(
            f"magnet_end_uses: every end use's grade_share rows of {year} must give the grades "
            f"{list(GRADES)} (unknown: {sorted(unknown)}; missing: {table.isna().sum().sum()})"
        )
    sums = table.sum(axis=1)
    if ((sums - 1).abs() > 1e-6).any():
        raise ReechainError(f"magnet_end_uses: grade shares must sum to 1: {sums.to_dict()}")
    ctx.book.note(
        "grade mix by end use",
        table.round(3).to_dict("index"),
        "fraction",
        f"preferred grade_share rows of {year} (labelled estimates from qualitative sources)",
        ";".join(sorted(set(part["source_id"]))),
    )
    return table.reindex(columns=list(GRADES))


def end_use_shares(ctx: Context) -> pd.Series:
    """End use -> share of the world's magnets [fraction]: the preferred world rows of the
    latest year up to the base year whose given shares sum to 1 (an end use with a missing
    share is inside ``other``)."""
    rows = _rows(ctx, "share_of_magnets")
    rows = rows[rows["region"] == "WLD"]
    for year in sorted(set(rows["year"]), reverse=True):
        part = rows[(rows["year"] == year) & rows["value"].notna()]
        if year <= ctx.base and abs(part["value"].sum() - 1) <= SHARE_TOLERANCE:
            shares = part.set_index("end_use")["value"].astype(float)
            ctx.book.note(
                "end-use shares of magnets",
                shares.round(3).to_dict(),
                "fraction",
                f"preferred world shares of {year} (they sum to {shares.sum():.3f})",
                ";".join(sorted(set(part["source_id"]))),
            )
            return shares / shares.sum()
    raise ReechainError(
        f"magnet_end_uses has no year up to {ctx.base} whose world shares of magnets sum to 1"
    )


def grade_mix(
    ctx: Context, world_magnets: float, separated: pd.Series, recipe: pd.DataFrame
) -> GradeMix:
    """The base year's grade mix: end-use shares x their grade mixes, reconciled with the
    heavy rare earths ``separated`` [t REO by element] for ``world_magnets`` [t magnet] of
    ``recipe`` [t element / t magnet] (see the module's docstring)."""
    by_use = end_use_grades(ctx)
    shares = end_use_shares(ctx)
    missing = set(shares.index) - set(by_use.index)
    if missing:
        raise ReechainError(f"magnet_end_uses: no grade mix for end uses {sorted(missing)}")
    prior = by_use.loc[shares.index].mul(shares, axis=0).sum()
    metal_per_oxide = ctx.element_table["metal_per_oxide"]
    scale, how = 1.0, []
    for element in HEAVY:
        need = world_magnets * float((prior * recipe[element]).sum())  # t metal
        have = float(separated.get(element, 0.0)) * float(metal_per_oxide[element])
        how.append(f"{element}: the mix needs {need:,.0f} t metal, {have:,.0f} t separated")
        if need > 0:
            scale = min(scale, have / need)
    heavy = [g for g in GRADES if recipe.loc[g, list(HEAVY)].sum() > 0]
    world = _reconcile(prior.reindex(list(GRADES)), heavy, scale)
    ctx.book.note(
        "base-year grade mix",
        world.round(4).to_dict(),
        "fraction",
        f"end-use shares x grade mixes = {prior.round(4).to_dict()}; "
        + "; ".join(how)
        + (
            f"; heavy grades scaled by {scale:.3f} so that the base year is possible "
            "(calibration residual: the data's grade mixes need more heavy rare earths than "
            "were separated)"
            if scale < 1
            else "; no reconciliation needed"
        ),
        "",
    )
    return GradeMix(world=world, by_end_use=by_use, scale=scale, heavy=tuple(heavy), shares=shares)


def _rows(ctx: Context, measure: str) -> pd.DataFrame:
    table = preferred(ctx.table("magnet_end_uses"))
    rows = table[(table["measure"] == measure) & table["value"].notna()]
    if rows.empty:
        raise ReechainError(f"magnet_end_uses has no {measure} rows with a value")
    return rows
