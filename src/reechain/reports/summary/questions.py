"""The questions a scenario asks: one per event, in plain text."""

from __future__ import annotations

from collections.abc import Mapping

from reechain.engine.scenario import BlocMembershipEvent, DemandEvent, ProjectEvent, Scenario
from reechain.reports.summary.wording import end_use


def questions(sc: Scenario, names: Mapping[str, str]) -> list[str]:
    """The questions the scenario's events ask, one per event (plain text)."""
    return [question(ev, names) for ev in sc.events]


def question(ev: object, names: Mapping[str, str]) -> str:
    n = names.get
    if isinstance(ev, ProjectEvent):
        return (
            f"What does {ev.name} ({ev.capacity.value:,.0f} {ev.capacity.unit} of "
            f"{ev.stage} in {n(ev.country, ev.country)} from {ev.start}) change in who holds "
            "each stage of the chain?"
        )
    if isinstance(ev, DemandEvent):
        return (
            f"Can the demand of {ev.name} ({end_use(ev.end_use)} in {n(ev.region, ev.region)}"
            f"{f' from {ev.start}' if ev.start else ''}) be met, element by element?"
        )
    if isinstance(ev, BlocMembershipEvent):
        return (
            f"How much of world separation does {ev.bloc} hold once {n(ev.country, ev.country)} "
            f"is a{'n' if ev.role[0] in 'aeiou' else ''} {ev.role} (from {ev.from_})?"
        )
    what = {
        "export_control": "Who runs short when {actor} controls exports (from {from_})?",
        "outage": "What is lost when {name} is out (from {from_})?",
        "recycling": "How much primary supply does recycling in {region} replace?",
        "substitution": "How much Dy and Tb does switching {region}'s magnets to {to_grade} save?",
        "tariff": "How does {importer}'s duty on imports (from {from_}) move trade?",
        "stockpile": "How much does the stockpile {name} in {region} soften a shortage?",
        "driver": "What if {end_use} demand follows {name}?",
    }[ev.type]
    fields = {k: n(v, v) if isinstance(v, str) else v for k, v in vars(ev).items()}
    fields["name"] = fields.get("name") or fields.get("facility") or fields.get("country")
    fields["end_use"] = end_use(str(fields.get("end_use", "")))
    return what.format(**fields)
