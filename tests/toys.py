"""Small hand-made networks with answers computed by hand (see each docstring)."""

from __future__ import annotations

import pandas as pd

from reechain.engine.network import Network

COSTS = {
    "mine": 1.0,
    "separation": 1.0,
    "metal": 2.0,
    "magnet": 3.0,
    "transport_concentrate": 0.5,
    "transport_oxide": 0.5,
    "transport_metal": 0.5,
    "transport_magnet": 0.5,
    "surplus": 0.1,
    "stock_holding": 0.05,
}


def two_mines(
    nd_demand: float = 50.0,
    years: tuple[int, ...] = (2030,),
    cap_a: float = 100.0,
    cap_b: float = 100.0,
    price: float = 1000.0,
) -> Network:
    """Two mines, two separators, one oxide demand.

    Mine A (region R1): 50 % La, 50 % Nd. Mine B (R2): 90 % La, 10 % Nd. Capacities 100 t each.
    Separation 200 t in each region, recovery 1. Demand: ``nd_demand`` t of Nd oxide in R1.

    40 t demanded: A alone serves it (80 t of ore, 40 t La to surplus); cost 80 + 80 + 4 = 164;
    the Nd price in R1 is A's marginal cost: 2 t ore (2 + 2) + 1 t La surplus (0.1) = 4.1 USD/t,
    and in R2 4.1 - 0.5 (shipping) = 3.6.
    55 t demanded: A at capacity (50 t Nd) and 50 t of B (5 t Nd shipped to R1); cost
    200 + 100 + 95 x 0.1 + 5 x 0.5 = 312; the next tonne comes from B: 10 t of ore (20),
    9 t La surplus (0.9), shipping (0.5): price 21.4 USD/t.
    70 t demanded: both mines full give 60 t; 10 t unmet at 1,000 USD/t.
    """
    ys = list(years)
    deposits = pd.Series({"A": "R1", "B": "R2"})
    comp = pd.DataFrame({"La": [0.5, 0.9], "Nd": [0.5, 0.1]}, index=["A", "B"])
    frame = lambda values: pd.DataFrame([values] * len(ys), index=ys)  # noqa: E731
    demand = pd.DataFrame(
        [
            {
                "year": y,
                "region": "R1",
                "kind": "oxide",
                "item": "Nd",
                "block": 0,
                "quantity": nd_demand,
                "price": price,
            }
            for y in ys
        ]
    )
    return Network(
        years=ys,
        regions=["R1", "R2"],
        elements=["La", "Nd"],
        grades=["N42"],
        deposit_region=deposits,
        composition=comp,
        recovery=pd.Series({"La": 1.0, "Nd": 1.0}),
        metal_per_oxide=pd.Series({"La": 0.8527, "Nd": 0.8574}),
        recipe=pd.DataFrame({"La": [0.0], "Nd": [0.3]}, index=["N42"]),
        mine_cap=frame({"A": cap_a, "B": cap_b}),
        sep_cap=frame({"R1": 200.0, "R2": 200.0}),
        metal_cap=frame({"R1": 0.0, "R2": 0.0}),
        magnet_cap=frame({"R1": 0.0, "R2": 0.0}),
        demand=demand,
        costs=dict(COSTS),
    )


def magnet_chain(magnets: float = 10.0) -> Network:
    """One mine (R1: 40 % La, 60 % Nd), metal and magnet plants in R2, magnet demand in R3.

    10 t of magnets (30 % Nd) need 3 t Nd metal = 3 / 0.8574 t Nd oxide = 3.499 t, i.e.
    5.832 t of ore; La 2.333 t goes to surplus.
    """
    ys = [2030]
    frame = lambda values: pd.DataFrame([values], index=ys)  # noqa: E731
    demand = pd.DataFrame(
        [
            {
                "year": 2030,
                "region": "R3",
                "kind": "magnet",
                "item": "N42",
                "block": 0,
                "quantity": magnets,
                "price": 1e5,
            }
        ]
    )
    return Network(
        years=ys,
        regions=["R1", "R2", "R3"],
        elements=["La", "Nd"],
        grades=["N42"],
        deposit_region=pd.Series({"M": "R1"}),
        composition=pd.DataFrame({"La": [0.4], "Nd": [0.6]}, index=["M"]),
        recovery=pd.Series({"La": 1.0, "Nd": 1.0}),
        metal_per_oxide=pd.Series({"La": 0.8527, "Nd": 0.8574}),
        recipe=pd.DataFrame({"La": [0.0], "Nd": [0.3]}, index=["N42"]),
        mine_cap=frame({"M": 1000.0}),
        sep_cap=frame({"R1": 1000.0, "R2": 0.0, "R3": 0.0}),
        metal_cap=frame({"R1": 0.0, "R2": 1000.0, "R3": 0.0}),
        magnet_cap=frame({"R1": 0.0, "R2": 1000.0, "R3": 0.0}),
        demand=demand,
        costs=dict(COSTS),
    )
