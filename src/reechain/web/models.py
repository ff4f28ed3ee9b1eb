"""The JSON API's answers as pydantic models: what /openapi.json describes (fields, types and
units in brackets), and what each answer is checked against before it leaves. A missing value
is null (with its reason where the row has one), never zero. Row models forbid fields they
don't declare, so a column added to a table shows up in the tests, not silently in answers."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# No ``from __future__ import annotations``: FastAPI and pydantic read these annotations.


class Row(BaseModel):
    """A row of a table: only the declared columns; a column whose name is not an identifier
    (``t magnet``) is its alias."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Cell = str | float | int | bool | None


# ---- errors


class ProblemItem(BaseModel):
    """One problem and where it is."""

    where: str | None = Field(
        description="The parameter, field or scenario line at fault; null for the request "
        "as a whole."
    )
    message: str = Field(description="What is wrong and how to fix it.")


class Problem(BaseModel):
    """Every 4xx answer (in the spirit of RFC 9457 problem details): the status, its name,
    every problem as one text and as a list with places."""

    status: int = Field(description="The HTTP status code.")
    title: str = Field(description="The status's name, e.g. 'Unprocessable Content'.")
    detail: str = Field(description="Every problem as text, one a line ('where: message').")
    problems: list[ProblemItem] = Field(description="Each problem with its place.")


# ---- data


class TableInfo(Row):
    """One table of the dataset."""

    table: str = Field(description="The table's name (its CSV file without .csv).")
    rows: int = Field(description="Number of rows [rows].")
    description: str | None = Field(description="What the table holds.")


class TablePage(BaseModel):
    """A page of a dataset table's rows (columns as in /api/tables and the data dictionary)."""

    table: str = Field(description="The table's name.")
    total: int = Field(description="Rows in the table [rows].")
    limit: int = Field(description="At most this many rows on the page [rows].")
    offset: int = Field(description="Rows skipped before this page [rows].")
    next: str | None = Field(description="The next page's path and query; null on the last.")
    rows: list[dict[str, Cell]] = Field(description="The rows; missing values null.")


class Source(Row):
    """A publication, data release or page a number comes from."""

    source_id: str = Field(description="The id other tables cite (their source_id).")
    title: str | None = Field(description="Title.")
    publisher: str | None = Field(description="Publisher or author.")
    year: int | None = Field(description="Year of publication.")
    address: str | None = Field(description="URL or other address.")
    via: str | None = Field(description="Where it was read when not at its origin.")
    licence: str | None = Field(description="Licence or terms of use.")
    note: str | None = Field(description="Note.")


# ---- analytics


class Share(Row):
    """A country's share of world output in a stage and year (observed data)."""

    year: int = Field(description="Data year.")
    stage: str = Field(description="Supply chain stage.")
    material: str = Field(description="The material the shares are of (TREO, an element...).")
    group: str = Field(description="Country (ISO3) or OTH (the rest of the world).")
    share: float | None = Field(description="Share of world output [fraction 0-1].")
    value: float | None = Field(description="Output [unit].")
    unit: str | None = Field(description="Unit of value (t REO, t metal, t magnet).")
    coverage: float | None = Field(description="Share of world output named by country [0-1].")
    world: float | None = Field(description="World output [unit].")
    world_basis: str | None = Field(description="Where the world total comes from.")
    source: str | None = Field(description="Source ids, ';'-separated.")


class Concentration(Row):
    """Concentration of a stage's output in one year (observed data)."""

    year: int = Field(description="Data year.")
    stage: str = Field(description="Supply chain stage.")
    material: str = Field(description="The material the shares are of.")
    hhi: float | None = Field(
        description="Herfindahl-Hirschman index of named countries [0-10000]."
    )
    hhi_upper: float | None = Field(
        description="HHI if the unnamed rest were one country [0-10000]."
    )
    hhi_unit: float | None = Field(description="HHI on the unit scale [0-1].")
    cr1: float | None = Field(description="Share of the largest supplier [fraction].")
    cr3: float | None = Field(description="Share of the three largest suppliers [fraction].")
    top_supplier: str | None = Field(description="The largest supplier (ISO3).")
    n1_coverage: float | None = Field(
        description="Share of world output left without the largest supplier [fraction]."
    )
    coverage: float | None = Field(description="Share of world output named by country [0-1].")
    n_suppliers: int | None = Field(description="Number of named suppliers.")


class EuCriticality(Row):
    """The EU method's supply risk inputs for one material, stage and scope."""

    material: str = Field(description="Element or group.")
    stage: str = Field(description="extraction or processing.")
    scope: str = Field(description="global or EU sourcing.")
    hhi: float | None = Field(description="HHI of sourcing shares [0-1].")
    hhi_wgi_t: float | None = Field(description="HHI weighted by governance and trade [0-10].")
    hhi_wgi_t_upper: float | None = Field(description="Upper bound of hhi_wgi_t [0-10].")
    share_sum: float | None = Field(description="Sum of the sourcing shares [fraction].")
    missing: str | None = Field(description="Inputs missing for the HHI (empty: none).")
    sr: float | None = Field(description="Supply risk when every input exists [0-10].")
    sr_low: float | None = Field(description="Supply risk, lower end of its range [0-10].")
    sr_high: float | None = Field(description="Supply risk, upper end of its range [0-10].")
    sr_basis: str | None = Field(description="Which scopes the SR is built from.")
    inputs_of: str | None = Field(description="Where inputs were taken from another material.")
    sr_missing: str | None = Field(description="SR inputs missing (why sr is null).")
    sr_fallback: str | None = Field(description="Bounds used for the missing SR inputs.")


class CriticalitySummary(Row):
    """The criticality methods side by side for one element or group; a missing input makes a
    range (_low, _high) or a null, never a zero."""

    material: str = Field(description="Element or group.")
    group: str | None = Field(description="LREE or HREE.")
    eu_sr_low: float | None = Field(description="EU supply risk, lower end [0-10].")
    eu_sr_high: float | None = Field(description="EU supply risk, upper end [0-10].")
    eu_bottleneck: str | None = Field(description="Stage that sets the EU SR.")
    eu_sr_missing: str | None = Field(description="EU SR inputs missing.")
    eu_ei_low: float | None = Field(description="EU economic importance, lower end [0-10].")
    eu_ei_high: float | None = Field(description="EU economic importance, upper end [0-10].")
    eu_published_sr: float | None = Field(description="SR the EU assessment published [0-10].")
    eu_published_ei: float | None = Field(description="EI the EU assessment published [0-10].")
    eu_published_of: str | None = Field(description="The material the published scores are of.")
    eu_critical: bool | None = Field(description="Whether the EU lists it as critical.")
    usgs_dp_low: float | None = Field(description="USGS-style disruption potential, low [0-1].")
    usgs_dp_high: float | None = Field(description="USGS-style disruption potential, high [0-1].")
    usgs_te_low: float | None = Field(description="USGS-style trade exposure, low [0-1].")
    usgs_te_high: float | None = Field(description="USGS-style trade exposure, high [0-1].")
    usgs_stage: str | None = Field(description="Stage of the USGS-style factors.")


class UsgsRisk(Row):
    """USGS-style supply risk factors of an importer for one stage."""

    importer: str = Field(description="Importing country (ISO3) or EU27.")
    material: str = Field(description="Element or group.")
    year: int = Field(description="Data year.")
    stage: str = Field(description="Supply chain stage.")
    shares_year: int | None = Field(description="Year of the production shares used.")
    dp_low: float | None = Field(description="Disruption potential, low [0-1].")
    dp_high: float | None = Field(description="Disruption potential, high [0-1].")
    te_low: float | None = Field(description="Trade exposure, low [0-1].")
    te_high: float | None = Field(description="Trade exposure, high [0-1].")
    te_source: str | None = Field(description="Source of the trade exposure.")
    ev: float | None = Field(description="Economic vulnerability (null: not in the data).")
    sr: float | None = Field(description="Supply risk (null: EV missing).")
    notes: str | None = Field(description="Assumptions.")
    missing: str | None = Field(description="What is missing (why sr is null).")


class GeoPolRisk(Row):
    """GeoPolRisk of an importer for a traded product. One unit per column; values rounded to
    what the data carries: tonnes to 0.1 t (the trade tables' precision), HHIs, shares and
    scores to 4 decimals (the sourcing shares are given to 0.01 %)."""

    importer: str = Field(description="Importing country (ISO3) or EU27.")
    product: str = Field(description="Traded product.")
    year: int = Field(description="Data year.")
    stage: str | None = Field(description="Stage whose output the product is (null: none).")
    hhi_year: int | None = Field(description="Year of the production HHI.")
    hhi: float | None = Field(description="HHI of world production [0-1, 4 decimals].")
    hhi_upper: float | None = Field(
        description="HHI if the unnamed rest were one country [0-1, 4 decimals]."
    )
    imports_t: float | None = Field(
        description="Imports [t, 0.1 t]; null when only the partners' shares of the imports "
        "are known (imports_shares_only) or there are no import data."
    )
    imports_shares_only: bool | None = Field(
        description="True when the data give the partners' shares of the imports but not "
        "their tonnage (the score uses the shares; imports_t is null); null: no import data."
    )
    domestic: float | None = Field(description="Domestic production [t, 0.1 t] (null: unknown).")
    import_basis: str | None = Field(description="Where the imports come from.")
    unknown_g_share: float | None = Field(
        description="Share of imports from partners without a governance score "
        "[fraction 0-1, 4 decimals]."
    )
    score_low: float | None = Field(description="GeoPolRisk, lower end [0-1, 4 decimals].")
    score_high: float | None = Field(description="GeoPolRisk, upper end [0-1, 4 decimals].")
    score: float | None = Field(description="GeoPolRisk when every input exists [0-1, 4 decimals].")
    notes: str | None = Field(description="Assumptions.")
    missing: str | None = Field(description="What is missing (why score is a range).")


# ---- balance


class CompositionUsed(BaseModel):
    """The element split a balance uses, and why."""

    composition_id: str = Field(description="The composition (compositions table).")
    ore_type: str | None = Field(description="Its ore type.")
    borrowed: bool = Field(description="True when the split is not the deposit's own.")
    reason: str = Field(description="Why this composition.")


class Amount(BaseModel):
    """An oxide amount that may be partly unknown: exact (value), or bounded (low, high)."""

    value: float | None = Field(
        description="The amount [t REO] when the split itemises it exactly; null otherwise."
    )
    low: float = Field(description="At least this much [t REO] (the itemised rows).")
    high: float = Field(
        description="At most this much [t REO] (with lumped groups and unitemised TREO)."
    )
    reason: str | None = Field(description="Why value is null (what is not itemised).")


class ElementOutput(Row):
    """One element (or lumped group) of a deposit's output."""

    element: str = Field(description="Element symbol, or a lumped group such as 'Y+Sm+...'.")
    share_pct: float = Field(description="Share of TREO [% TREO].")
    oxide_t: float = Field(description="Oxide [t REO].")
    metal_t: float | None = Field(description="As metal [t metal] (null: no conversion).")
    group_eu: str = Field(description="EU group (LREE, HREE; '+'-joined for lumped groups).")
    magnet_ree: bool = Field(description="Whether it is a magnet rare earth (Nd, Pr, Tb, Dy).")
    market_share: float | None = Field(description="Share of world demand [fraction].")
    balance_ratio: float | None = Field(
        description="(share / market share) / (NdPr share / market NdPr share) [ratio]."
    )
    surplus: bool | None = Field(
        description="Over-supplied if run for the market's NdPr (balance_ratio > 1)."
    )
    missing: str | None = Field(
        description="Why market_share, balance_ratio or surplus is null; null when none is."
    )


class Balance(BaseModel):
    """The element balance of a tonnage of a deposit's rare earth oxide."""

    deposit_id: str = Field(description="The deposit.")
    deposit_name: str = Field(description="Its name.")
    treo_t: float = Field(description="The tonnage asked for [t REO].")
    composition: CompositionUsed = Field(description="The element split used, and why.")
    ndpr_oxide: Amount = Field(description="Nd + Pr oxide [t REO].")
    magnet_ree_oxide: Amount = Field(description="Nd + Pr + Tb + Dy oxide [t REO].")
    unassigned_t: float = Field(description="TREO the composition does not itemise [t REO].")
    elements: list[ElementOutput] = Field(description="Output by element, by atomic number.")
    surplus_elements: list[str] = Field(description="Elements in surplus (empty: none known).")
    notes: list[str] = Field(description="Assumptions and what is not assessed.")
    sources: list[str] = Field(description="Source ids of the composition and market split.")


# ---- demand


class EndUseDemand(Row):
    """Magnet demand of one end use."""

    end_use: str = Field(description="End use.")
    t_magnet: float | None = Field(alias="t magnet", description="Magnets [t magnet].")
    share: float | None = Field(description="Share of world magnet demand [fraction].")


class RegionDemand(Row):
    """Magnet demand of one region."""

    region: str = Field(description="Region (ISO3 or a named region).")
    t_magnet: float | None = Field(alias="t magnet", description="Magnets [t magnet].")
    share: float | None = Field(description="Share of world magnet demand [fraction].")


class ElementDemand(Row):
    """Magnet rare earth demand of one element."""

    element: str = Field(description="Element symbol.")
    t_metal: float | None = Field(alias="t metal", description="In magnets [t metal].")


class StockRow(Row):
    """Magnets of one end use."""

    end_use: str = Field(alias="end use", description="End use.")
    in_use_t: float | None = Field(alias="in use [t]", description="In use [t magnet].")
    into_use: float | None = Field(alias="into use [t/yr]", description="Into use [t/yr].")
    end_of_life: float | None = Field(
        alias="end of life [t/yr]", description="Reaching end of life [t/yr]."
    )


class StockFlow(Row):
    """One flow of the magnets' material system in the year."""

    flow: str = Field(description="The flow.")
    t_per_yr: float | None = Field(alias="t/yr", description="Magnet mass [t/yr].")


class RecyclingRate(Row):
    """End-of-life recycling input rate of one element."""

    element: str = Field(description="Element symbol.")
    rate: float | None = Field(description="EoL recycling input rate [fraction].")


class Unstocked(Row):
    """An end use without a lifetime: its stock is unknown, not zero."""

    end_use: str = Field(description="End use.")
    into_use_t: float | None = Field(description="Magnets into use [t/yr].")


class Stocks(BaseModel):
    """Magnets in use in a year."""

    stocks: list[StockRow] = Field(description="Magnets in use by end use.")
    flows: list[StockFlow] = Field(description="The year's flows of magnet material.")
    eol_recycling_input_rate: list[RecyclingRate] = Field(
        description="End-of-life recycling input rate by element."
    )
    without_lifetime: list[Unstocked] = Field(
        description="End uses without a lifetime (stock unknown, not zero)."
    )


class CrmaBenchmark(Row):
    """One CRMA benchmark of an importer from the modelled flows."""

    importer: str = Field(description="Importer (ISO3 or bloc).")
    year: int = Field(description="Year.")
    benchmark: str = Field(description="The benchmark (a target share or a ceiling).")
    value: float | None = Field(description="The importer's value [fraction]; null: no flow.")
    target: float = Field(description="The benchmark's target or ceiling [fraction].")
    met: bool | None = Field(description="Whether it is met; null when value is.")
    largest: str | None = Field(description="The largest third country (ceilings).")
    note: str | None = Field(description="How the value is made, with tonnes [t REO].")


# ---- scenarios and runs


class Validated(BaseModel):
    """A scenario that passed every check."""

    ok: Literal[True] = Field(description="Always true (problems are a 422).")
    name: str = Field(description="The scenario's name.")
    years: list[int] = Field(description="Base year and horizon.", min_length=2, max_length=2)
    events: int = Field(description="Number of events.")


JobState = Literal["queued", "running", "cancelling", "done", "failed", "cancelled"]
STATES = (
    "queued, running, cancelling (asked to stop; its current step not yet ended), done, "
    "failed or cancelled"
)


class JobTimes(BaseModel):
    """When a job was created, started and finished (ISO 8601, UTC)."""

    created: datetime | None = Field(description="When it was submitted (ISO 8601, UTC).")
    started: datetime | None = Field(
        description="When it started (ISO 8601, UTC); null while queued."
    )
    finished: datetime | None = Field(
        description="When it ended, done, failed or cancelled (ISO 8601, UTC); null until then."
    )


class JobSubmitted(BaseModel):
    """A scenario job accepted."""

    id: str = Field(description="The job's id.")
    state: JobState = Field(description=f"The job's state: {STATES}.")
    status: JobState = Field(description="The same as state (the older name).")


class Job(JobTimes):
    """A scenario job's status: its state and times, and where its results are once done."""

    id: str = Field(description="The job's id.")
    state: JobState = Field(description=f"The job's state: {STATES}.")
    status: JobState = Field(description="The same as state (the older name).")
    error: str | None = Field(description="Why it failed; null unless failed.")
    scenario: str = Field(description="The scenario's name.")
    result: str | None = Field(description="The result's path; null until done.")
    view: str | None = Field(description="The page view's path; null until done.")


class RunTable(BaseModel):
    """One table of a run's results."""

    name: str = Field(description="Table name (production, trade, ..., prices).")
    description: str = Field(description="What the table holds, with its unit.")
    rows: dict[str, int] = Field(description="Rows of the scenario and of its baseline [rows].")
    path: str = Field(description="Its rows' path (add ?run=baseline for the baseline's).")


class RunResult(BaseModel):
    """A finished run's results as data: the tables of the scenario and its no-event
    baseline (rows at each table's path)."""

    id: str = Field(description="The job's id.")
    scenario: str = Field(description="The scenario's name.")
    years: list[int] = Field(description="Base year and horizon.", min_length=2, max_length=2)
    tables: list[RunTable] = Field(description="The run's tables.")


class RunRow(Row):
    """A row of a run's table; each table has its own columns (the run folder's Parquet)."""

    year: int = Field(description="Calendar year.")
    period: str = Field(description="The period as text (2025, or 2025-04 for a month).")
    stage: str = Field(description="mining, secondary, separation, metal or magnet.")
    region: str | None = Field(None, description="Model region (not in trade rows).")
    pool: str | None = Field(None, description="The pool of a mining or secondary row.")
    origin: str | None = Field(None, description="Shipping region (trade).")
    destination: str | None = Field(None, description="Receiving region (trade).")
    material: str = Field(description="TREO, an element symbol or NdFeB:<grade>.")
    form: str = Field(description="concentrate, oxide, metal or magnet.")
    value: float | None = Field(description="Quantity [unit] or price [unit].")
    unit: str = Field(description="t REO, t metal, t magnet; prices USD/t ...")
    kind: str | None = Field(None, description="Prices: shadow (a model dual) or market.")
    set_by: str | None = Field(
        None,
        description="Prices: what sets a shadow price: demand (the region's demand curve), "
        "supply (every step served: the cost of one more tonne), surplus (oxide nobody buys: "
        "the stocking price, a bound), choke (unmet demand at the choke price, a bound) or "
        "chain (no final demand of the item: the chain's other stages).",
    )


# ---- ensembles


STORE_STATUS = (
    "The store's word: created (waiting for the pool), running, complete, with failures, "
    "incomplete, interrupted or cancelled."
)
TIMES_HERE = " Null when this server did not run it (the CLI's runs, or before a restart)."


class EnsembleRun(Row):
    """An ensemble run in the server's store: its state in the scenario jobs' words, its
    samples and its times (created from the store; started and finished from this server)."""

    id: str = Field(description="The run's id (the same as run_id).")
    run_id: str = Field(description="The run's id in the store (the older name).")
    name: str | None = Field(description="The scenario's name.")
    created: datetime | None = Field(description="When it was recorded (ISO 8601, UTC).")
    started: datetime | None = Field(
        description="When its samples started (ISO 8601, UTC)." + TIMES_HERE
    )
    finished: datetime | None = Field(description="When it ended (ISO 8601, UTC)." + TIMES_HERE)
    seed: int | None = Field(description="Random seed.")
    method: str | None = Field(description="Sampling method.")
    n_samples: int | None = Field(description="Samples asked for.")
    done: int | None = Field(description="Samples finished.")
    failed: int | None = Field(description="Samples that failed in their model.")
    state: JobState | None = Field(
        description=f"As a scenario job's: {STATES}. Every sample stored (some may have failed "
        "in their model: see failed) is done; stopped short by an error is failed."
    )
    status: str | None = Field(description=STORE_STATUS)


class EnsembleSubmitted(BaseModel):
    """An ensemble run started."""

    id: str = Field(description="The run's id (the same as run_id).")
    run_id: str = Field(description="The run's id (the older name).")
    samples: int = Field(description="Samples asked for.")


class Percentile(Row):
    """Percentiles of one output over the samples."""

    metric: str = Field(description="share or hhi.")
    stage: str | None = Field(description="Stage.")
    region: str | None = Field(description="Region.")
    item: str | None = Field(description="Element or material.")
    year: int | None = Field(description="Year.")
    p5: float | None = Field(description="5th percentile [metric's unit].")
    p50: float | None = Field(description="Median [metric's unit].")
    p95: float | None = Field(description="95th percentile [metric's unit].")
    mean: float | None = Field(description="Mean [metric's unit].")
    n: int | None = Field(description="Samples with a value.")


class DeficitProbability(Row):
    """Probability that unmet demand exceeds 1 t."""

    region: str = Field(description="Region.")
    item: str = Field(description="Element or material.")
    year: int = Field(description="Year.")
    probability: float | None = Field(description="Share of samples in deficit [fraction].")


class EnsembleSummary(JobTimes):
    """One run's state and times, and its percentiles and deficit probabilities, paged
    together (limit and offset apply to each list); started and finished are null when this
    server did not run it."""

    id: str = Field(description="The run's id (the same as run_id).")
    run_id: str = Field(description="The run's id (the older name).")
    state: JobState | None = Field(description=f"As a scenario job's: {STATES}.")
    status: str | None = Field(description=STORE_STATUS)
    samples: int = Field(description="Samples finished with a result.")
    percentiles_total: int = Field(description="Percentile rows in all [rows].")
    deficit_total: int = Field(description="Deficit rows in all [rows].")
    next: str | None = Field(description="The next page's path; null on the last.")
    percentiles: list[Percentile] = Field(description="This page of the percentiles.")
    deficit_probability: list[DeficitProbability] = Field(
        description="This page of the deficit probabilities."
    )
    note: str | None = Field(
        description="Why the lists are empty (no sample finished yet, or an offset past "
        "their end); null when they are not."
    )
