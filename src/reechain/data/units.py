"""Unit conversions in one place: oxide <-> metal per element, and the units of a scenario's
quantities (capacities, quotas, activities) parsed and converted with pint.

Oxide/metal factors come from the ``elements`` table (``metal_per_oxide`` [t metal/t oxide]),
computed from standard atomic weights. Scenario units are parsed by a pint registry that
defines only the units a scenario may use (:data:`UNIT_DEFINITIONS`, with pint's own
conventions: a year is 365.25 days); its small size keeps ``reechain validate`` fast and
avoids pint's default ``kt`` (the knot, not a kilotonne). A material basis written in a unit
(``t REO/yr``, ``t magnet/yr``) is read as a label that must fit the quantity, not as a unit.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import pint

KG_PER_T = 1000.0


def metal_per_oxide(elements: pd.DataFrame) -> pd.Series:
    """Mass of element per mass of its oxide [t metal/t oxide], indexed by symbol."""
    return elements.set_index("symbol")["metal_per_oxide"].astype(float)


def oxide_to_metal(
    oxide_t: float | pd.Series, element: str | pd.Series, elements: pd.DataFrame
) -> float | pd.Series:
    """Metal contained in an oxide quantity [t metal] from oxide [t REO] of ``element``.

    ``element`` may be a symbol or a Series of symbols aligned with ``oxide_t``. Groups such as
    'Pr+Nd' have no single factor and give NaN.
    """
    factors = metal_per_oxide(elements)
    if isinstance(element, pd.Series):
        return oxide_t * element.map(factors)
    return oxide_t * factors.get(element, float("nan"))


def metal_to_oxide(metal_t: float, element: str, elements: pd.DataFrame) -> float:
    """Oxide equivalent [t REO] of a metal quantity [t metal] of ``element``."""
    return metal_t / float(metal_per_oxide(elements)[element])


UNIT_DEFINITIONS = """
tonne = [mass] = t = metric_ton
kilogram = tonne / 1000 = kg
gram = kilogram / 1000 = g
kilotonne = 1000 * tonne = kt
megatonne = 1000 * kilotonne = Mt
day = [time] = d
year = 365.25 * day = yr = a
month = year / 12
week = 7 * day
megawatt = [power] = MW
kilowatt = megawatt / 1000 = kW
gigawatt = 1000 * megawatt = GW
vehicle = [vehicle] = vehicles = car = cars
"""
# Words that name the material a quantity is counted in: labels, not units.
BASES = {
    "REO": "REO",
    "TREO": "REO",
    "oxide": "REO",
    "metal": "metal",
    "magnet": "magnet",
    "magnets": "magnet",
    "NdFeB": "magnet",
}
_BASIS_WORD = re.compile(r"\b(" + "|".join(sorted(BASES, key=len, reverse=True)) + r")\b")
# What an activity may count, and the unit it is converted to.
ACTIVITY_UNITS = {"vehicle": "vehicle/yr", "power": "MW/yr", "mass": "t/yr"}


class UnitError(ValueError):
    """A unit that can't be read, or doesn't fit the quantity (a ValueError, so that scenario
    validation reports it with the field's place)."""


@cache
def registry() -> pint.UnitRegistry:
    """The registry of scenario units (built once; pint imported on first use)."""
    import pint

    ureg = pint.UnitRegistry(None)
    for line in UNIT_DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def split_basis(unit: str) -> tuple[str, str | None]:
    """``'kt REO/yr'`` -> ``('kt /yr', 'REO')``: the unit without its basis word, and the basis."""
    found = {BASES[w] for w in _BASIS_WORD.findall(unit)}
    if len(found) > 1:
        raise UnitError(f"unit {unit!r} names more than one material basis: {sorted(found)}")
    return _BASIS_WORD.sub("", unit), (found.pop() if found else None)


def _quantity(value: float, unit: str):
    import pint

    try:
        return registry().Quantity(value, unit.strip())
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError) as err:
        known = "t, kt, kg, g, Mt; yr, month, week, d; MW, kW, GW; vehicles"
        raise UnitError(f"unit {unit!r} is not one reechain reads ({known})") from err


def mass_per_year(value: float, unit: str, bases: Collection[str]) -> float:
    """``value`` [unit] in t/yr; the unit's basis word, if any, must be one of ``bases``.

    >>> mass_per_year(10, "kt REO/yr", {"REO"})
    10000.0
    >>> round(mass_per_year(100, "kg/d", {"REO"}), 3)
    36.525
    """
    rest, basis = split_basis(unit)
    if basis is not None and basis not in bases:
        raise UnitError(f"unit {unit!r} counts {basis}; this quantity is in {' or '.join(bases)}")
    q = _quantity(value, rest)
    if q.dimensionality != registry().Quantity(1, "t/yr").dimensionality:
        raise UnitError(f"unit {unit!r} is not a mass per time; give e.g. t/yr or kt/yr")
    return float(q.to("t/yr").magnitude)


def activity_per_year(value: float, unit: str) -> tuple[float, str]:
    """An activity per year in its canonical unit: (vehicles/yr, 'vehicle'), (MW/yr, 'power')
    installed, or (t/yr, 'mass') of magnets.

    >>> activity_per_year(2, "GW/yr")
    (2000.0, 'power')
    """
    rest, basis = split_basis(unit)
    q = _quantity(value, rest)
    for kind, canonical in ACTIVITY_UNITS.items():
        target = registry().Quantity(1, canonical)
        if q.dimensionality == target.dimensionality:
            if kind == "mass" and basis not in (None, "magnet"):
                raise UnitError(
                    f"unit {unit!r}: an activity in tonnes counts magnets (t magnet/yr)"
                )
            return float(q.to(canonical).magnitude), kind
    raise UnitError(
        f"unit {unit!r} is not an activity per year: give vehicles/yr, MW/yr, GW/yr or t magnet/yr"
    )
