"""How far a scenario's projects cover its new magnet demand, element by element, on the
scenario page (card and table). An element the projects' ore splits don't itemise
(:func:`reechain.reports.summary.borrowed_splits`) has an unknown output, never 0 t: its
coverage is unknown, with the reason, and the limiting element is named among the known ones."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.web.pages.parts import Card, missing_card, pct

ELEMENTS = ("Pr", "Nd", "Dy", "Tb")


@dataclass(frozen=True)
class Unknown:
    """The elements whose project output in a region is not known, and the ore splits that
    leave them out: (the split in words, the elements it lacks)."""

    elements: tuple[str, ...] = ()
    splits: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def why(self, elements: tuple[str, ...]) -> str:
        """Why ``elements`` are unknown: each split that lacks some of them ('them' when it
        lacks them all)."""
        reasons = []
        for split, lacks in self.splits:
            shown = [e for e in elements if e in lacks]
            if shown:
                them = "them" if len(shown) == len(elements) > 1 else ", ".join(shown)
                reasons.append(f"{split} does not itemise {them}")
        return "; ".join(reasons)

    def said(self) -> str:
        """'Dy, Tb: unknown (why)'; '' when every element is known."""
        if not self.elements:
            return ""
        return f"{', '.join(self.elements)}: unknown ({self.why(self.elements)})"


def _short(name: object) -> str:
    """A deposit's name without its alternatives and place ('Beylikova / Kızılcaören
    (Eskişehir)' is 'Beylikova')."""
    return re.split(r" [/(]", str(name))[0]


def unknown_in(splits: pd.DataFrame, region: str, ds: Dataset) -> Unknown:
    """What the ore splits of ``region``'s projects (``splits``: ``borrowed_splits``) leave
    unknown among :data:`ELEMENTS`: each split that lacks some, named with where it is borrowed
    from ("Beylikova's split, borrowed from Mountain Pass,")."""
    local = splits[splits["country"] == region] if len(splits) else splits
    names = ds.table("deposits").set_index("deposit_id")["name"]
    lacking = []
    for r in local.itertuples():
        lacks = tuple(e for e in ELEMENTS if e not in r.itemised)
        if not lacks:
            continue
        split = f"{_short(names.get(r.deposit, r.deposit))}'s split"
        if r.borrowed:
            source = _short(names.get(r.source_deposit, r.source_deposit)) or "its ore type"
            split += f", borrowed from {source},"
        lacking.append((split, lacks))
    missing = tuple(e for e in ELEMENTS if any(e in lacks for _, lacks in lacking))
    return Unknown(missing, tuple(lacking))


def coverage_text(value: float) -> str:
    """Coverage (output / need) as a multiple from 1 ('17.5×'), else in % ('40 %')."""
    return pct(value, 0) if pd.isna(value) or value < 1 else f"{value:.1f}×"


def coverage_card(row: pd.Series | None, label: str, name: str, unknown: Unknown) -> Card:
    """The card of one region's coverage in one year (``row`` of the key figures' coverage
    table): the lowest coverage among the known elements, the others listed, the unknown ones
    with their reason."""
    if row is None:
        return missing_card(label, f"the scenario has no demand event with an activity in {name}")
    known = {
        e: float(row[f"{e}_coverage"])
        for e in ELEMENTS
        if e not in unknown.elements and not pd.isna(row[f"{e}_coverage"])
    }
    said = [f"{e} {coverage_text(v)}" for e, v in known.items()]
    said += [unknown.said()] if unknown.elements else []
    if not known:
        return missing_card(label, " · ".join(said) or "no element need in that year")
    least = min(known, key=known.get)
    limits = "the lowest of the known elements limits" if unknown.elements else "the lowest limits"
    return Card(
        label,
        known[least],
        f"{least} {coverage_text(known[least])}",
        f"project output / need per element: {' · '.join(said)}; {limits}",
    )


def coverage_table(cov: pd.DataFrame, unknown: dict[str, Unknown]) -> pd.DataFrame:
    """The coverage by region, year and element, with human headers; an element a region's
    projects' splits don't itemise has no output or coverage ('–') and a note saying why."""
    rows = []
    for _, r in cov.iterrows():
        hidden = unknown.get(r["region"], Unknown())
        for e in ELEMENTS:
            known = e not in hidden.elements
            rows.append(
                {
                    "region": r["region"],
                    "year": r["year"],
                    "element": e,
                    "need [t oxide]": r[f"{e}_need_oxide_t"],
                    "projects' output [t oxide]": r[f"{e}_project_t"] if known else None,
                    "coverage [× need]": r[f"{e}_coverage"] if known else None,
                    "note": "" if known else f"unknown: {hidden.why((e,))}",
                }
            )
    return pd.DataFrame(rows)


def unknown_outputs(projects: pd.DataFrame, splits: pd.DataFrame) -> pd.DataFrame:
    """Projects' output by element (``<element>_t`` columns) with no value ('–') for the
    elements a project's ore split does not itemise (``splits``: ``borrowed_splits``)."""
    out = projects.copy()
    for r in splits.itertuples():
        for e in ELEMENTS:
            if e not in r.itemised and f"{e}_t" in out.columns:
                out.loc[out["project"] == r.project, f"{e}_t"] = float("nan")
    return out
