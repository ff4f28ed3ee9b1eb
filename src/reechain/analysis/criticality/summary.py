"""The criticality methods side by side, one row per element or group.

Each method's result is a range where inputs are missing (see :mod:`.eu`, :mod:`.eu_ei`,
:mod:`.usgs`); published scores and verdicts are shown beside what reechain computes.
GeoPolRisk is per traded product and importer, not per element, so it has its own table
(:func:`.gpr.geopolrisk`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reechain.analysis.criticality.common import GROUPS, group_elements
from reechain.analysis.criticality.eu import SR_RESULT_COLUMNS, eu_supply_risk, published
from reechain.analysis.criticality.eu_ei import economic_importance
from reechain.analysis.criticality.usgs import usgs_table
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError

SIDE_BY_SIDE_COLUMNS = [
    "material",
    "group",
    "eu_sr_low",
    "eu_sr_high",
    "eu_bottleneck",
    "eu_sr_missing",
    "eu_ei_low",
    "eu_ei_high",
    "eu_published_sr",
    "eu_published_ei",
    "eu_published_of",
    "eu_critical",
    "usgs_dp_low",
    "usgs_dp_high",
    "usgs_te_low",
    "usgs_te_high",
    "usgs_stage",
]


def _eu_sr(ds: Dataset, assessment: str, element: str | None) -> pd.DataFrame:
    """EU SR rows of one element (if it has shares of its own or via its group), else all."""
    if element is None:
        return eu_supply_risk(ds, assessment)
    try:
        return eu_supply_risk(ds, assessment, element)
    except ReechainError:  # no shares for this element: nothing to show, not an error
        return pd.DataFrame(columns=SR_RESULT_COLUMNS)


PUBLISHED = ("eu_published_sr", "eu_published_ei", "eu_published_of", "eu_critical")


def _materials(ds: Dataset, element: str | None, group: str | None) -> list[str]:
    if element is not None:
        return [ds.check_element(element)]
    if group is not None:
        return [group, *group_elements(ds, group)]
    symbols = ds.table("elements")["symbol"].tolist()
    return ["REE", *GROUPS[:2], *symbols]


def side_by_side(
    ds: Dataset,
    assessment: str = "EU2023",
    year: int = 2023,
    importer: str = "USA",
    element: str | None = None,
    group: str | None = None,
) -> pd.DataFrame:
    """EU supply risk and economic importance ranges, the published EU scores and verdict,
    and the USGS-style disruption potential and trade exposure of ``importer``, per
    material (columns ``SIDE_BY_SIDE_COLUMNS``).

    ``eu_bottleneck`` is the stage with the highest SR ceiling; ``usgs_stage`` the stage with
    the highest DP ceiling. A material without shares for a stage its group is assessed at has
    no SR ceiling (that stage could be the bottleneck); ``eu_sr_missing`` says so. Materials the
    data says nothing about are left out."""
    if element is not None and group is not None:
        raise ReechainError("give an element or a group, not both")
    materials = _materials(ds, element, group)
    groups = ds.table("elements").set_index("symbol")["group_eu"]
    sr = _eu_sr(ds, assessment, element)
    ei = economic_importance(ds, assessment).set_index("material")
    pub = published(ds, assessment).set_index("material")
    factors = usgs_table(ds, importer, year, [None if m == "REE" else m for m in materials])
    rows = []
    for mat in materials:
        row: dict = {"material": mat, "group": groups.get(mat, mat if mat in GROUPS else None)}
        if mat == "REE":
            row["group"] = None
        stages = sr[sr["material"] == mat].drop_duplicates("stage").dropna(subset=["sr_high"])
        if len(stages):
            family = {row["group"], *groups[groups == row["group"]].index}
            lacking = sorted(
                set(sr.loc[sr["material"].isin(family), "stage"]) - set(stages["stage"])
            )
            top = stages.loc[stages["sr_high"].idxmax()]
            missing = [m for m in str(top["sr_missing"]).split(", ") if m]
            row.update(eu_sr_low=float(stages["sr_low"].max()), eu_sr_high=float(top["sr_high"]))
            row["eu_bottleneck"] = top["stage"]
            if lacking:  # a stage without shares could be the bottleneck: no ceiling
                row.update(eu_sr_high=np.nan, eu_bottleneck=None)
                missing.append(f"{', '.join(lacking)} shares")
            row["eu_sr_missing"] = ", ".join(missing)
        if mat in ei.index:
            row.update(eu_ei_low=ei.at[mat, "ei_low"], eu_ei_high=ei.at[mat, "ei_high"])
        owner = mat if mat in pub.index else row["group"] if row["group"] in pub.index else None
        if owner is not None:
            row.update(
                eu_published_sr=pub.at[owner, "SR"],
                eu_published_ei=pub.at[owner, "EI"],
                eu_published_of=owner,
                eu_critical=bool(pub.at[owner, "critical"]),
            )
        usgs = factors[factors["material"] == mat]
        if len(usgs):
            top = usgs.loc[usgs["dp_high"].idxmax()]
            row.update(
                usgs_dp_low=top["dp_low"],
                usgs_dp_high=top["dp_high"],
                usgs_te_low=top["te_low"],
                usgs_te_high=top["te_high"],
                usgs_stage=top["stage"],
            )
        if set(row) - {"material", "group", *PUBLISHED} or row.get("eu_published_of") == mat:
            rows.append(row)  # the material's own results, not only its group's verdict
    out = pd.DataFrame(rows, columns=SIDE_BY_SIDE_COLUMNS)
    out["eu_critical"] = out["eu_critical"].astype("boolean")
    return out.replace({None: np.nan}) if not out.empty else out


# -- presentation (CLI tables and web pages) -------------------------------------------------


def span(low: float, high: float, digits: int = 2) -> str:
    """'x' when a range closes, 'x-y' when it does not, '-' when unknown."""
    if pd.isna(high):
        return "–"
    if pd.isna(low):
        return f"≤ {high:.{digits}f}"
    if round(low, digits) == round(high, digits):
        return f"{low:.{digits}f}"
    return f"{low:.{digits}f}–{high:.{digits}f}"


def with_spans(
    df: pd.DataFrame, spans: dict[str, tuple[str, str]], keep: list[str]
) -> pd.DataFrame:
    """A display frame: ``keep`` columns and each span as one 'low-high' text column."""
    out = df[keep].copy()
    for name, (low, high) in spans.items():
        out[name] = [span(a, b) for a, b in zip(df[low], df[high], strict=True)]
    return out


def published_label(side: pd.DataFrame) -> list[str]:
    """'SR/EI critical (group)' per row of a :func:`side_by_side` table."""
    return [
        "–" if pd.isna(sr) else f"{sr:.1f}/{ei:.1f}{' critical' if crit else ''} ({of})"
        for sr, ei, crit, of in zip(
            side["eu_published_sr"],
            side["eu_published_ei"],
            side["eu_critical"].fillna(False),
            side["eu_published_of"],
            strict=True,
        )
    ]


def side_by_side_view(side: pd.DataFrame) -> pd.DataFrame:
    """A :func:`side_by_side` table for reading: each range as 'low-high' text, the
    published EU scores and verdict as one label."""
    view = with_spans(
        side,
        {
            "EU SR": ("eu_sr_low", "eu_sr_high"),
            "EU EI": ("eu_ei_low", "eu_ei_high"),
            "USGS DP": ("usgs_dp_low", "usgs_dp_high"),
            "USGS TE": ("usgs_te_low", "usgs_te_high"),
        },
        ["material", "group", "eu_bottleneck"],
    )
    view["published SR/EI"] = published_label(side)
    view["eu_bottleneck"] = view["eu_bottleneck"].astype(object).fillna("–")
    return view.rename(columns={"eu_bottleneck": "EU bottleneck"})
