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
US_dollar = [currency] = USD
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
# What a unit's text may look like: words joined by spaces, '/' or '*', each with at most a
# one-digit power ('yr^-1'). Numbers and nesting never reach pint, whose parser evaluates
# them ('10**10**10' would take minutes).
_UNIT_TEXT = re.compile(r"[A-Za-z]+(\^-?[1-9])?(\s*[ /*]\s*[A-Za-z]+(\^-?[1-9])?)*")
MAX_UNIT_CHARS = 60
# Names of the dimensions a scenario's quantities have, for messages.
KINDS = {
    "[mass] / [time]": "a mass per time",
    "[power] / [time]": "a power per time",
    "[vehicle] / [time]": "vehicles per time",
    "[currency] / [mass]": "a price per mass",
}
# What an activity may count, and the unit it is converted to.
ACTIVITY_UNITS = {"vehicle": "vehicle/yr", "power": "MW/yr", "mass": "t/yr"}
ACTIVITY_ACCEPTED = "vehicles/yr, MW/yr, GW/yr or t magnet/yr (any time unit: yr, month, week, d)"


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


def _quantity(value: float, unit: str, shown: str) -> pint.Quantity:
    """``value`` [unit] as a pint quantity; ``shown`` is the unit as the user wrote it."""
    import pint

    text = unit.strip()
    if len(text) > MAX_UNIT_CHARS or not _UNIT_TEXT.fullmatch(text):
        raise UnitError(f"unit {shown!r} is not one reechain reads")
    try:
        return registry().Quantity(value, text)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError) as err:
        raise UnitError(f"unit {shown!r} is not one reechain reads") from err


def convert(value: float, unit: str, to: str) -> float:
    """``value`` [unit] in [to]. A basis word in either unit is a label and is dropped (check
    it with :func:`split_basis`). A year is 365.25 days (pint's and the IAU's Julian year: the
    mean calendar year with its leap days, within 0.002 % of the Gregorian 365.2425).

    >>> convert(10_000, "kg/d", "t/yr")
    3652.5
    >>> convert(3652.5, "t/yr", "kg/d")
    10000.0
    """
    q = _quantity(value, split_basis(unit)[0], shown=unit)
    target = _quantity(1.0, split_basis(to)[0], shown=to)
    if q.dimensionality != target.dimensionality:
        kind = KINDS.get(str(target.dimensionality), f"in units of {to}")
        raise UnitError(f"unit {unit!r} is not {kind}")
    return float(q.to(target.units).magnitude)


def mass_rate_units(bases: Collection[str]) -> str:
    """The mass-per-time units a quantity counted in ``bases`` accepts, for messages."""
    basis = " or ".join(sorted(bases))
    example = f"t {sorted(bases)[0]}/yr" if len(bases) == 1 else "t/yr"
    named = f", naming the basis {basis} or none" if bases else ", naming no basis"
    return (
        f"a mass per time (t, kt, Mt, kg or g per yr, month, week or d{named}; e.g. "
        f"'{example}', 'kt/yr', 'kg/d')"
    )


def mass_per_year(value: float, unit: str, bases: Collection[str]) -> float:
    """``value`` [unit] in t/yr; the unit's basis word, if any, must be one of ``bases``.

    A basis that differs (``t metal/yr`` where oxide is counted) is an error, not converted:
    oxide and metal convert element by element (:func:`metal_to_oxide`), and a capacity or a
    quota counts several elements at once.

    >>> mass_per_year(10, "kt REO/yr", {"REO"})
    10000.0
    >>> round(mass_per_year(100, "kg/d", {"REO"}), 3)
    36.525
    """
    basis = split_basis(unit)[1]
    if basis is not None and not bases:
        raise UnitError(
            f"unit {unit!r} counts {basis}; this quantity counts each stage in its own basis, "
            "so its unit names none"
        )
    if basis is not None and basis not in bases:
        raise UnitError(
            f"unit {unit!r} counts {basis}; this quantity is in {' or '.join(sorted(bases))} "
            "(oxide and metal convert element by element, and this quantity holds several "
            "elements)"
        )
    return convert(value, unit, "t/yr")


def activity_per_year(value: float, unit: str) -> tuple[float, str]:
    """An activity per year in its canonical unit: (vehicles/yr, 'vehicle'), (MW/yr, 'power')
    installed, or (t/yr, 'mass') of magnets.

    >>> activity_per_year(2, "GW/yr")
    (2000.0, 'power')
    """
    rest, basis = split_basis(unit)
    q = _quantity(value, rest, shown=unit)
    for kind, canonical in ACTIVITY_UNITS.items():
        target = registry().Quantity(1, canonical)
        if q.dimensionality == target.dimensionality:
            if kind == "mass" and basis not in (None, "magnet"):
                raise UnitError(f"unit {unit!r}: an activity in tonnes counts magnets")
            return float(q.to(canonical).magnitude), kind
    raise UnitError(f"unit {unit!r} is not an activity per time")
