"""Capacity the model may build: separation, metal and magnet plants beyond the data's.

When demand at its observed price exceeds what the data's plants, the pipeline and the
scenario's projects can make, the model may build capacity in any region, once the stage's
lead time has passed, at its capital cost annualised over its life (``expansion_*``
assumptions, sourced). What it builds is "the capacity the scenario would need", reported
with its cost, instead of unmet demand beside idle feed. Mines are not built: a new mine needs
a deposit, so a shortage of an element stays unmet demand and a high price. What is built is
chosen period by period at the capital cost's yearly share (equivalent annual cost): capacity
the scenario needs in a period, not a plant carried into later periods (a capacity built for
one year only pays one year of its annuity).
"""

from __future__ import annotations

import math

import pandas as pd

from reechain.engine.inputs.context import Context

COLUMNS = ["stage", "region", "first_year", "usd_per_t"]
#: stage -> the assumption giving the time to build [years]: outside China, and in China
LEAD_TIMES = {
    "separation": ("lead_time_separation_outside_china", "lead_time_separation_brownfield"),
    "metal": ("lead_time_magnet_plant", "lead_time_magnet_plant"),
    "magnet": ("lead_time_magnet_plant", "lead_time_magnet_plant"),
}
#: stage -> the assumption giving its capital cost [USD per t/yr]: outside China, in China;
#: metal plants are built with the magnet plants, at no cost of their own
CAPEX = {
    "separation": ("expansion_capex_separation", "expansion_capex_separation_china"),
    "metal": (None, None),
    "magnet": ("expansion_capex_magnet", "expansion_capex_magnet"),
}


def annuity_factor(rate: float, years: float) -> float:
    """Capital recovery factor [1/yr]: the yearly payment per unit of capital over ``years``
    at ``rate`` [fraction/yr]."""
    if rate == 0:
        return 1 / years
    return rate / (1 - (1 + rate) ** -years)


def expansion_table(ctx: Context) -> pd.DataFrame:
    """[stage, region, first_year, usd_per_t]: where and from when each stage may be built,
    and its yearly cost [USD per t/yr of capacity per yr] (empty with ``expansion: false``)."""
    if not ctx.sc.expansion:
        return pd.DataFrame(columns=COLUMNS)
    book = ctx.book
    factor = annuity_factor(
        book.assumption("expansion_discount_rate"), book.assumption("expansion_lifetime")
    )
    china = ctx.region_of("CHN")
    rows = []
    for stage, (lead_out, lead_cn) in LEAD_TIMES.items():
        for region in ctx.regions:
            inside = region == china
            lead = book.assumption(lead_cn if inside else lead_out)
            capex_id = CAPEX[stage][1 if inside else 0]
            capex = book.assumption(capex_id) if capex_id else 0.0
            first = ctx.base + math.ceil(lead)
            rows.append(
                {"stage": stage, "region": region, "first_year": first, "usd_per_t": capex * factor}
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    book.note(
        "capacity the model may build",
        table.groupby("stage")["usd_per_t"].max().round(0).to_dict(),
        "USD per t/yr and yr",
        f"capital cost x annuity factor {factor:.4f} (expansion_discount_rate, "
        "expansion_lifetime); from the base year plus the stage's lead time (China: a "
        "brownfield separation circuit); metal is built with magnets",
        "",
    )
    return table
