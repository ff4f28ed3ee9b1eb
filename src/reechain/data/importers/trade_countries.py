"""Country codes of a BACI file as the dataset's ISO3 codes.

BACI names countries by numeric code; its table (``country_codes_V*.csv``: ``country_code,
country_name, country_iso2, country_iso3``) gives each an ISO3 code. Three kinds result:

- a code of the dataset's countries table (embedded, or the user package's): kept;
- another ISO 3166 alpha-3 code (three letters, e.g. ``ABW``): kept, and the country is added
  to the package's ``countries.csv`` (name from BACI; region ``unassigned``), so that the
  package validates and the flows keep their partner;
- a BACI aggregate (``S19`` "Other Asia, nes", ``R20``, ``ZA1``, ... or no ISO3 at all): not a
  country; its flows are kept under ``OTH`` (other countries), so that totals stay whole and
  GeoPolRisk counts them as imports from unnamed partners. Each is counted and noted.

A numeric code missing from the table stops the import (:class:`ImportFormatError`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reechain.data.flows import OTHER
from reechain.data.importers.package import read_existing
from reechain.data.schema import embedded_data_dir, embedded_schema

logger = logging.getLogger(__name__)

ISO3 = re.compile(r"^[A-Z]{3}$")
UNASSIGNED_REGION = "unassigned"


@dataclass
class CountryMap:
    """BACI numeric code -> ISO3 written, with what was mapped or added."""

    iso3: dict[int, str]
    aggregates: dict[int, str] = field(default_factory=dict)  # code -> BACI label, as OTH
    added: dict[str, str] = field(default_factory=dict)  # ISO3 -> name, new countries

    def label(self, code: int) -> str:
        """How a code is written in a note: ``S19 (Other Asia, nes) as OTH`` for aggregates."""
        return self.aggregates.get(code, "")


def known_countries(out: Path | None = None) -> set[str]:
    """ISO3 codes of the embedded countries table and of the package at ``out`` (if any)."""
    path = embedded_data_dir() / embedded_schema().tables["countries"].path
    known = set(pd.read_csv(path, usecols=["iso3"], keep_default_na=False)["iso3"])
    own = read_existing(out, "countries") if out is not None else None
    if own is not None:
        known |= set(own["iso3"].dropna())
    return known


def read_codes(path: Path) -> pd.DataFrame:
    """The BACI country code table: ``code`` (int), ``name``, ``iso3`` ('' when absent).
    Read as text: ISO2 ``NA`` (Namibia) and ISO3 ``N/A`` stay as written."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    return pd.DataFrame(
        {
            "code": pd.to_numeric(raw["country_code"].str.strip()).astype(int),
            "name": raw.get("country_name", pd.Series("", index=raw.index)).str.strip(),
            "iso3": raw["country_iso3"].str.strip().str.upper(),
        }
    )


def country_map(codes: pd.DataFrame, used: set[int], known: set[str]) -> CountryMap:
    """The ISO3 to write for each BACI code in ``used`` (codes of the table assumed)."""
    result = CountryMap(iso3={})
    for row in codes[codes["code"].isin(used)].itertuples():
        code = int(row.code)
        if row.iso3 in known:
            result.iso3[code] = row.iso3
        elif ISO3.match(row.iso3):
            result.iso3[code] = row.iso3
            result.added[row.iso3] = row.name or row.iso3
        else:
            result.iso3[code] = OTHER
            result.aggregates[code] = f"{row.iso3 or code} ({row.name}) as {OTHER}"
    if result.aggregates:
        logger.warning(
            "BACI aggregates kept as %s: %s", OTHER, "; ".join(result.aggregates.values())
        )
    if result.added:
        logger.info("countries added to the package: %s", ", ".join(sorted(result.added)))
    return result


def added_countries(added: dict[str, str], sid: str) -> pd.DataFrame:
    """Rows of the countries table for ISO3 codes new to the dataset."""
    return pd.DataFrame(
        [
            {
                "iso3": iso3,
                "name": name,
                "region": UNASSIGNED_REGION,
                "is_aggregate": False,
                "source_id": sid,
                "note": "added by the BACI trade import (name from its country code table; "
                "region not assigned)",
            }
            for iso3, name in sorted(added.items())
        ]
    ).reindex(columns=embedded_schema().tables["countries"].column_names)
