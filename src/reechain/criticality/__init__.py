"""Criticality of rare earths by the methods governments use, side by side.

- :mod:`.eu`: the EU method (2017 guidelines; 2020 and 2023 assessments): HHI_WGI,t by stage
  and scope, supply risk where its inputs exist, published SR and EI with the verdicts.
- :mod:`.gpr`: GeoPolRisk (Koyamparambath et al. 2024) for a chosen importer.
- :mod:`.usgs`: USGS-style supply risk (Nassar et al. 2020; Nassar & Fortier 2021).

Every score names the inputs it lacks; none is computed as if a missing input were zero.
"""

from .eu import EI_THRESHOLD, SR_COLUMNS, SR_THRESHOLD, eu_supply_risk, published, wgi_scaled

__all__ = [
    "EI_THRESHOLD",
    "SR_COLUMNS",
    "SR_THRESHOLD",
    "eu_supply_risk",
    "published",
    "wgi_scaled",
]
