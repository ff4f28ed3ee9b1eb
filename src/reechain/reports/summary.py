"""The numbers of a scenario report's first page, read from the run beside its baseline: the
shares of the countries the scenario builds in, China's share and the HHI per stage, the
coverage of new demand by element, the largest shortfall and surplus, shadow prices beside
observed ones, unmet demand and the capacities at their limit; and the borrowed ore splits
behind them (:func:`borrowed_splits`). The prose is :mod:`reechain.reports.summary_text`'s.

Everything here reads result tables; nothing solves a model."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from reechain import __version__
from reechain.analysis import gaps, outcomes
from reechain.data.dataset import Dataset
from reechain.engine import periods
from reechain.engine.inputs.supply import deposit_composition
from reechain.engine.run import ScenarioResult
from reechain.engine.scenario import BlocMembershipEvent, DemandEvent, ProjectEvent, Scenario
from reechain.reports.tables import MISSING, is_missing, percent, tonnes

#: the material each stage's shares and HHI are counted in (as in outcomes.stage_concentration)
STAGE_MATERIAL = {"mining": "TREO", "separation": "TREO", "metal": "REM", "magnet": "NdFeB"}
MAGNET_ELEMENTS = ("Pr", "Nd", "Dy", "Tb")
#: utilisation from which a capacity counts as at its limit [fraction]
AT_LIMIT = 0.999


@dataclass(frozen=True)
class Stamp:
    """What a report was made from: the dataset (name, version, packages), the day, the
    reechain version and the scenario's hash (:func:`scenario_hash`)."""

    data: str
    day: str
    version: str
    scenario_hash: str


def scenario_hash(sc: Scenario) -> str:
    """sha256 [hex] of the scenario's canonical JSON (every field, defaults too, keys sorted):
    the same scenario has the same hash however its file is laid out or commented, and any
    change of a value changes it."""
    data = sc.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(sc: Scenario, ds: Dataset, day: date | None = None) -> Stamp:
    """The report's stamp (``day``: today unless given)."""
    data = f"{ds.schema.name} v{ds.schema.version} (packages: {', '.join(ds.packages)})"
    return Stamp(data, str(day or date.today()), __version__, scenario_hash(sc))


@dataclass(frozen=True)
class Findings:
    """The summary's numbers; baseline columns are NaN when no baseline was run.

    - ``years``: the years quoted (each project's first full year, and the horizon)
    - ``shares``: country, stage, year, scenario, baseline [fraction of world output]
    - ``stages``: stage, china, china_baseline [fraction], hhi, hhi_baseline [0-10,000], in
      the horizon
    - ``coverage``: region, year, magnets [t magnet], element, need, output [t oxide],
      coverage [multiple; NaN: unknown], why (the reason when unknown)
    - ``needs``: element, needed [t REO], surplus [t REO], multiple, multiple_baseline (China's
      shadow price over the observed price), in the horizon
    - ``surplus``: element, scenario, baseline [t REO], in the horizon
    - ``prices``: element, observed, shadow, shadow_baseline [USD/t oxide], China, horizon;
      observed is the base-year market price the run is calibrated on
    - ``unmet``: region, demand, scenario, baseline [t magnet], in the horizon
    - ``limits``: stage, region, capacity, unit: capacities fully used in the horizon
    - ``blocs``: bloc, year, with, without [fraction of world separation]
    """

    years: tuple[int, ...]
    shares: pd.DataFrame
    stages: pd.DataFrame
    coverage: pd.DataFrame
    needs: pd.DataFrame
    surplus: pd.DataFrame
    prices: pd.DataFrame
    unmet: pd.DataFrame
    limits: pd.DataFrame
    blocs: pd.DataFrame


def findings(res: ScenarioResult, base: ScenarioResult | None, ds: Dataset) -> Findings:
    """The summary's numbers for a run and its baseline (``None``: no baseline)."""
    years = key_years(res.scenario)
    last = res.scenario.horizon
    return Findings(
        years=years,
        shares=project_shares(res, base, years),
        stages=china_by_stage(res, base, last),
        coverage=demand_coverage(res, ds, last),
        needs=element_needs(res, base, last),
        surplus=surplus(res, base, last),
        prices=shadow_prices(res, base, last),
        unmet=unmet_magnets(res, base, last),
        limits=at_limit(res, last),
        blocs=bloc_shares(res, ds, years),
    )


def key_years(sc: Scenario) -> tuple[int, ...]:
    """The years the summary quotes [year]: each project's first year at full capacity (start
    plus ramp-up) within the horizon, and the horizon."""
    full = {
        ev.start + ev.ramp_up_years
        for ev in sc.events
        if isinstance(ev, ProjectEvent) and ev.start + ev.ramp_up_years < sc.horizon
    }
    return tuple(sorted(full | {sc.horizon}))


def share(res: ScenarioResult | None, stage: str, country: str, year: int) -> float:
    """A country's share of world output of ``stage`` in ``year`` [fraction]; 0 where the run
    has no output of it (a model's flows are complete); NaN without a run."""
    if res is None:
        return float("nan")
    s = outcomes.country_shares(res, stage, STAGE_MATERIAL[stage])
    row = s[(s["group"] == country) & (s["year"] == year)]
    return float(row["share"].sum())


def project_shares(
    res: ScenarioResult, base: ScenarioResult | None, years: tuple[int, ...]
) -> pd.DataFrame:
    """The shares of the countries the scenario's projects stand in, at their stage."""
    events = res.scenario.events
    places = sorted({(ev.country, ev.stage) for ev in events if isinstance(ev, ProjectEvent)})
    rows = [
        (c, st, y, share(res, st, c, y), share(base, st, c, y)) for c, st in places for y in years
    ]
    return pd.DataFrame(rows, columns=["country", "stage", "year", "scenario", "baseline"])


def china_by_stage(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """China's share and the HHI of each stage in ``year``, scenario and baseline."""
    hhi = _hhi(res, year)
    hhi_base = _hhi(base, year) if base is not None else {}
    rows = [
        (
            st,
            share(res, st, "CHN", year),
            share(base, st, "CHN", year),
            hhi.get(st, float("nan")),
            hhi_base.get(st, float("nan")),
        )
        for st in STAGE_MATERIAL
    ]
    return pd.DataFrame(rows, columns=["stage", "china", "china_baseline", "hhi", "hhi_baseline"])


def _hhi(res: ScenarioResult, year: int) -> dict[str, float]:
    conc = outcomes.stage_concentration(res)
    return conc[conc["year"] == year].set_index("stage")["hhi"].astype(float).to_dict()


def demand_coverage(res: ScenarioResult, ds: Dataset, year: int) -> pd.DataFrame:
    """The magnet elements of each demand event's region against the region's project output
    in ``year`` (see :func:`reechain.analysis.outcomes.demand_coverage`). An element the
    projects' ore splits don't itemise has coverage NaN with the reason: its output is not
    known, not zero."""
    columns = ["region", "year", "magnets", "element", "need", "output", "coverage", "why"]
    projects = outcomes.project_outputs(res, ds)
    cov = outcomes.demand_coverage(res, projects) if len(projects) else pd.DataFrame()
    if cov.empty or not (cov["year"] == year).any():
        return pd.DataFrame(columns=columns)
    splits = borrowed_splits(res.scenario, ds)
    rows = []
    for r in cov[cov["year"] == year].itertuples():
        local = splits[splits["country"] == r.region] if len(splits) else splits
        for e in MAGNET_ELEMENTS:
            why = _not_itemised(local, e)
            value = float("nan") if why else getattr(r, f"{e}_coverage")
            need, out = getattr(r, f"{e}_need_oxide_t"), getattr(r, f"{e}_project_t")
            rows.append((r.region, year, r.magnets_t, e, need, out, value, why))
    return pd.DataFrame(rows, columns=columns)


def _not_itemised(splits: pd.DataFrame, element: str) -> str:
    """Why a region's project output of ``element`` is unknown ('' when it is known)."""
    missing = [r for r in splits.itertuples() if element not in r.itemised]
    return "; ".join(f"not itemised in {r.project}'s ore split {r.composition}" for r in missing)


def element_needs(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """What the unmet magnets of ``year`` need per element (:func:`gaps.element_needs`), with
    the baseline's price multiple beside the scenario's."""
    needs = gaps.element_needs(res, year)
    other = gaps.element_needs(base, year) if base is not None else needs.iloc[0:0]
    multiple = other.set_index("element")["price_multiple"]
    return pd.DataFrame(
        {
            "element": needs["element"],
            "needed": needs["needed"],
            "surplus": needs["surplus"],
            "multiple": needs["price_multiple"],
            "multiple_baseline": needs["element"].map(multiple).astype(float),
        }
    )


def surplus(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """World surplus oxide per element in ``year`` [t REO], largest first."""
    now = _surplus(res, year)
    then = _surplus(base, year) if base is not None else pd.Series(dtype=float)
    out = pd.DataFrame({"scenario": now, "baseline": then}).fillna(
        {"scenario": 0.0, "baseline": 0.0 if base is not None else float("nan")}
    )
    out = out.rename_axis("element").reset_index()
    return out.sort_values("scenario", ascending=False, ignore_index=True)


def _surplus(res: ScenarioResult, year: int) -> pd.Series:
    s = outcomes.surplus_by_element(res)
    return s[s["year"] == year].groupby("element")["surplus"].sum()


def observed_prices(res: ScenarioResult) -> pd.DataFrame:
    """The observed base-year oxide prices the run is calibrated on (provenance rows 'base price
    X'): element, price [USD/t oxide], market (how it was read), source_id."""
    prov = res.provenance
    rows = prov[prov["parameter"].str.startswith("base price ")]
    return pd.DataFrame(
        {
            "element": rows["parameter"].str.removeprefix("base price "),
            "price": rows["value"].astype(float),
            "market": rows["how"].astype(str),
            "source_id": rows["source_id"].astype(str),
        }
    ).reset_index(drop=True)


def china_shadow(res: ScenarioResult | None, year: int) -> pd.Series:
    """China's oxide shadow prices in ``year`` [USD/t oxide] by element (a year in months: the
    months' mean); empty without a run."""
    if res is None:
        return pd.Series(dtype=float)
    p = res.prices
    p = p[(p["region"] == "CHN") & (p["kind"] == "oxide")]
    return p[p["year"].map(periods.year_of) == year].groupby("item")["price"].mean()


def shadow_prices(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """The magnet elements' shadow prices in China in ``year`` beside the observed price."""
    observed = observed_prices(res).set_index("element")["price"]
    now, then = china_shadow(res, year), china_shadow(base, year)
    rows = [
        (e, observed.get(e, float("nan")), now.get(e, float("nan")), then.get(e, float("nan")))
        for e in MAGNET_ELEMENTS
    ]
    return pd.DataFrame(rows, columns=["element", "observed", "shadow", "shadow_baseline"])


def unmet_magnets(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """Magnet demand and unmet magnets of each demand event's region in ``year`` [t magnet]."""
    regions = sorted({ev.region for ev in res.scenario.events if isinstance(ev, DemandEvent)})
    net = res.inputs.network
    demand = net.demand.assign(quantity=net.demand_column("reference"))
    demand = demand[(demand["kind"] == "magnet") & (demand["year"] == year)]
    rows = [
        (
            r,
            float(demand.loc[demand["region"] == r, "quantity"].sum()),
            _unmet(res, r, year),
            _unmet(base, r, year) if base is not None else float("nan"),
        )
        for r in regions
    ]
    return pd.DataFrame(rows, columns=["region", "demand", "scenario", "baseline"])


def _unmet(res: ScenarioResult, region: str, year: int) -> float:
    u = res.unmet
    return float(
        u[(u["region"] == region) & (u["kind"] == "magnet") & (u["year"] == year)]["unmet"].sum()
    )


def at_limit(res: ScenarioResult, year: int) -> pd.DataFrame:
    """Capacities fully used in ``year`` (utilisation from :data:`AT_LIMIT`), largest first."""
    cu = res.capacity_use
    full = cu[(cu["year"] == year) & (cu["capacity"] > 0.5) & (cu["utilisation"] >= AT_LIMIT)]
    out = full[["stage", "region", "capacity", "unit"]].sort_values("capacity", ascending=False)
    return out.reset_index(drop=True)


def bloc_shares(res: ScenarioResult, ds: Dataset, years: tuple[int, ...]) -> pd.DataFrame:
    """The share of world separation of each bloc a country joins in the scenario, with and
    without the joiners [fraction]."""
    blocs = sorted({ev.bloc for ev in res.scenario.events if isinstance(ev, BlocMembershipEvent)})
    rows = []
    for bloc in blocs:
        b = outcomes.bloc_shares(res, ds, "separation", bloc)
        for y in years:
            part = b[b["year"] == y].set_index("group")["share"]
            rows.append(
                (
                    bloc,
                    y,
                    float(part.get(f"{bloc} with scenario joiners", float("nan"))),
                    float(part.get(f"{bloc} (data)", float("nan"))),
                )
            )
    return pd.DataFrame(rows, columns=["bloc", "year", "with", "without"])


def borrowed_splits(sc: Scenario, ds: Dataset) -> pd.DataFrame:
    """The ore split (composition) of each of the scenario's projects with a feed deposit:
    project, country, deposit, composition, source_deposit (the deposit it describes; '' for an
    ore type), borrowed (it describes another deposit or only an ore type), proxy (borrowed,
    or a split the dataset assembles from other deposits' for want of a published one: a
    'proxy' in its id or note) and itemised (the elements it reports on their own)."""
    comps = ds.table("compositions")
    rows = []
    for ev in sc.events:
        if not isinstance(ev, ProjectEvent) or ev.feed is None:
            continue
        cid, _ = deposit_composition(ds, ev.feed.deposit, ev.feed.composition)
        rows_of = comps[comps["composition_id"] == cid]
        source = rows_of["deposit_id"].dropna()
        source_deposit = str(source.iloc[0]) if len(source) else ""
        borrowed = source_deposit != ev.feed.deposit
        marked = "proxy" in cid or rows_of["note"].fillna("").str.contains("PROXY").any()
        itemised = frozenset(e for e in rows_of["element"] if "+" not in e)
        rows.append(
            (ev.name, ev.country, ev.feed.deposit, cid, source_deposit, borrowed,
             borrowed or bool(marked), itemised)
        )  # fmt: skip
    columns = ["project", "country", "deposit", "composition", "source_deposit", "borrowed",
               "proxy", "itemised"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


# -- the first page's prose --------------------------------------------------------------------

STAGE_WORDS = {"mining": "mining", "separation": "separation", "metal": "metal",
               "magnet": "magnets"}  # fmt: skip


def pct(value: float) -> str:
    """A fraction as a percentage ('1.6 %'; '–' when missing)."""
    return MISSING if is_missing(value) else f"{percent(100 * value)} %"


def pp(value: float, baseline: float) -> str:
    """The change of a fraction in percentage points ('−1.0 pp'; '' without a baseline)."""
    if is_missing(value) or is_missing(baseline):
        return ""
    return f"{100 * (value - baseline):+.1f} pp".replace("-", "−")


def usd_per_kg(value: float) -> str:
    """A price in USD/t as USD/kg ('68.6', '15,043'; '–' when missing)."""
    if is_missing(value):
        return MISSING
    v = value / 1000
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def baseline(value: float, fmt: Callable[[float], str], unit: str = "") -> str:
    """' (baseline 1,234 t)': a baseline value in brackets, '' without a baseline."""
    return "" if is_missing(value) else f" (baseline {fmt(value)}{unit})"


def times(value: float) -> str:
    """A multiple ('17.5×'; '–' when missing)."""
    return MISSING if is_missing(value) else f"{value:,.1f}×"


def questions(sc: Scenario, names: Mapping[str, str]) -> list[str]:
    """The questions the scenario's events ask, one per event (plain text)."""
    return [_question(ev, names) for ev in sc.events]


def _question(ev: object, names: Mapping[str, str]) -> str:
    n = names.get
    if isinstance(ev, ProjectEvent):
        return (
            f"What does {ev.name} ({ev.capacity.value:,.0f} {ev.capacity.unit} of "
            f"{ev.stage} in {n(ev.country, ev.country)} from {ev.start}) change in who holds "
            "each stage of the chain?"
        )
    if isinstance(ev, DemandEvent):
        return (
            f"Can the demand of {ev.name} ({_end_use(ev.end_use)} in {n(ev.region, ev.region)}"
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
    fields["end_use"] = _end_use(str(fields.get("end_use", "")))
    return what.format(**fields)


def _end_use(end_use: str) -> str:
    return {"all": "all end uses"}.get(end_use, end_use.replace("_", " "))


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
        f"{r.element} {usd_per_kg(r.shadow)}{baseline(r.shadow_baseline, usd_per_kg)}"
        for r in p.itertuples()
    )
    observed = ", ".join(f"{r.element} {usd_per_kg(r.observed)}" for r in p.itertuples())
    return (
        f"Shadow prices in China in {f.years[-1]} [USD/kg oxide; model duals: the cost of one "
        f"more kg delivered, not market prices]: {shadow}. Observed market prices of the base "
        f"year [USD/kg]: {observed}."
    )


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
            f"{ev.name}: {ev.activity.value:,.0f} {ev.activity.unit} of {_end_use(ev.end_use)} "
            f"in {n(ev.region, ev.region)}{f' from {ev.start}' if ev.start else ''}."
        )
    if isinstance(ev, BlocMembershipEvent):
        return f"{n(ev.country, ev.country)} joins {ev.bloc} as a {ev.role} from {ev.from_}."
    return f"{ev.type.replace('_', ' ').capitalize()}: {_question(ev, names)}"


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


def caveats(res: ScenarioResult, ds: Dataset) -> list[str]:
    """The caveats the run's provenance carries (plain text): borrowed ore splits of the
    scenario's projects and of the mining countries, the labelled assumptions, and what the
    model is."""
    deposits = ds.table("deposits").set_index("deposit_id")["name"]
    out = [
        _split_caveat(r, deposits)
        for r in borrowed_splits(res.scenario, ds).itertuples()
        if r.proxy
    ]
    prov = res.provenance
    pools = prov[prov["how"].astype(str).str.contains("a borrowed split", regex=False)]
    if len(pools):
        countries = sorted({p.split(":")[0].removeprefix("pool ") for p in pools["parameter"]})
        out.append(
            f"The ore splits of {len(countries)} mining countries' output ({', '.join(countries)})"
            " are borrowed from other deposits: their element output is an assumption."
        )
    labelled = prov["how"].astype(str).str.startswith(("labelled assumption", "scenario override"))
    out.append(
        f"{int(labelled.sum())} inputs are labelled assumptions (judgement, or derived from "
        "cases); each is listed with its reasoning and sources under Methods and assumptions."
    )
    out.append(
        "A planning tool, not a forecast: the model finds the least-cost way to meet demand "
        "with the capacities, trade and policies given; its numbers answer 'what if'."
    )
    return out


def _split_caveat(r, deposits: pd.Series) -> str:
    """The caveat of one project's proxy ore split."""
    deposit = _short(deposits.get(r.deposit, r.deposit))
    heavy = [e for e in ("Dy", "Tb") if e not in r.itemised]
    if r.borrowed:
        source = _short(deposits.get(r.source_deposit, r.source_deposit)) or "its ore type"
        head = f"{deposit}'s element split is borrowed from {source} ({r.composition})"
    else:
        head = (
            f"{deposit}'s element split ({r.composition}) is a proxy assembled from other "
            "deposits' splits (no split of it is published)"
        )
    if heavy:
        return (
            f"{head}; its {'/'.join(heavy)} coverage is therefore unknown, not zero "
            f"(the split does not itemise {' or '.join(heavy)})."
        )
    return f"{head}; its Dy and Tb output rests on that assumption."


def _short(name: str) -> str:
    """A deposit's name without its alternatives and place ('Beylikova / Kızılcaören
    (Eskişehir)' is 'Beylikova')."""
    return re.split(r" [/(]", str(name))[0]


def summary_html(
    res: ScenarioResult,
    base: ScenarioResult | None,
    ds: Dataset,
    names: Mapping[str, str],
    f: Findings,
    day: date | None = None,
) -> str:
    """The report's first page from the run's findings ``f``: the questions, the answers in
    numbers, what drives them, the caveats and the stamp (HTML, escaped)."""
    sc = res.scenario
    lists = (
        ("The questions", questions(sc, names)),
        ("The answers", answers(f, sc, names)),
        ("What drives them", drivers(f, sc, names)),
        ("Caveats", caveats(res, ds)),
    )
    body = "".join(
        f"<h3>{title}</h3><ul>{''.join(f'<li>{html.escape(x)}</li>' for x in items)}</ul>"
        for title, items in lists
        if items
    )
    if base is None:
        body += "<p>No baseline was run: the answers stand without their comparison.</p>"
    return (
        "<section id='summary' class='summary'><h2>Executive summary</h2>"
        f"{body}{stamp_html(stamp(sc, ds, day))}</section>"
    )


def stamp_html(st: Stamp) -> str:
    """The stamp as one paragraph: data version, date, reechain version, scenario hash."""
    return (
        f"<p class='stamp'>Data: {html.escape(st.data)}. Generated {st.day} by reechain "
        f"{html.escape(st.version)}. Scenario sha256: <code>{st.scenario_hash}</code>.</p>"
    )
