"""What makes a valid event do less than it seems to, from the dataset (see
:meth:`~reechain.engine.scenario.model.Scenario.warnings`): the time a plant takes to build
outside China, the elements the magnet grades hold, the technology rules of a project's
partner (:func:`technology_rules`, which the inputs apply too)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from reechain.engine.scenario.events import ProjectEvent
from reechain.engine.stages import GRADES

if TYPE_CHECKING:  # pragma: no cover - the model imports this module
    from reechain.engine.scenario.model import Scenario


# stage -> the assumption giving the time to build a plant of that stage outside China [years]
LEAD_TIMES = {
    "mining": "lead_time_mine_fid_to_production",
    "separation": "lead_time_separation_outside_china",
    "metal": "lead_time_metal_plant",
    "magnet": "lead_time_magnet_plant",
}


def sooner_than_built(ds: Any, sc: Scenario, ev: ProjectEvent) -> str | None:
    """A message when a project outside China starts sooner after the base year than its
    stage takes to build there (the assumptions' lead times); None otherwise, or for a
    project that is a facility of the data (its date is the operator's)."""
    if ev.country == "CHN" or ev.facility is not None:
        return None
    table = ds.table("assumptions").set_index("assumption_id")
    if LEAD_TIMES[ev.stage] not in table.index:
        return None
    lead = float(table.loc[LEAD_TIMES[ev.stage], "value"])
    if ev.start - sc.base_year >= lead:
        return None
    return (
        f"'{ev.name}' starts {ev.start - sc.base_year} year(s) after the base year; a "
        f"{ev.stage} plant outside China takes about {lead:g} years to build "
        f"({LEAD_TIMES[ev.stage]}): the start is optimistic"
    )


def elements_in_magnets(ds: Any) -> set[str]:
    """Elements some grade of the model's ladder holds in the data (Pr+Nd counts as Pr and
    Nd)."""
    mr = ds.table("magnet_recipes")
    held = mr[mr["grade"].isin(GRADES) & (mr["value"].fillna(0) > 0)]["element"]
    out: set[str] = set()
    for e in held:
        out |= set(str(e).split("+"))
    return out


# Stages whose technology a technology export ban covers (China's Dec 2023 catalogue: RE
# extraction and separation, metal and alloy production, magnet preparation; mining and
# beneficiation technology is restricted, not banned), and the policy measures that act so.
TECHNOLOGY_STAGES = ("separation", "metal", "magnet")
TECHNOLOGY_MEASURES = ("technology_export_ban", "export_licensing")


def technology_rules(policies: Any, ev: ProjectEvent) -> Any:
    """The policies rows by which the project's technology partner bans or licenses the export
    of its stage's technology on the project's first day (stages 'technology'); none for a
    project without a partner or at a stage no such rule covers."""
    if ev.technology_from is None or ev.stage not in TECHNOLOGY_STAGES:
        return policies.iloc[0:0]
    day = date(ev.start, 1, 1).isoformat()
    return policies[
        (policies["actor"] == ev.technology_from)
        & policies["measure"].isin(TECHNOLOGY_MEASURES)
        & (policies["stages"] == "technology")
        & (policies["start_date"].astype(str) <= day)
        & (policies["end_date"].isna() | (policies["end_date"].astype(str) >= day))
    ]


def technology_banned(ds: Any, ev: ProjectEvent) -> bool:
    """Whether a technology rule stops the project (the scenario doesn't grant the licence)."""
    return (
        ev.technology_licence != "granted" and len(technology_rules(ds.table("policies"), ev)) > 0
    )
