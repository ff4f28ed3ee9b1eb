"""The units an event's fields take: each stage's basis (REO, metal, magnet), the drivers'
units, and the checks that raise a :class:`FieldUnitError` naming the field and what it
accepts."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from reechain.data import units

# The material a stage's capacity is counted in (the basis word a capacity unit may name).
STAGE_BASES = {"mining": {"REO"}, "separation": {"REO"}, "metal": {"metal"}, "magnet": {"magnet"}}
ALL_BASES = {"REO", "metal", "magnet"}
# The unit of each end use's driver values (drivers table).
DRIVER_UNITS = {"ev_traction_motor": "vehicles/yr", "wind_turbine": "GW/yr"}


class FieldUnitError(units.UnitError):
    """A unit that doesn't fit an event's field: why, the field (``capacity.unit``) and the
    units it accepts."""

    def __init__(self, reason: str, field: str, accepted: str) -> None:
        super().__init__(f"{reason}; {field} takes {accepted}")
        self.reason, self.field, self.accepted = reason, field, accepted

    def at_line(self, line: int | None) -> str:
        """The message with the line of the field in the file."""
        where = f"{self.field} (line {line})" if line else self.field
        return f"{self.reason}; {where} takes {self.accepted}"


@contextmanager
def _unit_of(field: str, accepted: str) -> Iterator[None]:
    """Re-raise a :class:`~reechain.data.units.UnitError` as a :class:`FieldUnitError` of
    ``field``, which accepts ``accepted``."""
    try:
        yield
    except units.UnitError as err:
        raise FieldUnitError(str(err), field, accepted) from None


def quota_bases(stages: Collection[str]) -> set[str]:
    """The basis a quota's unit may name: the one every controlled stage counts in, none when
    they differ (each stage's flows then count the quota in their own basis)."""
    counted = [STAGE_BASES[s] for s in stages if s in STAGE_BASES]
    return set.intersection(*counted) if counted else set(ALL_BASES)


def check_capacity_unit(unit: str, stage: str) -> None:
    """A project's capacity unit is a mass per time in its stage's basis (UnitError if not)."""
    bases = STAGE_BASES.get(stage, ALL_BASES)
    with _unit_of("capacity.unit", units.mass_rate_units(bases)):
        units.mass_per_year(1.0, unit, bases)


def check_quota_unit(unit: str, stages: Collection[str]) -> None:
    """An export quota's unit is a mass per time in the controlled stages' basis."""
    bases = quota_bases(stages)
    with _unit_of("quota.unit", units.mass_rate_units(bases)):
        units.mass_per_year(1.0, unit, bases)


def check_activity_unit(unit: str) -> None:
    """A demand's activity unit is vehicles, power or magnets per time."""
    with _unit_of("activity.unit", units.ACTIVITY_ACCEPTED):
        units.activity_per_year(1.0, unit)


def check_driver_unit(unit: str, end_use: str) -> None:
    """A driver's unit is its end use's (:data:`DRIVER_UNITS`), however spelled
    (``vehicles / year`` is ``vehicles/yr``). Values in another unit of the same kind are
    refused with the factor to apply: they are not converted, so that an ensemble's samples
    stay in the file's unit."""
    expected = DRIVER_UNITS[end_use]
    with _unit_of("unit", f"{expected} for {end_use}"):
        factor = units.convert(1.0, unit, expected)
    if abs(factor - 1.0) > 1e-9:
        raise FieldUnitError(
            f"unit {unit!r}: {end_use}'s driver is in {expected}; multiply the values by "
            f"{factor:g}",
            "unit",
            expected,
        )


def check_duty_unit(unit: str) -> None:
    """A tariff's unit is USD/t, however spelled (``USD / tonne``). A duty per kg or g is
    refused with the factor to apply, not converted (see :func:`check_driver_unit`)."""
    with _unit_of("rate.unit", "USD/t"):
        factor = units.convert(1.0, unit, "USD/t")
    if abs(factor - 1.0) > 1e-9:
        raise FieldUnitError(
            f"unit {unit!r}: give the duty in USD/t (multiply the value by {factor:g})",
            "rate.unit",
            "USD/t",
        )
