"""What drives the answers, in plain text: the events, the capacities at their limit and the
elements no plant makes enough of."""

from __future__ import annotations

from collections.abc import Mapping

from reechain.engine.scenario import BlocMembershipEvent, DemandEvent, ProjectEvent, Scenario
from reechain.reports.summary.key_numbers import Findings
from reechain.reports.summary.questions import question
from reechain.reports.summary.wording import end_use, times
from reechain.reports.tables import is_missing, tonnes

#: a shadow price from this multiple of the observed price marks an element as short [x]
SCARCE = 2.0


def drivers(f: Findings, sc: Scenario, names: Mapping[str, str]) -> list[str]:
    """What drives the answers (plain text): the events, the capacities at their limit and the
    elements no plant makes enough of."""
    out = [_event_driver(ev, names) for ev in sc.events]
    out += _limit_drivers(f, names)
    out += _gap_drivers(f)
    return out


def _event_driver(ev: object, names: Mapping[str, str]) -> str:
    n = names.get
    if isinstance(ev, ProjectEvent):
        full = ev.start + ev.ramp_up_years
        return (
            f"{ev.name}: {ev.capacity.value:,.0f} {ev.capacity.unit} of {ev.stage} in "
            f"{n(ev.country, ev.country)} from {ev.start}, at full capacity from {full}."
        )
    if isinstance(ev, DemandEvent) and ev.activity is not None:
        return (
            f"{ev.name}: {ev.activity.value:,.0f} {ev.activity.unit} of {end_use(ev.end_use)} "
            f"in {n(ev.region, ev.region)}{f' from {ev.start}' if ev.start else ''}."
        )
    if isinstance(ev, BlocMembershipEvent):
        return f"{n(ev.country, ev.country)} joins {ev.bloc} as a {ev.role} from {ev.from_}."
    return f"{ev.type.replace('_', ' ').capitalize()}: {question(ev, names)}"


def _limit_drivers(f: Findings, names: Mapping[str, str]) -> list[str]:
    """One line per stage with capacities at their limit in the horizon."""
    out = []
    for stage, rows in f.limits.groupby("stage", sort=False):
        said = ", ".join(
            f"{names.get(r.region, r.region)} ({tonnes(r.capacity)} {r.unit}/yr)"
            for r in rows.itertuples()
        )
        out.append(f"At their limit in {f.years[-1]}, {stage} capacity: {said}.")
    return out


def _gap_drivers(f: Findings) -> list[str]:
    """Elements needed, in no surplus and dear: the gaps, said whether the baseline has them."""
    short = f.needs[
        (f.needs["needed"] > 0.5) & (f.needs["surplus"] < 0.5) & (f.needs["multiple"] >= SCARCE)
    ]
    out = []
    for r in short.itertuples():
        was = not is_missing(r.multiple_baseline) and r.multiple_baseline >= SCARCE
        out.append(
            f"A {r.element} gap no plant closes: the unmet magnets need {tonnes(r.needed)} t "
            f"{r.element} oxide, none is in surplus and its shadow price is {times(r.multiple)} "
            "the observed price"
            + (f", as in the baseline ({times(r.multiple_baseline)})." if was else ".")
        )
    return out
