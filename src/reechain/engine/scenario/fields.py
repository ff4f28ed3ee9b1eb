"""What the scenario's models share: strict models (unknown fields and non-finite numbers
refused), stages, shares [0-1], years and a :class:`Quantity` with its unit."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from reechain.data import units
from reechain.engine.scenario.limits import MAX_QUANTITY

Stage = Literal["mining", "separation", "metal", "magnet"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Year = Annotated[int, Field(ge=1900, le=2100)]


class Strict(BaseModel):
    # .inf and .nan are refused everywhere: a scenario's numbers are finite
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Quantity(Strict):
    """A number with its unit, e.g. ``{value: 10000, unit: t REO/yr}``."""

    value: float = Field(ge=0.0, le=MAX_QUANTITY, description="Amount (never negative).")
    unit: str = Field(
        description="Unit, e.g. 't REO/yr', 'kt REO/yr', 't magnet/yr', 'vehicles/yr', 'GW/yr'; "
        "parsed and converted (reechain.data.units), a unit that doesn't fit is an error."
    )

    def tonnes_per_year(self, bases: Collection[str]) -> float:
        """The amount in t/yr (its unit's basis word, if any, one of ``bases``)."""
        return units.mass_per_year(self.value, self.unit, bases)

    def per_year(self) -> tuple[float, str]:
        """An activity in its canonical unit per year and its kind (see
        :func:`reechain.data.units.activity_per_year`)."""
        return units.activity_per_year(self.value, self.unit)
