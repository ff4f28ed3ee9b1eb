"""GeoPolRisk supply risk of an importer (Koyamparambath et al. 2024; geopolrisk-py).

For a raw material A imported by an economic unit c (a country or a bloc)::

    GeoPolRisk_Ac = HHI_A x sum_i(g_i x f_Aic) / (p_Ac + F_Ac)          [0-1]

- HHI_A: concentration of world production of A at the matching stage [0-1];
- g_i: political instability of exporter i, the WGI "Political Stability and Absence of
  Violence/Terrorism" estimate normalised to 0-1 (1 = least stable);
- f_Aic: imports of A into c from i [t]; F_Ac: all imports of A into c [t];
- p_Ac: domestic production of A in c [t] (it dilutes the risk of imports).

Missing inputs are never filled: a partner without a governance score, imports from
unnamed partners and the uncovered part of world production widen the result into a
bracket (``score_low`` with the unknowns at their least risky, ``score_high`` at their most
risky). geopolrisk-py instead puts g = 0.5 for a partner without a score; the bracket contains
that value. ``score`` is given only when the bracket closes.

Two choices of geopolrisk-py can be followed on request (:func:`geopolrisk` keywords): its
HHI stage (``stage``: it takes the mine production of the raw material for every traded
product, e.g. mined REO for rare earth compounds and metals, where reechain takes the stage
that makes the product, :data:`PRODUCT_STAGE`) and its g for partners without a score
(``unscored_g=GEOPOLRISK_PY_UNSCORED_G``). The defaults are reechain's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reechain.analysis import metrics
from reechain.analysis.criticality.common import governance
from reechain.data.dataset import Dataset
from reechain.data.flows import OTHER, WORLD, observed_flows
from reechain.errors import ReechainError, UnknownNameError

logger = logging.getLogger(__name__)

PV = "wgi_pv_estimate"
# trade product -> (production stage, production material) whose concentration is HHI_A
PRODUCT_STAGE = {
    "ree_concentrate": ("mining", "TREO"),
    "bastnasite_concentrate": ("mining", "TREO"),
    "monazite_concentrate": ("mining", "TREO"),
    "ree_raw_materials": ("mining", "TREO"),
    "mixed_ree_carbonate": ("mining", "TREO"),
    "ree_oxides": ("separation", "TREO"),
    "ree_compounds": ("separation", "TREO"),
    "ree_compounds_and_metals": ("separation", "TREO"),
    "cerium_compounds": ("separation", "TREO"),
    "ree_metals": ("metal", "REM"),
    "ndfeb_magnets": ("magnet", "NdFeB"),
    "permanent_magnets": ("magnet", "NdFeB"),
}
# geopolrisk-py's g for a partner without a WGI score (core.importrisk, utils.aggregateTrade)
GEOPOLRISK_PY_UNSCORED_G = 0.5
# a non-producer is taken to produce nothing only where the named producers cover this much
# of world output; below it, domestic production is unknown
LISTED_PRODUCER_COVERAGE = 0.9

GPR_COLUMNS = [
    "importer",
    "product",
    "year",
    "stage",
    "hhi_year",
    "hhi",
    "hhi_upper",
    "imports",
    "imports_unit",
    "domestic",
    "import_basis",
    "unknown_g_share",
    "score_low",
    "score_high",
    "score",
    "notes",
    "missing",
]


def instability(pv: pd.Series) -> pd.Series:
    """g_i [0-1, 1 = least stable] from WGI Political Stability estimates [about -2.5..2.5]."""
    return ((2.5 - pv) / 5.0).clip(0.0, 1.0)


@dataclass(frozen=True)
class Imports:
    """Imports of one product into one economic unit in one year, in tonnes or as fractions
    of the unit's total imports (``unit``)."""

    by_partner: pd.Series  # partner ISO3 -> amount
    total: float  # F_Ac [t], or 1.0 for fractions
    unit: str  # t | fraction
    basis: str  # how the figures were read


def score_bracket(
    hhi: float, hhi_upper: float, imports: Imports, g: pd.Series, domestic: float
) -> tuple[float, float]:
    """GeoPolRisk bracket [0-1]. Imports from partners missing from ``g``, and imports not
    attributed to any partner, count with g = 0 (low end) and g = 1 (high end). ``domestic``
    production is in the imports' unit; NaN means unknown: the low end is then not
    assessable and the high end takes it as zero (domestic output only lowers the score)."""
    f = imports.by_partner
    known = f[f.index.isin(g.index)]
    weighted = float((known * g.reindex(known.index)).sum())
    unknown = max(imports.total - float(known.sum()), 0.0)
    p = 0.0 if np.isnan(domestic) else domestic
    if imports.total + p <= 0:
        return np.nan, np.nan
    high = hhi_upper * (weighted + unknown) / (imports.total + p)
    low = np.nan if np.isnan(domestic) else hhi * weighted / (imports.total + p)
    return low, high


def _annual(ds: Dataset, product: str, year: int) -> pd.DataFrame:
    t = ds.table("trade")
    t = t[
        t["preferred"].fillna(False).astype(bool)
        & (t["product"] == product)
        & (t["year"] == year)
        & (t["period"] == "annual")
        & t["value"].notna()
    ]
    if t.empty:
        all_trade = ds.table("trade")
        have = sorted(set(all_trade.loc[all_trade["year"] == year, "product"]))
        raise ReechainError(
            f"no annual trade of {product} in {year}; products with data that year: "
            + (", ".join(have) or "none")
        )
    return t


def _reported(t: pd.DataFrame, reporter: str, inside: list[str]) -> Imports | None:
    """One reporter's imports by partner from outside ``inside`` (the total less what comes
    from inside): in tonnes, else shares of a tonnage total as tonnes, else shares; None
    without both partners and a total."""
    own = t[(t["flow"] == "import") & (t["reporter"] == reporter)]
    for unit in ("t", "fraction"):
        rows = own[own["unit"] == unit]
        total = rows.loc[rows["partner"] == WORLD, "value"]
        from_inside = float(rows.loc[rows["partner"].isin(inside), "value"].sum())
        named = rows[~rows["partner"].isin([WORLD, OTHER, *inside])]  # "other": unattributed
        partners = named.groupby("partner")["value"].sum()
        if not (len(total) and len(partners)):
            continue
        outside = float(total.sum()) - from_inside
        tonnes = own.loc[(own["unit"] == "t") & (own["partner"] == WORLD), "value"]
        if unit == "fraction" and len(tonnes):  # shares of a known total: tonnes
            scale = float(tonnes.sum()) / float(total.sum())
            basis = f"import shares reported for {reporter} x its total imports"
            return Imports(partners * scale, outside * scale, "t", basis)
        return Imports(partners, outside, unit, f"imports reported by {reporter}")
    return None


def read_imports(
    ds: Dataset, members: list[str], importer: str, product: str, year: int
) -> Imports:
    """Imports of ``product`` into ``importer`` from the trade table: its own reports (in
    tonnes, or shares), else, for a bloc, the sum of its members' reports in tonnes (trade
    between members left out), else partners' exports to it (mirror) over its total."""
    t = _annual(ds, product, year)
    inside = members if importer not in members else [importer]
    found = _reported(t, importer, inside)
    if found is not None:
        return found
    if importer not in members:  # a bloc without reports of its own: add up its members
        parts = {m: _reported(t, m, members) for m in members}
        parts = {m: p for m, p in parts.items() if p is not None}
        shares_only = sorted(m for m, p in parts.items() if p.unit != "t")
        if parts and not shares_only:
            partners = pd.concat([p.by_partner for p in parts.values()]).groupby(level=0).sum()
            total = sum(p.total for p in parts.values())
            basis = (
                f"sum of the reported imports of {len(parts)} of its {len(members)} members "
                "(trade between members left out)"
            )
            return Imports(partners, total, "t", basis)
        if shares_only:
            raise ReechainError(
                f"{importer}'s members {', '.join(shares_only)} report import shares without "
                "a tonnage total, which cannot be added up; add their totals (partner WLD, t)"
            )
    total = t[(t["flow"] == "import") & t["reporter"].isin([importer]) & (t["partner"] == WORLD)]
    total = total[total["unit"] == "t"]["value"]
    mirror = t[
        (t["flow"] == "export")
        & t["partner"].isin([importer, *members])
        & ~t["reporter"].isin(members)
        & (t["reporter"] != OTHER)
        & (t["unit"] == "t")
    ]
    if len(total) and len(mirror):
        partners = mirror.groupby("reporter")["value"].sum()
        return Imports(partners, float(total.sum()), "t", "partners' reported exports (mirror)")
    raise ReechainError(
        f"imports of {product} into {importer} in {year} by partner, with their total, are not "
        "in the data; add trade rows (flow=import, reporter=" + importer + ", partner=each "
        "supplier and WLD for the total, unit t or fraction) or import a BACI/Comtrade file "
        "with `reechain trade import`"
    )


def domestic_production(
    shares: pd.DataFrame, members: list[str], stage: str, year: int
) -> tuple[float, str]:
    """The importer's own output at ``stage`` in ``year`` [t] and a note; NaN where unknown.
    ``shares``: the stage's country shares (:func:`metrics.shares`) of every year."""
    shares = shares[shares["year"] == year]
    if shares.empty:
        return np.nan, f"no {stage} output by country in {year}"
    own = shares[shares["group"].isin(members)]
    if own["value"].notna().any():
        return float(own["value"].sum()), ""
    if own["share"].notna().any():
        return np.nan, f"own {stage} output known only as a share of world output"
    coverage = float(shares["coverage"].iloc[0])
    if coverage >= LISTED_PRODUCER_COVERAGE:
        return 0.0, f"not a listed {stage} producer (named producers cover {coverage:.0%})"
    return np.nan, f"own {stage} output unknown (named producers cover {coverage:.0%})"


class _Inputs:
    """The dataset's inputs to GeoPolRisk, each read once (several scores share them)."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self._flows: pd.DataFrame | None = None
        self._shares: dict[tuple[str, str], pd.DataFrame] = {}
        self._g: dict[int, pd.Series] = {}

    def shares(self, stage: str, material: str) -> pd.DataFrame:
        if (stage, material) not in self._shares:
            if self._flows is None:
                self._flows = observed_flows(self.ds.table("production"))
            self._shares[stage, material] = metrics.shares(
                self._flows, stage, None, material=material
            )
        return self._shares[stage, material]

    def g(self, year: int) -> pd.Series:
        if year not in self._g:
            self._g[year] = instability(governance(self.ds, PV, year))
        return self._g[year]


def importer_members(ds: Dataset, importer: str, year: int) -> tuple[str, list[str]]:
    """An importer's code and its member countries at the end of ``year``: a bloc's members
    (EU27 is a bloc here, not the aggregate row of the countries table), or the country."""
    if importer.upper() in set(ds.table("blocs")["bloc_id"]):
        return importer.upper(), ds.bloc_members(importer, on=f"{year}-12-31")
    code = ds.check_country(importer)
    return code, [code]


def geopolrisk(
    ds: Dataset,
    importer: str,
    product: str,
    year: int,
    *,
    stage: tuple[str, str] | None = None,
    unscored_g: float | None = None,
) -> pd.DataFrame:
    """GeoPolRisk of ``importer`` (ISO3 or bloc id) for a traded ``product`` in ``year``:
    one row with the inputs, the bracket and what is missing (columns ``GPR_COLUMNS``).

    ``stage``: the (production stage, material) whose concentration is HHI_A and whose
    output is the importer's domestic production; by default ``PRODUCT_STAGE[product]``
    (given, ``product`` may be any product of the trade table). ``unscored_g``: the g of a
    named partner without a governance score; by default (None) such imports widen the
    bracket, geopolrisk-py puts :data:`GEOPOLRISK_PY_UNSCORED_G`."""
    return _geopolrisk(_Inputs(ds), importer, product, year, stage, unscored_g)


def with_unscored(g: pd.Series, partners: pd.Index, unscored_g: float | None) -> pd.Series:
    """``g`` with ``unscored_g`` for each of ``partners`` that has no score (unchanged if
    ``unscored_g`` is None)."""
    if unscored_g is None:
        return g
    if not 0.0 <= unscored_g <= 1.0:
        raise ReechainError(f"unscored_g must be within 0-1, not {unscored_g}")
    missing = partners.difference(g.index)
    return pd.concat([g, pd.Series(unscored_g, index=missing, dtype=float)])


def _geopolrisk(
    inputs: _Inputs,
    importer: str,
    product: str,
    year: int,
    stage_material: tuple[str, str] | None = None,
    unscored_g: float | None = None,
) -> pd.DataFrame:
    ds = inputs.ds
    if stage_material is None and product not in PRODUCT_STAGE:
        raise UnknownNameError("product", product, PRODUCT_STAGE)
    stage, material = stage_material or PRODUCT_STAGE[product]
    importer, members = importer_members(ds, importer, year)
    shares = inputs.shares(stage, material)
    conc = metrics.concentration(shares[shares["year"] <= year])
    if conc.empty:
        raise ReechainError(f"no {stage} shares by country for {material} in or before {year}")
    conc = conc[conc["year"] == conc["year"].max()]
    hhi_year = int(conc["year"].iloc[0])
    hhi, hhi_upper = float(conc["hhi_unit"].iloc[0]), float(conc["hhi_upper"].iloc[0]) / 1e4
    imports = read_imports(ds, members, importer, product, year)
    g = inputs.g(year)
    unscored = sorted(set(imports.by_partner.index) - set(g.index))
    g = with_unscored(g, imports.by_partner.index, unscored_g)
    domestic, note = domestic_production(shares, members, stage, hhi_year)
    if unscored and unscored_g is not None:
        note = "; ".join(
            filter(None, [note, f"g = {unscored_g:g} for {', '.join(unscored)} (no score)"])
        )
    if hhi_year != year:
        note = "; ".join(
            filter(None, [f"{stage} shares of {hhi_year} (latest before {year})", note])
        )
    if imports.unit == "fraction" and domestic != 0.0:
        domestic, note = np.nan, note or f"own {stage} output not comparable with import shares"
    low, high = score_bracket(hhi, hhi_upper, imports, g, domestic)
    named = imports.by_partner
    no_g = sorted(set(named.index) - set(g.index))
    unattributed = max(imports.total - float(named.sum()), 0.0)
    missing = [f"political stability of {', '.join(no_g)}"] if no_g else []
    if unattributed > 1e-9 * imports.total:
        missing.append(f"partners of {unattributed / imports.total:.1%} of imports")
    if hhi_upper > hhi:
        uncovered = 1 - float(conc["coverage"].iloc[0])
        missing.append(f"producers of {uncovered:.1%} of world {stage} output")
    closed = bool(np.isfinite(low) and np.isclose(low, high))
    return pd.DataFrame(
        [
            {
                "importer": importer,
                "product": product,
                "year": year,
                "stage": stage,
                "hhi_year": hhi_year,
                "hhi": hhi,
                "hhi_upper": hhi_upper,
                "imports": imports.total,
                "imports_unit": imports.unit,
                "domestic": domestic,
                "import_basis": imports.basis,
                "unknown_g_share": (unattributed + float(named.reindex(no_g).sum()))
                / imports.total,
                "score_low": low,
                "score_high": high,
                "score": low if closed else np.nan,
                "notes": note,
                "missing": "; ".join(missing),
            }
        ],
        columns=GPR_COLUMNS,
    )


def geopolrisk_table(
    ds: Dataset, year: int, importer: str | None = None, product: str | None = None
) -> pd.DataFrame:
    """GeoPolRisk for every importer and product with imports by partner in ``year`` (or the
    given ones); pairs whose inputs are not in the data are listed with the reason."""
    if product is not None and product not in PRODUCT_STAGE:
        raise UnknownNameError("product", product, PRODUCT_STAGE)
    t = ds.table("trade")
    t = t[
        (t["flow"] == "import")
        & (t["year"] == year)
        & (t["partner"] != WORLD)
        & t["product"].isin(PRODUCT_STAGE)
    ]
    if importer is not None:
        importer, _ = importer_members(ds, importer, year)
        pairs = [(importer, p) for p in sorted(set(t.loc[t["reporter"] == importer, "product"]))]
        if product is not None:
            pairs = [(importer, product)]
    else:
        pairs = sorted(set(zip(t["reporter"], t["product"], strict=True)))
        pairs = [(i, p) for i, p in pairs if product is None or p == product]
    if not pairs:
        raise ReechainError(
            f"no imports by partner in {year}"
            + (f" for {importer}" if importer else "")
            + (f" of {product}" if product else "")
            + "; add trade rows or import a BACI/Comtrade file with `reechain trade import`"
        )
    rows, inputs = [], _Inputs(ds)
    for imp, prod in pairs:
        try:
            rows.append(_geopolrisk(inputs, imp, prod, year))
        except ReechainError as exc:
            rows.append(
                pd.DataFrame(
                    [{"importer": imp, "product": prod, "year": year, "missing": str(exc)}],
                    columns=GPR_COLUMNS,
                )
            )
    table = pd.concat(rows, ignore_index=True)
    table["hhi_year"] = table["hhi_year"].astype("Int64")
    return table
