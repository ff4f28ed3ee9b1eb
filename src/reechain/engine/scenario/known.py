"""The names a scenario may use (:class:`Known`), read from the dataset when first needed."""

from __future__ import annotations

import functools
from typing import Any


class Known:
    """The names a scenario may use: the dataset's countries, elements, deposits, blocs, magnet
    grades, compositions, facilities, end uses and assumptions (each read when first needed),
    and the scenario's own named regions."""

    def __init__(self, ds: Any, named: set[str]) -> None:
        self.ds, self.named = ds, named

    def _column(self, table: str, column: str) -> set[str]:
        return set(self.ds.table(table)[column])

    @functools.cached_property
    def countries(self) -> set[str]:
        return self._column("countries", "iso3")

    @functools.cached_property
    def elements(self) -> set[str]:
        return self._column("elements", "symbol")

    @functools.cached_property
    def deposits(self) -> set[str]:
        return self._column("deposits", "deposit_id")

    @functools.cached_property
    def blocs(self) -> set[str]:
        return self._column("blocs", "bloc_id")

    @functools.cached_property
    def grades(self) -> set[str]:
        return self._column("magnet_recipes", "grade")

    @functools.cached_property
    def compositions(self) -> set[str]:
        return self._column("compositions", "composition_id")

    @functools.cached_property
    def facilities(self) -> set[str]:
        return self._column("facilities", "facility_id")

    @functools.cached_property
    def end_uses(self) -> set[str]:
        return self._column("intensities", "end_use")

    @functools.cached_property
    def magnet_end_uses(self) -> set[str]:
        return self._column("magnet_end_uses", "end_use")

    @functools.cached_property
    def outlooks(self) -> set[str]:
        return self._column("drivers", "scenario") - {"historical"}

    @functools.cached_property
    def mined_years(self) -> set[int]:
        p = self.ds.table("production")
        rows = p[(p["stage"] == "mining") & (p["measure"] == "output") & p["value"].notna()]
        return {int(y) for y in rows["year"]}

    @functools.cached_property
    def assumptions(self) -> set[str]:
        return self._column("assumptions", "assumption_id")
