"""Criticality of rare earths by the methods governments use, side by side.

- :mod:`.eu`: the EU method (2017 guidelines; 2020 and 2023 assessments): HHI_WGI,t by stage
  and scope and the supply risk its inputs allow; :mod:`.eu_ei` its economic importance from
  end-use shares and sector value added; published SR, EI and verdicts beside.
- :mod:`.usgs`: USGS-style supply risk factors (Nassar et al. 2020; Nassar & Fortier 2021);
  :mod:`.usgs_flows` the same on a model run's flows.
- :mod:`.gpr`: GeoPolRisk (Koyamparambath et al. 2024) of an importer for a traded product;
  :mod:`.gpr_flows` the same on a model run's flows (a scenario beside its baseline).
- :mod:`.summary`: the methods side by side per element or group.

A score whose inputs are missing is a range (``_low`` / ``_high``) with the missing inputs
named; none is computed as if a missing input were zero.
"""

from reechain.analysis.criticality.eu import (
    EI_THRESHOLD,
    SR_COLUMNS,
    SR_THRESHOLD,
    eu_supply_risk,
    published,
    supply_risk,
    wgi_scaled,
)
from reechain.analysis.criticality.eu_ei import economic_importance
from reechain.analysis.criticality.gpr import geopolrisk, geopolrisk_table
from reechain.analysis.criticality.gpr_flows import geopolrisk_flows, geopolrisk_runs
from reechain.analysis.criticality.summary import side_by_side
from reechain.analysis.criticality.usgs import usgs_supply_risk
from reechain.analysis.criticality.usgs_flows import usgs_factors_flows

__all__ = [
    "EI_THRESHOLD",
    "SR_COLUMNS",
    "SR_THRESHOLD",
    "economic_importance",
    "eu_supply_risk",
    "geopolrisk",
    "geopolrisk_flows",
    "geopolrisk_runs",
    "geopolrisk_table",
    "published",
    "side_by_side",
    "supply_risk",
    "usgs_factors_flows",
    "usgs_supply_risk",
    "wgi_scaled",
]
