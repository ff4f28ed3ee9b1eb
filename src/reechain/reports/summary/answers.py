"""The answers in numbers, in plain text, written from the findings."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from reechain.engine.scenario import BlocMembershipEvent, Scenario
from reechain.reports.summary.key_numbers import Findings
from reechain.reports.summary.prices import BOUND_PRICES
from reechain.reports.summary.wording import STAGE_WORDS, baseline, pct, pp, times, usd_per_kg
from reechain.reports.tables import is_missing, tonnes


def answers(f: Findings, sc: Scenario, names: Mapping[str, str]) -> list[str]:
    """The answers in numbers (plain text), in the order of the questions' themes: shares,
    China and the HHI, coverage of new demand, blocs, shortfalls, surplus, prices."""
    out = [_share_answer(f, g, names) for _, g in f.shares.groupby(["country", "stage"])]
    out.append(_china_answer(f))
    out += [_coverage_answer(f, g, names) for _, g in f.coverage.groupby("region")]
    out += [_unmet_answer(r, names, f.years[-1]) for r in f.unmet.itertuples()]
    out += [_bloc_answer(g, _joiners(sc, b, names)) for b, g in f.blocs.groupby("bloc")]
    out += [s for s in (_needs_answer(f), _surplus_answer(f), _price_answer(f)) if s]
    return out


def _joiners(sc: Scenario, bloc: str, names: Mapping[str, str]) -> str:
    joins = [
        ev.country
        for ev in sc.events
        if isinstance(ev, BlocMembershipEvent) and ev.bloc == bloc and ev.role == "member"
    ]
    return " and ".join(names.get(c, c) for c in dict.fromkeys(joins)) if joins else "its joiners"


def _share_answer(f: Findings, rows: pd.DataFrame, names: Mapping[str, str]) -> str:
    country, stage = rows["country"].iloc[0], rows["stage"].iloc[0]
    now = " and ".join(pct(v) for v in rows["scenario"])
    years = " and ".join(str(y) for y in rows["year"])
    then = " and ".join(pct(v) for v in rows["baseline"])
    tail = f", against {then} in the baseline" if rows["baseline"].notna().all() else ""
    return f"{names.get(country, country)} holds {now} of world {stage} in {years}{tail}."


def _china_answer(f: Findings) -> str:
    parts = []
    for r in f.stages.itertuples():
        change = pp(r.china, r.china_baseline)
        base = f" (baseline {pct(r.china_baseline)}, {change})" if change else ""
        parts.append(f"{STAGE_WORDS[r.stage]} {pct(r.china)}{base}")
    sep = f.stages.set_index("stage").loc["separation"]
    hhi = f"{sep['hhi']:,.0f}" + (
        f" (baseline {sep['hhi_baseline']:,.0f})" if not is_missing(sep["hhi_baseline"]) else ""
    )
    return (
        f"China's share of world output in {f.years[-1]}: {'; '.join(parts)}. "
        f"The HHI of separation is {hhi} on the 0–10,000 scale."
    )


def _coverage_answer(f: Findings, rows: pd.DataFrame, names: Mapping[str, str]) -> str:
    region, year = rows["region"].iloc[0], rows["year"].iloc[0]
    known = rows[rows["coverage"].notna()]
    unknown = rows[rows["coverage"].isna()]
    said = ", ".join(f"{times(r.coverage)} in {r.element}" for r in known.itertuples())
    text = (
        f"{names.get(region, region)}'s magnet demand in {year} ({tonnes(rows['magnets'].iloc[0])}"
        f" t magnet) is covered by its own projects' oxide {said or 'in no element'}"
    )
    if len(unknown):
        why = "; ".join(dict.fromkeys(unknown["why"]))
        text += f"; {' and '.join(unknown['element'])}: unknown, not zero ({why})"
    return text + "."


def _unmet_answer(r, names: Mapping[str, str], year: int) -> str:
    base = baseline(r.baseline, tonnes, " t")
    region = names.get(r.region, r.region)
    return (
        f"{tonnes(r.scenario)} t of {region}'s {tonnes(r.demand)} t magnet demand go unmet in "
        f"{year}{base}."
    )


def _bloc_answer(rows: pd.DataFrame, joiners: str) -> str:
    years = " and ".join(str(y) for y in rows["year"])
    return (
        f"{rows['bloc'].iloc[0]} holds {' and '.join(pct(v) for v in rows['with'])} of world "
        f"separation in {years} with {joiners} as a member, against "
        f"{' and '.join(pct(v) for v in rows['without'])} with its members as in the data."
    )


def _needs_answer(f: Findings) -> str:
    needed = f.needs[f.needs["needed"] > 0.5]
    if needed.empty:
        return f"No magnet demand goes unmet in {f.years[-1]}."
    amounts = ", ".join(f"{tonnes(r.needed)} t {r.element}" for r in needed.itertuples())
    largest = needed.loc[needed["needed"].idxmax()]
    text = (
        f"World unmet magnets in {f.years[-1]} would need {amounts} oxide [t REO]; the largest "
        f"shortfall by mass is {largest['element']}"
    )
    scarce = needed[needed["multiple"].notna()]
    if len(scarce):
        top = scarce.loc[scarce["multiple"].idxmax()]
        base = baseline(top["multiple_baseline"], times)
        text += (
            f"; the scarcest is {top['element']}, whose shadow price in China is "
            f"{times(top['multiple'])} its observed price{base}"
        )
    return text + "."


def _surplus_answer(f: Findings) -> str:
    top = f.surplus[f.surplus["scenario"] > 0.5].head(2)
    if top.empty:
        return ""
    first = top.iloc[0]
    base = baseline(first["baseline"], tonnes, " t")
    then = "".join(f", then {r.element} {tonnes(r.scenario)} t" for r in top.iloc[1:].itertuples())
    return (
        f"The largest surplus is {first['element']}: {tonnes(first['scenario'])} t REO separated "
        f"in {f.years[-1]} with no buyer{base}{then} (the balance problem)."
    )


def _price_answer(f: Findings) -> str:
    p = f.prices[f.prices["shadow"].notna()]
    if p.empty:
        return ""
    shadow = ", ".join(
        f"{r.element} {usd_per_kg(r.shadow)}{_bound(r.set_by)}"
        f"{baseline(r.shadow_baseline, usd_per_kg)}"
        for r in p.itertuples()
    )
    observed = ", ".join(f"{r.element} {usd_per_kg(r.observed)}" for r in p.itertuples())
    bounds = sorted({BOUND_PRICES[s] for s in p["set_by"] if s in BOUND_PRICES})
    caveat = f" Marked prices are bounds, not estimates ({'; '.join(bounds)})." if bounds else ""
    return (
        f"Shadow prices in China in {f.years[-1]} [USD/kg oxide; model duals: the cost of one "
        f"more kg delivered, not market prices]: {shadow}. Observed market prices of the base "
        f"year [USD/kg]: {observed}.{caveat}"
    )


def _bound(set_by: object) -> str:
    """' (at the surplus floor)' or ' (at the choke)' after a bound price; '' otherwise."""
    return f" (at the {BOUND_PRICES[set_by].split(':')[0]})" if set_by in BOUND_PRICES else ""
