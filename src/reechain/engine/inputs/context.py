"""What every step of the input builder reads: the provenance book, table look-ups, the region
map, the scenario's events by class and the build context that holds them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine import periods
from reechain.engine.scenario import (
    DemandEvent,
    DriverEvent,
    ExportControlEvent,
    OutageEvent,
    ProjectEvent,
    RecyclingEvent,
    Scenario,
    StockpileEvent,
    SubstitutionEvent,
    TariffEvent,
)
from reechain.engine.stages import GRADES  # noqa: F401 (re-exported)
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

ROW = "ROW"

SCRAP_POOL = "CHN-scrap"
# Countries modelled on their own whatever the scenario: the base year's separation, metal and
# magnet calibration names them.
CALIBRATION_COUNTRIES = frozenset({"MYS", "USA", "CHN", "JPN", "IND", "RUS"})
# The traded product of a stage (tariffs and export controls name stages).
TRADED_KIND = {"separation": "oxide", "metal": "metal", "magnet": "magnet"}


class Book:
    """Collects parameters and their provenance (``rows``: parameter, value, unit, how,
    source_id) and reads labelled assumptions, with the scenario's overrides."""

    def __init__(self, ds: Dataset, overrides: dict[str, float]) -> None:
        self.ds = ds
        self.rows: list[dict] = []
        self.assumptions = ds.table("assumptions").set_index("assumption_id")
        unknown = set(overrides) - set(self.assumptions.index)
        if unknown:
            raise ReechainError(
                f"scenario assumptions name unknown ids {sorted(unknown)}; see "
                "`reechain data assumptions`"
            )
        self.overrides = overrides
        self.used: set[str] = set()
        self._noted: set[tuple] = set()

    def note(self, parameter: str, value: object, unit: str, how: str, sources: str) -> None:
        """Record one derived parameter (once: a step that reads it again adds no row)."""
        key = (parameter, repr(value), unit, how)
        if key in self._noted:
            return
        self._noted.add(key)
        self.rows.append(
            {"parameter": parameter, "value": value, "unit": unit, "how": how, "source_id": sources}
        )

    def assumption(self, aid: str) -> float:
        """The value of assumption ``aid`` [its unit], noted the first time it is read."""
        row = self.assumptions.loc[aid]
        value = float(self.overrides.get(aid, row["value"]))
        if aid not in self.used:
            how = "scenario override" if aid in self.overrides else "labelled assumption"
            self.note(aid, value, row["unit"], f"{how}: {row['rationale']}", row["source_id"])
            self.used.add(aid)
        return value


def preferred(df: pd.DataFrame) -> pd.DataFrame:
    """The rows flagged ``preferred``."""
    return df[df["preferred"].fillna(False).astype(bool)]


def preferred_value(df: pd.DataFrame, what: str, **where: object) -> tuple[float, str]:
    """(value, source_id) of the first preferred row matching ``where`` with a value; raise
    naming ``what`` is missing."""
    part = preferred(df)
    for k, v in where.items():
        part = part[part[k] == v]
    part = part[part["value"].notna()]
    if part.empty:
        raise ReechainError(f"the data has no {what} ({where}); add it or choose another base year")
    row = part.iloc[0]
    if "status" in part and row["status"] in ("projected", "forecast"):
        logger.warning(
            "%s: the data's only value is a %s (%s), used for lack of an observation",
            what, row["status"], row["source_id"],
        )  # fmt: skip
    return float(row["value"]), str(row["source_id"])


def ramp(years: Sequence[int], start: int, ramp_years: int, end: int | None) -> np.ndarray:
    """Share of full capacity in each period (a year, or a month: its year's) [fraction]: 0
    before ``start`` and after ``end``, then linear over ``ramp_years``
    (``(y - start + 1) / (ramp_years + 1)``) up to 1."""
    out = []
    for y in (periods.year_of(p) for p in years):
        if y < start or (end is not None and y > end):
            out.append(0.0)
        elif ramp_years <= 0:
            out.append(1.0)
        else:
            out.append(min(1.0, (y - start + 1) / (ramp_years + 1)))
    return np.array(out)


def share_in_force(from_: date, until: date | None, period: int) -> float:
    """Fraction of a period (a year or a month) [0-1] inside ``from_`` .. ``until``
    (open-ended if None), counted in days as for export controls."""
    return periods.share_in_force(from_, until, period)


@dataclass(frozen=True)
class RegionMap:
    """Country -> model region: the scenario's named region the country belongs to; a named
    region's own name; the country itself if it is modelled on its own; else ``ROW``."""

    named: Mapping[str, str]  # member country -> named region
    names: frozenset[str]  # the scenario's named regions
    countries: frozenset[str]  # countries that are (or are in) a region of their own

    def __call__(self, country: str) -> str:
        if country in self.named:
            return self.named[country]
        if country in self.names:
            return country
        return country if country in self.countries else ROW

    @property
    def regions(self) -> list[str]:
        """The model's regions, sorted (always including ``ROW``)."""
        return sorted({self(c) for c in self.countries} | self.names | {ROW})


def map_regions(
    sc: Scenario, mined: Iterable[str], destinations: Iterable[str], blocs: Iterable[str]
) -> RegionMap:
    """The regions of a run: mining countries, the calibration countries, the destinations of
    China's magnet exports and every country an event names; the scenario's named regions
    group their members."""
    named = named_countries(sc, blocs)
    countries = (set(mined) | CALIBRATION_COUNTRIES | set(destinations) | named) - {
        "OTH",
        "WLD",
    }
    return RegionMap(
        named={c: name for name, members in sc.regions.items() for c in members},
        names=frozenset(sc.regions),
        countries=frozenset(countries),
    )


def named_countries(sc: Scenario, blocs: Iterable[str]) -> set[str]:
    """Every country code a scenario's events name (places, actors, destinations, partners,
    importers and exporters): each is modelled as a region of its own (or in the named region
    it belongs to), so that naming one never acts on another. ``blocs`` (bloc ids) are not
    countries and are left out (a bloc's members keep their regions)."""
    names: set[str] = set()
    for ev in sc.events:
        for f in ("country", "region", "actor", "importer", "technology_from"):
            value = getattr(ev, f, None)
            if isinstance(value, str):
                names.add(value)
        for f in ("destinations", "exporters", "offtake"):
            value = getattr(ev, f, None)
            if isinstance(value, list | dict):
                names |= set(value)
        for term in getattr(ev, "licence_terms", []):
            names |= set(term.destinations or [])
    return names - set(blocs) - set(sc.regions)


@dataclass(frozen=True)
class ScenarioEvents:
    """A scenario's events by class, each in scenario order (one pass over ``sc.events``).
    Export controls keep their position in ``sc.events``, which names their lanes."""

    projects: tuple[ProjectEvent, ...] = ()
    demand: tuple[DemandEvent, ...] = ()
    outages: tuple[OutageEvent, ...] = ()
    recycling: tuple[RecyclingEvent, ...] = ()
    substitution: tuple[SubstitutionEvent, ...] = ()
    tariffs: tuple[TariffEvent, ...] = ()
    stockpiles: tuple[StockpileEvent, ...] = ()
    drivers: tuple[DriverEvent, ...] = ()
    controls: tuple[tuple[int, ExportControlEvent], ...] = ()

    @classmethod
    def of(cls, events: Sequence[object]) -> ScenarioEvents:
        """Sort ``events`` by class (bloc membership changes are the dataset's business)."""
        groups: dict[str, list] = {f.name: [] for f in fields(cls)}
        for i, ev in enumerate(events):
            name = _EVENT_FIELD.get(type(ev))
            if name == "controls":
                groups[name].append((i, ev))
            elif name is not None:
                groups[name].append(ev)
        return cls(**{name: tuple(items) for name, items in groups.items()})


_EVENT_FIELD: dict[type, str] = {
    ProjectEvent: "projects",
    DemandEvent: "demand",
    OutageEvent: "outages",
    RecyclingEvent: "recycling",
    SubstitutionEvent: "substitution",
    TariffEvent: "tariffs",
    StockpileEvent: "stockpiles",
    DriverEvent: "drivers",
    ExportControlEvent: "controls",
}


@dataclass(frozen=True)
class Context:
    """What the steps of one build share: dataset, scenario, provenance book, region map and
    the scenario's events by class."""

    ds: Dataset
    sc: Scenario
    book: Book
    region_of: RegionMap
    events: ScenarioEvents

    @cached_property
    def years(self) -> list[int]:
        """The run's periods, base year first: years, and months of the years the scenario
        runs in months (:mod:`reechain.engine.periods`)."""
        return self.sc.periods

    @cached_property
    def fractions(self) -> np.ndarray:
        """Each period's share of its year [fraction]: flows per period are the year's times
        this."""
        return np.array([periods.fraction(p) for p in self.years])

    @property
    def base(self) -> int:
        """The calibration (base) year."""
        return self.sc.base_year

    @cached_property
    def regions(self) -> list[str]:
        """The model's regions, sorted."""
        return self.region_of.regions

    @cached_property
    def element_table(self) -> pd.DataFrame:
        """The ``elements`` table indexed by symbol."""
        return self.ds.table("elements").set_index("symbol")

    def table(self, name: str) -> pd.DataFrame:
        """A dataset table (a cached view: do not mutate)."""
        return self.ds.table(name)
