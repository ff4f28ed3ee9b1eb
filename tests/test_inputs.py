"""The input builder, part by part, on a small hand-made dataset (no files): every expected
number is worked out by hand in the comments.

The toy world (base year 2024): mines in China (800 t REO), Australia (150 t) and a country
ZZZ (50 t) that has no pool rows of its own; 40 t of magnet scrap separated in China; Lynas-
like separation in Malaysia fed from Australia; China makes 900 t of magnets, 90 % of the
world's.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from reechain.data.dataset import Dataset
from reechain.data.schema import embedded_schema
from reechain.engine.inputs import build_inputs
from reechain.engine.inputs.context import (
    ROW,
    Book,
    Context,
    ScenarioEvents,
    map_regions,
    ramp,
    share_in_force,
)
from reechain.engine.inputs.demand import (
    Block,
    DemandDrivers,
    base_magnet_rows,
    base_separated,
    demand_blocks,
    eol_recycling_rates,
    event_magnet_rows,
    magnet_demand_by_region,
    nonmagnet_oxide_demand,
    oxide_rows,
)
from reechain.engine.inputs.end_uses import EndUseDemand, magnet_growth
from reechain.engine.inputs.events import apply_capacity_events, project_effects
from reechain.engine.inputs.grades import GradeMix, grade_mix
from reechain.engine.inputs.prices import magnet_price, oxide_prices, unit_costs
from reechain.engine.inputs.processing import (
    Capacities,
    MagnetBase,
    magnet_base,
    metal_base,
    recipes,
    separation_base,
)
from reechain.engine.inputs.supply import (
    Pools,
    capacity_growth,
    composition_shares,
    deposit_composition,
    grown,
    mine_output,
    mining_pools,
    model_elements,
    pool_row,
)
from reechain.engine.inputs.trade import (
    concentrate_routes,
    control_rows,
    export_destinations,
    tariff_rows,
    tariff_table,
)
from reechain.engine.scenario import Scenario
from reechain.errors import ReechainError

# the toy's demand curve: two firm steps, the band at the observed price, one extra step
BLOCKS = (
    Block(0, 0.0, 0.6, 20.0, "firm"),
    Block(1, 0.6, 0.9, 5.0, "firm"),
    Block(2, 0.9, 1.1, 1.0, "band"),
    Block(3, 1.1, 1.5, 0.5, "extra"),
)
IN_FORCE_JUL = 184 / 365  # 1 July to 31 December 2025 [fraction of the year]


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    columns = embedded_schema().tables[name].column_names
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def _rows(keys: str, *values: tuple) -> list[dict]:
    return [dict(zip(keys.split(), v, strict=True)) for v in values]


def _assumptions() -> list[dict]:
    values = {
        "separation_recovery_per_element_default": 0.9,
        "pr_share_of_prnd_in_magnets": 0.25,
        "existing_capacity_growth": 0.1,
        "nonchina_magnet_location": 0.5,
        "nonmagnet_demand_growth": 0.1,
        "demand_price_elasticity": -0.5,
        "demand_choke_price_multiple": 10.0,
        "cny_per_usd": 7.0,
        "ramp_years_separation": 5.0,
        "expansion_discount_rate": 0.08,
        "expansion_lifetime": 19.0,
        "expansion_capex_separation": 28_200.0,
        "expansion_capex_separation_china": 11_000.0,
        "expansion_capex_magnet": 100_000.0,
        "lead_time_separation_outside_china": 4.5,
        "lead_time_separation_brownfield": 1.5,
        "lead_time_magnet_plant": 3.0,
        "ramp_years_magnet_plant": 2.0,
        "capacity_realisation_year1": 0.3,
        "capacity_realisation_year3": 0.5,
        "china_vat_rate": 0.13,
        "mining_cost": 2000.0,
        "separation_cost": 5000.0,
        "metal_cost": 10000.0,
        "magnet_cost": 20000.0,
        "concentrate_transport_cost": 600.0,
        "oxide_transport_cost_interregional": 150.0,
        "metal_transport_cost": 150.0,
        "magnet_transport_cost": 150.0,
        "surplus_oxide_disposal_cost": 100.0,
    }
    # low and high matter for the Pr share only: the model chooses it in [0.2, 0.3]
    row = {"low": 0.2, "high": 0.3, "unit": "u", "rationale": "toy", "source_id": "s"}
    return [{"assumption_id": k, "value": v, **row} for k, v in values.items()]


def toy() -> Dataset:
    """The toy dataset of the module docstring."""
    mined = {"WLD": 1000.0, "CHN": 800.0, "AUS": 150.0, "ZZZ": 50.0, "KOR": 0.0}
    mine = [("mining", c, 2024, "TREO", "output", v) for c, v in mined.items()]
    production = _rows(
        "stage country year material measure value",
        *mine,
        ("separation", "CHN", 2024, "TREO", "recycled_output", 40.0),
        ("separation", "CHN", 2024, "Pr+Nd", "recycled_output", 30.0),  # itemises 32 t of 40
        ("separation", "CHN", 2024, "Dy", "recycled_output", 2.0),
        ("separation", "MYS", 2024, "Pr+Nd", "output", 36.0),
        ("separation", "USA", 2024, "TREO", "output", 30.0),
        ("magnet", "CHN", 2024, "NdFeB", "output", 900.0),
        ("magnet", "CHN", 2024, "NdFeB", "share", 0.9),
        ("magnet", "CHN", 2023, "NdFeB", "output", 720.0),  # world 800 t (the share of 2024)
        ("metal", "CHN", 2024, "REM", "share", 0.8),
        ("metal", "CHN", 2024, "Tb+Dy", "share", 0.99),
    )
    trade = _rows(
        "flow reporter partner product year period value unit",
        ("export", "CHN", "WLD", "ndfeb_magnets", 2024, "annual", 300.0, "t"),
        ("export", "CHN", "WLD", "ndfeb_magnets", 2023, "annual", 200.0, "t"),
        ("export", "CHN", "DEU", "ndfeb_magnets", 2023, "annual", 100.0, "t"),
        ("export", "CHN", "USA", "ndfeb_magnets", 2023, "annual", 50.0, "t"),
        ("export", "CHN", "WLD", "ndfeb_magnets", 2022, "annual", 100.0, "t"),  # older split
        ("export", "CHN", "DEU", "ndfeb_magnets", 2022, "annual", 100.0, "t"),
        ("export", "CHN", "JPN", "ndfeb_magnets", 2025, "annual", 10.0, "t"),  # no world total
    )
    compositions = _rows(
        "composition_id deposit_id ore_type element value complete preferred",
        ("c1", "d-aus", "mon", "La", 0.6, True, True),
        ("c1", "d-aus", "mon", "Nd", 0.4, True, True),
        ("c2", None, "ion", "La", 0.5, True, True),  # itemises 90 %
        ("c2", None, "ion", "Nd", 0.3, True, True),
        ("c2", None, "ion", "Dy", 0.1, True, True),
        ("c3", None, "mon", "La", 0.7, True, False),
        ("c3", None, "mon", "Nd", 0.3, True, False),
        ("grp", "d-grp", "mon", "La", 0.5, False, True),
        ("grp", "d-grp", "mon", "Pr+Nd", 0.5, False, True),
    )
    pools = _rows(
        "country composition_id pool_type share year basis source_id",
        ("CHN", "c1", "hard_rock", 0.75, 2024, "proxy", "s"),
        ("CHN", "c2", "ionic_clay", 0.25, 2024, "proxy", "s"),
        ("CHN", "c2", "ionic_clay", 1.0, 2018, "proxy", "s"),  # older split: not used
        ("CHN", "c1", "hard_rock", 0.5, 2030, "proxy", "s"),  # after the base year: not used
        ("AUS", "c1", "hard_rock", 1.0, 2020, "own", "s"),
        ("OTH", "c1", "mineral_sands", 1.0, 2015, "proxy", "s"),
    )
    elements = _rows(
        "symbol atomic_number oxide_formula metal_per_oxide",
        ("La", 57, "La2O3", 0.85),
        ("Ce", 58, "CeO2", 0.81),  # in no pool and no recipe: not modelled
        ("Pr", 59, "Pr6O11", 0.83),
        ("Nd", 60, "Nd2O3", 0.8),
        ("Tb", 65, "Tb4O7", 0.85),
        ("Dy", 66, "Dy2O3", 0.87),
    )
    # the ladder: N42 30 % Pr+Nd; GBD 28 % Pr+Nd, 1.6 % Dy, 0.4 % Tb; EH 24 %, 6 %, 1 %
    recipes_ = _rows(
        "grade element value preferred",
        ("N42", "Pr+Nd", 30.0, True),
        ("N42", "Dy", 0.0, True),
        ("N42", "Tb", 0.0, True),
        ("GBD", "Pr+Nd", 28.0, True),
        ("GBD", "Dy", 1.6, True),
        ("GBD", "Dy", 3.0, False),
        ("GBD", "Tb", 0.4, True),
        ("EH", "Pr+Nd", 24.0, True),
        ("EH", "Dy", 6.0, True),
        ("EH", "Tb", 1.0, True),
    )
    # EVs are half the magnets (GBD 80 %, EH 20 %), the other half N42 90 %, GBD 10 %
    end_uses = _rows(
        "end_use measure grade region year value",
        ("ev_traction_motor", "share_of_magnets", None, "WLD", 2023, 0.5),
        ("other", "share_of_magnets", None, "WLD", 2023, 0.5),
        ("ev_traction_motor", "share_of_magnets", None, "WLD", 2025, 0.9),  # after the base year
        ("ev_traction_motor", "grade_share", "N42", "WLD", 2024, 0.0),
        ("ev_traction_motor", "grade_share", "GBD", "WLD", 2024, 0.8),
        ("ev_traction_motor", "grade_share", "EH", "WLD", 2024, 0.2),
        ("other", "grade_share", "N42", "WLD", 2024, 0.9),
        ("other", "grade_share", "GBD", "WLD", 2024, 0.1),
        ("other", "grade_share", "EH", "WLD", 2024, 0.0),
    )
    demand = _rows(
        "metric region material year value scenario",
        ("magnet_ree_demand", "WLD", "Pr+Nd+Tb+Dy", 2023, 100.0, "historical"),
        ("magnet_ree_demand", "WLD", "Pr+Nd+Tb+Dy", 2030, 200.0, "STEPS"),
    )
    # electric car sales: 40,000 (2023), 50,000 (2024), STEPS 100,000 (2026); wind 0.2 GW
    drivers = _rows(
        "driver region year value unit scenario status",
        ("ev_sales_total", "WLD", 2023, 40_000.0, "vehicles/yr", "historical", "reported"),
        ("ev_sales_total", "WLD", 2024, 50_000.0, "vehicles/yr", "historical", "reported"),
        ("ev_sales_total", "WLD", 2026, 100_000.0, "vehicles/yr", "STEPS", "forecast"),
        ("ev_sales_total", "WLD", 2026, 80_000.0, "vehicles/yr", "APS", "forecast"),
        ("wind_additions_total", "WLD", 2024, 0.2, "GW/yr", "historical", "reported"),
    )
    intensities = _rows(
        "end_use technology material value unit",
        ("ev_traction_motor", "car", "NdFeB", 2.0, "kg/vehicle"),
        ("wind_turbine", "fleet average (all turbine types)", "NdFeB", 500.0, "kg/MW"),
        ("wind_turbine", "direct-drive", "NdFeB", 650.0, "kg/MW"),
    )
    prices = _rows(
        "material year value market unit price_type",
        ("La2O3", 2023, 2.0, "USGS annual average", "USD/kg", "annual_average"),
        ("La2O3", 2024, 3.0, "USGS annual average", "USD/kg", "annual_average"),
        ("La2O3", 2024, 9.0, "FOB China", "USD/kg", "point"),  # USGS's average comes first
        ("Nd2O3", 2024, 50.0, "USGS annual average", "USD/kg", "annual_average"),
        ("Pr6O11", 2025, 339.0, "China domestic (SMM)", "CNY/kg", "point"),  # a year after
        ("Dy2O3", 2024, 300.0, "USGS annual average", "USD/kg", "annual_average"),
        ("Tb4O7", 2024, 900.0, "USGS annual average", "USD/kg", "annual_average"),
        ("CeO2", 2022, 30.0, "USGS annual average", "USD/kg", "annual_average"),  # too old
    )
    for rows in (
        production,
        trade,
        compositions,
        demand,
        intensities,
        prices,
        recipes_,
        end_uses,
        drivers,
    ):
        for r in rows:
            r.setdefault("preferred", True)
            r.setdefault("source_id", "s")
    for r in prices:
        r.update(period="annual")
    facilities = _rows(
        "facility_id name country stage deposit_id status source_id",
        ("lynas-like", "Lynas-like", "MYS", "separation", "d-aus", "operating", "s"),
        ("planned-sep", "Planned", "USA", "separation", "d-aus", "planned", "s"),
        ("mag-j", "Magnets J", "JPN", "magnet", None, "operating", "s"),
        ("mine-a", "Mine A", "AUS", "mining", "d-aus", "operating", "s"),
    )
    capacity = _rows(
        "facility_id year measure material value unit preferred source_id",
        ("mag-j", 2022, "capacity", "NdFeB", 30.0, "t/yr", True, "s"),
        ("mine-a", 2023, "output", "TREO", 60.0, "t REO/yr", True, "s"),
    )
    deposits = _rows(
        "deposit_id country ore_type status",
        ("d-aus", "AUS", "mon", "operating"),
        ("d-grp", "TUR", "mon", "development"),
        ("d-ion", "TUR", "ion", "development"),
    )
    membership = _rows(
        "bloc_id country role start_date",
        ("B1", "DEU", "member", pd.Timestamp("2000-01-01")),
        ("B1", "FRA", "member", pd.Timestamp("2030-01-01")),  # joins later
    )
    tables = {
        "production": production,
        "trade": trade,
        "compositions": compositions,
        "mining_pools": pools,
        "elements": elements,
        "magnet_recipes": recipes_,
        "magnet_end_uses": end_uses,
        "assumptions": _assumptions(),
        "demand": demand,
        "drivers": drivers,
        "intensities": intensities,
        "prices": prices,
        "facilities": facilities,
        "facility_capacity": capacity,
        "deposits": deposits,
        "blocs": [{"bloc_id": "B1", "name": "Bloc one"}],
        "bloc_membership": membership,
    }
    return Dataset(schema=embedded_schema(), _tables={k: _table(k, v) for k, v in tables.items()})


@pytest.fixture(scope="module")
def toy_ds() -> Dataset:
    """The toy dataset of the module docstring (built once for the module)."""
    return toy()


def scenario(**fields: object) -> Scenario:
    return Scenario.model_validate({"name": "toy", "base_year": 2024, "horizon": 2026, **fields})


def context(ds: Dataset, sc: Scenario | None = None) -> Context:
    """The build context of ``sc`` on ``ds`` (the toy's mining countries and export
    destinations)."""
    sc = sc or scenario()
    regions = map_regions(sc, ["CHN", "AUS", "ZZZ"], ["DEU", "USA"], ds.table("blocs")["bloc_id"])
    return Context(ds, sc, Book(ds, sc.assumptions), regions, ScenarioEvents.of(sc.events))


def noted(ctx: Context, parameter: str) -> dict:
    return next(r for r in ctx.book.rows if r["parameter"] == parameter)


def toy_pools(ctx: Context) -> Pools:
    return mining_pools(ctx, mine_output(ctx.ds, 2024, ctx.book))


# -- context ---------------------------------------------------------------------------------


def test_regions_named_own_and_rest_of_world(toy_ds):
    sc = scenario(
        regions={"EU": ["DEU", "FRA"]},
        events=[
            {"type": "demand", "name": "x", "region": "TUR", "end_use": "e", "growth_rate": 0.1}
        ],
    )
    region_of = context(toy_ds, sc).region_of
    assert [region_of(c) for c in ("FRA", "DEU", "EU")] == ["EU"] * 3  # members and name
    # an event's country and a mining country are regions; others (and OTH) are ROW
    assert [region_of(c) for c in ("TUR", "ZZZ", "BRA", "OTH")] == ["TUR", "ZZZ", ROW, ROW]
    # mined, calibration, destination (USA; DEU is in EU) and event countries, plus ROW
    assert region_of.regions == sorted(
        ["AUS", "CHN", "ZZZ", "MYS", "USA", "JPN", "IND", "RUS", "EU", "TUR", ROW]
    )


def test_events_sorted_by_class_once_controls_keep_their_position():
    control = {
        "type": "export_control",
        "actor": "CHN",
        "elements": "all",
        "stages": ["metal"],
        "from": "2025-01-01",
        "ban": True,
    }
    sc = scenario(
        events=[
            {
                "type": "tariff",
                "importer": "USA",
                "stages": ["metal"],
                "rate": {"value": 1, "unit": "USD/t"},
                "from": "2025-01-01",
            },
            control,
            {"type": "bloc_membership", "country": "TUR", "bloc": "B1", "from": "2027-01-01"},
            {**control, "actor": "MYS"},
        ]
    )
    events = ScenarioEvents.of(sc.events)
    assert [(i, ev.actor) for i, ev in events.controls] == [(1, "CHN"), (3, "MYS")]
    assert len(events.tariffs) == 1 and events.projects == () and events.outages == ()


def test_ramp_up_and_share_of_year_in_force():
    years = list(range(2024, 2031))
    # start 2026, full after 3 ramp-up years, last year 2029
    assert ramp(years, 2026, 3, 2029).tolist() == [0, 0, 0.25, 0.5, 0.75, 1, 0]
    assert ramp(years, 2026, 0, None).tolist() == [0, 0, 1, 1, 1, 1, 1]
    assert share_in_force(date(2025, 7, 1), None, 2025) == pytest.approx(IN_FORCE_JUL)
    assert share_in_force(date(2025, 7, 1), date(2025, 12, 31), 2026) == 0.0
    assert share_in_force(date(2024, 3, 1), date(2024, 3, 31), 2024) == pytest.approx(31 / 366)


# -- supply ----------------------------------------------------------------------------------


def test_mine_output_and_pools_split_by_the_latest_shares(toy_ds):
    ctx = context(toy_ds)
    mined = mine_output(toy_ds, 2024, ctx.book)
    assert mined.to_dict() == {"CHN": 800.0, "AUS": 150.0, "ZZZ": 50.0}  # KOR's 0 dropped
    assert noted(ctx, "world mine output")["value"] == 1000.0
    pools = toy_pools(ctx)
    # China by its 2024 split (not 2018's, not 2030's); ZZZ by OTH's; scrap 40 t
    assert pools.base.to_dict() == {
        "CHN:c1": 600.0,
        "CHN:c2": 200.0,
        "AUS:c1": 150.0,
        "ZZZ:c1": 50.0,
        "CHN-scrap": 40.0,
    }
    assert pools.secondary == ["CHN-scrap"]
    elements = model_elements(ctx.element_table, pools.compositions, recipes(toy_ds, ctx.book))
    assert elements == ["La", "Pr", "Nd", "Tb", "Dy"]  # Ce is in no pool and no recipe
    output = pools.composition(elements).mul(pools.base, axis=0)
    # element output = pool output x share; c2 itemises 90 %: Dy 0.1 / 0.9
    assert output.loc["CHN:c2", "Dy"] == pytest.approx(200 * 0.1 / 0.9)
    assert output.loc["CHN:c1", "Nd"] == pytest.approx(600 * 0.4)
    # scrap: the reported oxides (Pr+Nd 30 t split 25/75, Dy 2 t) itemise 32 of 40 t, the
    # rest spread in proportion
    assert output.loc["CHN-scrap", ["Pr", "Nd", "Dy"]].tolist() == pytest.approx(
        [7.5 * 40 / 32, 22.5 * 40 / 32, 2 * 40 / 32]
    )
    assert output.loc["CHN-scrap"].sum() == pytest.approx(40)


def test_compositions_normalised_groups_refused_and_borrowed(toy_ds):
    assert composition_shares(toy_ds, "c2")["Nd"] == pytest.approx(0.3 / 0.9)
    with pytest.raises(ReechainError, match="element groups"):
        composition_shares(toy_ds, "grp")
    with pytest.raises(ReechainError, match="unknown composition"):
        composition_shares(toy_ds, "nope")
    assert deposit_composition(toy_ds, "d-aus", "c3") == ("c3", "named in the scenario")
    # d-grp's own split has Pr+Nd: the ore type's complete splits, preferred first
    assert deposit_composition(toy_ds, "d-grp", None)[0] == "c1"
    assert deposit_composition(toy_ds, "d-ion", None)[0] == "c2"


def test_existing_capacity_grows_from_the_base_year(toy_ds):
    ctx = context(toy_ds)
    growth_index = capacity_growth(ctx)  # existing_capacity_growth 0.1
    assert growth_index.to_dict() == pytest.approx({2024: 1.0, 2025: 1.1, 2026: 1.21})
    cap = grown(pd.Series({"A": 100.0, "B": 10.0}), growth_index)
    assert cap.loc[2026, "A"] == pytest.approx(121.0) and cap.loc[2025, "B"] == pytest.approx(11)


# -- processing ------------------------------------------------------------------------------


def test_recipes_of_the_ladder_with_tb_and_pr_share(toy_ds):
    recipe = recipes(toy_ds, Book(toy_ds, {}))
    # preferred contents (GBD's non-preferred 3 % Dy is not used); Pr is 25 % of Pr+Nd
    assert recipe.loc["N42"].to_dict() == pytest.approx(
        {"Pr": 0.075, "Nd": 0.225, "Dy": 0, "Tb": 0}
    )
    assert recipe.loc["GBD"].to_dict() == pytest.approx(
        {"Pr": 0.07, "Nd": 0.21, "Dy": 0.016, "Tb": 0.004}
    )
    assert recipe.loc["EH", ["Dy", "Tb"]].tolist() == pytest.approx([0.06, 0.01])
    assert recipes(toy_ds, Book(toy_ds, {"pr_share_of_prnd_in_magnets": 0.5})).loc["N42", "Pr"] == (
        pytest.approx(0.15)
    )


def test_a_grade_without_a_content_is_an_error(toy_ds):
    table = toy_ds.table("magnet_recipes")
    no_tb = table[~((table["grade"] == "EH") & (table["element"] == "Tb"))]
    ds = Dataset(schema=toy_ds.schema, _tables={**toy_ds._tables, "magnet_recipes": no_tb})
    with pytest.raises(ReechainError, match="Tb content of magnet grade EH"):
        recipes(ds, Book(ds, {}))


def test_separation_base_reported_plants_and_china_the_rest(toy_ds):
    ctx = context(toy_ds)
    mined = mine_output(toy_ds, 2024, ctx.book)
    pools = toy_pools(ctx)
    routes = concentrate_routes(ctx)
    assert routes.to_dict("records") == [{"origin": "AUS", "dest": "MYS"}]  # planned: no route
    sep = separation_base(ctx, mined, pools, routes, recovery=0.9)
    # Malaysia: 36 t Pr+Nd / (Nd 0.4 of its Australian feed x recovery 0.9) = 100 t
    assert sep["MYS"] == pytest.approx(100.0)
    assert sep["USA"] == pytest.approx(30.0)  # reported TREO
    # China: all feed (1,000 t mined + 40 t scrap) less 130 t separated elsewhere
    assert sep["CHN"] == pytest.approx(910.0)
    assert sep.sum() == pytest.approx(1040.0)


def test_magnet_and_metal_capacity_from_chinas_output_and_shares(toy_ds):
    ctx = context(toy_ds)
    magnets = magnet_base(ctx)
    assert magnets.world == pytest.approx(1000.0)  # 900 t / 0.9
    # the non-China 100 t: half in Japan (nonchina_magnet_location 0.5), half ROW
    assert magnets.capacity[["CHN", "JPN", ROW]].tolist() == pytest.approx([900, 50, 50])
    mix = pd.Series({"N42": 0.5, "GBD": 0.5, "EH": 0.0})
    metal = metal_base(ctx, magnets.world, recipes(toy_ds, ctx.book), mix)
    # half N42 (0.30 t RE per t magnet), half GBD (0.28 + 0.016 + 0.004 = 0.30)
    assert metal.re_per_magnet == pytest.approx(0.30)
    # 1,000 t magnets x 0.30 t RE metal each = 300 t; China 80 %
    assert metal.capacity[["CHN", ROW]].tolist() == pytest.approx([240.0, 60.0])
    # Dy+Tb: 1,000 t x 0.5 (GBD) x 2 % = 10 t; China may make all, the rest of the world 1 %
    assert metal.heavy[["CHN", ROW]].tolist() == pytest.approx([240.0, 0.1])
    assert metal.heavy.drop(["CHN", ROW]).sum() == 0.0


# -- demand ----------------------------------------------------------------------------------


def test_base_magnet_demand_by_region_from_exports(toy_ds):
    ctx = context(toy_ds)
    destinations = export_destinations(toy_ds.table("trade"), ctx.book)
    # the latest year with a destination split is 2023: DEU 100 / 200, USA 50 / 200
    assert destinations.to_dict() == {"DEU": 0.5, "USA": 0.25}
    magnets = MagnetBase(china=900.0, world=1000.0, japan_part=0.5, capacity=pd.Series(dtype=float))
    demand = magnet_demand_by_region(ctx, magnets, destinations)
    # China 900 - 300 exported; exports 300 x 0.5, x 0.25, the 25 % unassigned to ROW
    assert demand[["CHN", "DEU", "USA", "JPN", ROW]].tolist() == pytest.approx(
        [600, 150, 75, 50, 50 + 75]
    )
    assert demand.sum() == pytest.approx(1000.0)


def test_growth_and_the_grade_mix_reconciled_with_heavy_rare_earths(toy_ds):
    ctx = context(toy_ds)
    assert magnet_growth(ctx) == pytest.approx(2 ** (1 / 7) - 1)  # 100 t (2023) -> 200 t (2030)
    recipe = recipes(toy_ds, ctx.book)
    # 2023 shares (the 2025 row is after the base year): EVs 0.5 x (0, 0.8, 0.2) + other
    # 0.5 x (0.9, 0.1, 0) = N42 0.45, GBD 0.45, EH 0.1
    plenty = grade_mix(ctx, 1000.0, pd.Series({"Dy": 100.0, "Tb": 100.0}), recipe)
    assert plenty.world.to_dict() == pytest.approx({"N42": 0.45, "GBD": 0.45, "EH": 0.1})
    assert plenty.scale == 1.0
    assert plenty.of("wind_turbine").tolist() == [0.9, 0.1, 0.0]  # not listed: 'other'
    # 1,000 t of magnets need Tb 1,000 x (0.45 x 0.4 % + 0.1 x 1 %) = 2.8 t metal; with only
    # 1.4 t (1.4 / 0.85 t oxide) the heavy grades are halved and N42 takes the rest
    scarce = grade_mix(ctx, 1000.0, pd.Series({"Dy": 100.0, "Tb": 1.4 / 0.85}), recipe)
    assert scarce.scale == pytest.approx(0.5)
    assert scarce.world.to_dict() == pytest.approx({"N42": 0.725, "GBD": 0.225, "EH": 0.05})


def _mix(**shares: float) -> GradeMix:
    world = pd.Series(shares)
    return GradeMix(world=world, by_end_use=pd.DataFrame([world], index=["other"]), scale=1.0)


def test_magnet_demand_rows_with_growth_recycling_and_substitution(toy_ds):
    sc = scenario(
        events=[
            {"type": "demand", "name": "g", "region": "USA", "end_use": "all", "growth_rate": 0.1},
            {
                "type": "recycling",
                "region": "USA",
                "end_use": "all",
                "share": 0.2,
                "start": 2025,
                "ramp_up_years": 1,
            },
            {"type": "recycling", "region": "USA", "end_use": "other", "share": 0.9, "start": 2026},
            {
                "type": "substitution",
                "region": "USA",
                "end_use": "all",
                "to_grade": "N42",
                "share": 0.5,
                "start": 2025,
            },
        ]
    )
    ctx = context(toy_ds, sc)
    by_region = pd.Series({"USA": 75.0, "CHN": 600.0}).reindex(ctx.regions, fill_value=0.0)
    years = range(2024, 2027)
    world = pd.DataFrame({"other": [1.05 ** (y - 2024) for y in years]}, index=list(years))
    end_uses = EndUseDemand(
        world=world, shares=pd.Series({"other": 1.0}), drivers=world * float("nan"), base=2024
    )
    drivers = DemandDrivers(
        by_region, _mix(N42=0.6, GBD=0.4, EH=0.0), end_uses=end_uses, nonmagnet_growth=0.0,
        blocks=BLOCKS,
    )  # fmt: skip
    price = pd.Series({"N42": 100.0, "GBD": 300.0, "EH": 500.0})
    # the in-use stocks recycle 8.25 t of magnet material in the USA in 2025 beyond the
    # data's rate, all of it in 2026: primary magnets are what is left
    recycled = pd.DataFrame(
        [(2025, "USA", "Nd", 2.0), (2025, "USA", "rest", 6.25), (2026, "USA", "rest", 1e6)],
        columns=["year", "region", "element", "value"],
    )
    d = pd.DataFrame(base_magnet_rows(ctx, drivers, price=price, recycled=recycled))
    q = d.groupby(["year", "region", "item"])["reference"].sum()
    # USA 2025: 75 x 1.1 (its own growth) = 82.5 t less 8.25 t recycled, half of GBD -> N42
    usa = 75 * 1.1 - 8.25
    assert q[(2025, "USA", "GBD")] == pytest.approx(usa * 0.4 * 0.5)
    assert q[(2025, "USA", "N42")] == pytest.approx(usa * (0.6 + 0.2))
    assert (2026, "USA", "N42") not in q.index  # more recycled than used: no primary demand
    # the events' end-of-life recycling rates: 0.2 ramped over a year (0.1 in 2025), 0.9 on
    # top for 'other' from 2026, capped at 1; none where no event is in force
    rates = eol_recycling_rates(ctx, [2024, 2025, 2026], ["other", "wind_turbine"])
    rates = rates.set_index(["year", "region", "end_use"])["rate"]
    assert rates[(2025, "USA", "other")] == pytest.approx(0.1)
    assert rates[(2026, "USA", "other")] == 1.0 and rates[(2026, "USA", "wind_turbine")] == 0.2
    assert 2024 not in rates.index.get_level_values("year")
    assert q[(2026, "CHN", "GBD")] == pytest.approx(600 * 1.05**2 * 0.4)  # default growth
    n42 = d[(d["region"] == "CHN") & (d["year"] == 2024) & (d["item"] == "N42")]
    # China's N42: 60 % of 600 t = 360 t at the observed price; the first step is 60 % of it
    # at 20 x the price; the band (90-110 %) at the price, half of it in the reference
    steps = n42.set_index("block")
    assert tuple(steps.loc[0, ["quantity", "price", "firm"]]) == pytest.approx((216, 2000, 216))
    assert tuple(steps.loc[2, ["quantity", "price", "reference", "firm"]]) == pytest.approx(
        (72, 100, 36, 0)
    )
    assert n42["reference"].sum() == pytest.approx(360) and steps.loc[3, "reference"] == 0
    assert n42["firm"].sum() == pytest.approx(360 * 0.9)
    assert steps.loc[2, "price"] < steps.loc[1, "price"]  # GBD priced on its own
    assert d[(d["item"] == "GBD") & (d["block"] == 2)]["price"].unique().tolist() == [300.0]


def test_demand_event_rows_activity_times_intensity_and_factor(toy_ds):
    sc = scenario(
        intensity_factors={"ev_traction_motor": 1.5},
        events=[
            {
                "type": "demand",
                "name": "cars",
                "region": "DEU",
                "end_use": "ev_traction_motor",
                "activity": {"value": 1000, "unit": "vehicles/yr"},
                "start": 2025,
                "ramp_up_years": 1,
            },
            {
                "type": "demand",
                "name": "wind",
                "region": "JPN",
                "end_use": "wind_turbine",
                "activity": {"value": 1, "unit": "GW/yr"},
            },
            {
                "type": "demand",
                "name": "t",
                "region": "JPN",
                "end_use": "other",
                "activity": {"value": 1, "unit": "t magnet/yr"},
                "values": {2026: 7.0},
            },
        ],
    )
    ctx = context(toy_ds, sc)
    grades = grade_mix(
        ctx, 1000.0, pd.Series({"Dy": 100.0, "Tb": 100.0}), recipes(toy_ds, ctx.book)
    )
    price = pd.Series({"N42": 10.0, "GBD": 10.0, "EH": 10.0})
    d = pd.DataFrame(event_magnet_rows(ctx, BLOCKS, price=price, grades=grades))
    q = d.groupby(["year", "region", "item"])["reference"].sum()
    # 1,000 cars x 2 kg x factor 1.5 = 3 t (EV mix: GBD 80 %, EH 20 %); half in 2025
    assert q[(2025, "DEU", "GBD")] == pytest.approx(1.5 * 0.8)
    assert q[(2026, "DEU", "EH")] == pytest.approx(3.0 * 0.2)
    assert (2026, "DEU", "N42") not in q  # a zero share gives no row
    # 1 GW = 1,000 MW x 500 kg/MW (fleet average) = 500 t, in the 'other' mix (wind has none
    # of its own in the toy); 7 t in 2026 from values
    assert q[(2024, "JPN", "N42")] == pytest.approx(500.0 * 0.9)
    assert q[(2025, "JPN", "N42")] == pytest.approx(500.0 * 0.9)  # the 't' event: no 2025 value
    assert q[(2026, "JPN", "N42")] == pytest.approx((500.0 + 7.0) * 0.9)
    assert noted(ctx, "intensity factor ev_traction_motor")["value"] == 1.5
    assert sorted(d["price"].unique()) == [5.0, 10.0, 50.0, 200.0]


def test_nonmagnet_oxide_demand_is_what_magnets_leave(toy_ds):
    ctx = context(toy_ds)
    composition = pd.DataFrame(
        {"La": [0.5, 1.0], "Nd": [0.45, 0.0], "Dy": [0.05, 0.0]}, index=["P", "Q"]
    )
    pools = Pools(
        (
            pool_row("P", "CHN", "CHN", "x", 100.0, "own"),
            pool_row("Q", "AUS", "AUS", "y", 0.0, "project"),
        ),
        {},
    )
    recipe = pd.DataFrame({"Nd": [0.2, 0.2], "Dy": [0.0, 0.4]}, index=["N42", "GBD"])
    drivers = DemandDrivers(
        pd.Series({"A": 60.0, "B": 40.0}), _mix(N42=0.75, GBD=0.25), None, 0.1, BLOCKS
    )
    separated = base_separated(composition, pools, 0.9)
    residual = nonmagnet_oxide_demand(ctx, separated, drivers, recipe)
    # separated: 100 t x share x 0.9; magnets: 100 t, Nd metal 20 t = 25 t oxide (0.8 t/t);
    # Dy metal 100 t x 25 % GBD x 0.4 = 10 t = 11.5 t oxide, more than the 4.5 t separated: 0
    assert residual.to_dict() == pytest.approx({"La": 45.0, "Nd": 40.5 - 25.0, "Dy": 0.0})
    separation = pd.Series(0.0, index=ctx.regions)
    separation[["CHN", "AUS"]] = [75.0, 25.0]
    prices = pd.Series({"La": 1000.0, "Nd": 2000.0, "Dy": 3000.0})
    prices = pd.Series({"La": 1000.0, "Nd": 2000.0, "Dy": 3000.0, "Ce": float("nan")})
    d = pd.DataFrame(oxide_rows(ctx, residual, separation, drivers, prices))
    q = d.groupby(["year", "region", "item"])["reference"].sum()
    # placed where it was separated, growing 10 %/yr
    assert q[(2025, "CHN", "La")] == pytest.approx(45 * 0.75 * 1.1)
    assert q[(2024, "AUS", "Nd")] == pytest.approx(15.5 * 0.25)
    assert set(d["item"]) == {"La", "Nd"} and set(d["region"]) == {"CHN", "AUS"}
    assert d[(d["item"] == "Nd") & (d["block"] == 0)]["price"].unique().tolist() == [40_000]
    # an element without an observed price has no demand rows (never a placeholder price)
    residual["Ce"] = 10.0
    d = pd.DataFrame(oxide_rows(ctx, residual, separation, drivers, prices))
    assert "Ce" not in set(d["item"])


# -- prices ----------------------------------------------------------------------------------


def test_oxide_and_magnet_prices_and_costs(toy_ds):
    ctx = context(toy_ds)
    prices = oxide_prices(ctx, ["La", "Pr", "Nd", "Ce"])
    # base-year USGS average first [USD/kg x 1000]; Pr from the next year's China domestic
    # quote, less 13 % VAT, at 7 CNY/USD; Ce's only price is two years old: missing
    assert prices[["La", "Pr", "Nd"]].to_dict() == pytest.approx(
        {"La": 3000.0, "Pr": 339_000 / 1.13 / 7.0, "Nd": 50_000.0}
    )
    assert np.isnan(prices["Ce"])
    assert noted(ctx, "elements without an observed price")["value"] == ["Ce"]
    assert "less VAT 13%" in noted(ctx, "base price Pr")["how"]
    recipe = pd.DataFrame({"Nd": [0.2, 0.1], "Dy": [0.0, 0.1]}, index=["N42", "GBD"])
    metal_per_oxide = pd.Series({"Nd": 0.8, "Dy": 0.5})
    observed = pd.Series({"Nd": 50_000.0, "Dy": 3000.0})
    # N42: 0.2 x 50,000 / 0.8 = 12,500; GBD: 6,250 + 0.1 x 3,000 / 0.5 = 6,850; each plus
    # the magnet cost 20,000 and the metal cost 10,000 x its RE content (0.2 t/t)
    assert magnet_price(ctx.book, observed, recipe, metal_per_oxide).to_dict() == pytest.approx(
        {"N42": 34_500.0, "GBD": 28_850.0}
    )
    with pytest.raises(ReechainError, match="Dy"):
        magnet_price(ctx.book, observed.drop("Dy"), recipe, metal_per_oxide)
    costs = unit_costs(ctx.book)
    assert costs["stock_holding"] == pytest.approx(10.0)  # 10 % of disposal (100 USD/t)
    assert costs["transport_concentrate"] == 600.0


def test_demand_curve_steps_follow_the_elasticity(toy_ds):
    ctx = context(toy_ds)
    blocks = demand_blocks(ctx.book)
    by_part = {b.part for b in blocks}
    assert by_part == {"firm", "band", "extra"}
    band = next(b for b in blocks if b.part == "band")
    assert band.multiple == 1.0 and band.lower < 1.0 < band.upper
    # elasticity -0.5: a step's price is its mid quantity ^ -2, at most the choke (10 x)
    for b in blocks:
        if b.part != "band":
            mid = (b.lower + b.upper) / 2
            assert b.multiple == pytest.approx(min(10.0, mid**-2.0))
    prices = [b.multiple for b in sorted(blocks, key=lambda b: b.lower)]
    assert prices == sorted(prices, reverse=True)  # the curve slopes down
    assert sum(b.reference for b in blocks) == pytest.approx(1.0)


# -- events ----------------------------------------------------------------------------------


def test_project_pool_capacity_owners_dedication_and_offtake(toy_ds):
    sc = scenario(
        regions={"EU": ["DEU", "FRA"]},
        events=[
            {
                "type": "project",
                "name": "Bey",
                "country": "TUR",
                "stage": "separation",
                "feed": {"deposit": "d-grp"},
                "capacity": {"value": 1000, "unit": "t REO/yr"},
                "start": 2025,
                "ramp_up_years": 1,
                "owners": {"TUR": 0.6, "CHN": 0.4},
                "offtake": {"DEU": 0.3},
            },
            {
                "type": "project",
                "name": "Mag",
                "country": "FRA",
                "stage": "magnet",
                "capacity": {"value": 200, "unit": "t magnet/yr"},
                "start": 2026,
            },
        ],
    )
    ctx = context(toy_ds, sc)
    fx = project_effects(ctx, Pools((), {}))
    assert [p["pool"] for p in fx.pools] == ["d-grp:Bey"]
    assert fx.pools[0]["composition_id"] == "c1" and fx.pools[0]["base"] == 0.0
    assert noted(ctx, "project Bey feed")["value"] == "c1"
    added = {(a.stage, a.key): a.tonnes.tolist() for a in fx.capacity}
    # ramp [0, 1/2, 1] x 1,000 t, both for its mine pool and its plant
    assert added == {
        ("mining", "d-grp:Bey"): [0.0, 500.0, 1000.0],
        ("separation", "TUR"): [0.0, 500.0, 1000.0],
        ("magnet", "EU"): [0.0, 0.0, 200.0],
    }
    assert fx.dedicated.to_dict("records") == [{"deposit": "d-grp:Bey", "region": "TUR"}]
    assert fx.owners[["owner", "share"]].values.tolist() == [["TUR", 0.6], ["CHN", 0.4]]
    # offtake only in the years it produces, to the partner's region
    assert fx.offtake[["year", "origin", "dest", "share"]].values.tolist() == [
        [2025, "TUR", "EU", 0.3],
        [2026, "TUR", "EU", 0.3],
    ]


AUS_MINE_PROJECT = {
    "type": "project",
    "name": "P",
    "country": "AUS",
    "stage": "mining",
    "feed": {"deposit": "d-aus", "composition": "c1"},
    "capacity": {"value": 100, "unit": "t REO/yr"},
    "start": 2025,
}


def capacities_after_events(toy_ds, sc) -> tuple[Capacities, Capacities]:
    """Capacities 2024-2026 (AUS pool 150 t grown 10 %/yr; 100 t of separation and metal in AUS
    and JPN; JPN magnets 50 t grown 10 %/yr) before and after the scenario's events."""
    ctx = context(toy_ds, sc)
    years = ctx.years
    regions = pd.DataFrame(100.0, index=years, columns=["AUS", "JPN"])
    caps = Capacities(
        mine=pd.DataFrame({"AUS:c1": [150.0, 165.0, 181.5]}, index=years),
        separation=regions.copy(),
        metal=regions.copy(),
        magnet=pd.DataFrame({"AUS": 0.0, "JPN": [50.0, 55.0, 60.5]}, index=years),
    )
    fx = project_effects(ctx, Pools((), {}))
    pools = Pools((pool_row("AUS:c1", "AUS", "AUS", "c1", 150.0, "own"), *fx.pools), {})
    return caps, apply_capacity_events(ctx, caps, pools, fx, pd.Index(["AUS:c1", "d-aus:P"]))


def test_outages_after_projects_country_share_and_facility_tonnes(toy_ds):
    sc = scenario(
        events=[
            {
                "type": "outage",
                "country": "AUS",
                "stage": "mining",
                "share": 0.5,
                "from": "2025-07-01",
                "until": "2025-12-31",
            },
            AUS_MINE_PROJECT,
            {"type": "outage", "facility": "mag-j", "share": 0.5, "from": "2026-01-01"},
            {
                "type": "outage",
                "deposit": "d-aus",
                "stage": "separation",
                "share": 0.2,
                "from": "2024-01-01",
                "until": "2024-12-31",
            },
        ]
    )
    caps, out = capacities_after_events(toy_ds, sc)
    cut = 1 - 0.5 * IN_FORCE_JUL  # half of the second half of 2025
    assert out.mine.columns.tolist() == ["AUS:c1", "d-aus:P"]
    assert out.mine.loc[2025].tolist() == pytest.approx([165 * cut, 100 * cut])  # project too
    assert out.mine.loc[2026].tolist() == pytest.approx([181.5, 100.0])
    # half the facility's 30 t (2022 capacity) out of Japan's magnets from 2026
    assert out.magnet["JPN"].tolist() == pytest.approx([50.0, 55.0, 60.5 - 15.0])
    # a deposit's outage at a stage: its country's separation, 20 % in 2024
    assert out.separation["AUS"].tolist() == pytest.approx([80.0, 100.0, 100.0])
    assert caps.mine.shape == (3, 1) and caps.magnet.loc[2026, "JPN"] == 60.5  # not mutated


def test_a_mines_outage_comes_out_of_its_countrys_pools_pro_rata(toy_ds):
    sc = scenario(
        events=[
            AUS_MINE_PROJECT,
            {"type": "outage", "facility": "mine-a", "share": 0.5, "from": "2026-01-01"},
        ]
    )
    caps, out = capacities_after_events(toy_ds, sc)
    # half the mine's 60 t (2023 output) from 2026, out of AUS's 181.5 + 100 t of pools
    kept = 1 - 30 / 281.5
    assert out.mine.loc[2026].tolist() == pytest.approx([181.5 * kept, 100 * kept])
    assert out.mine.loc[2026].sum() == pytest.approx(281.5 - 30)
    assert out.mine.loc[2025].tolist() == pytest.approx([165.0, 100.0])
    assert out.separation.equals(caps.separation)


def test_a_project_capacity_in_kilotonnes_is_counted_in_tonnes(toy_ds):
    kilo = {**AUS_MINE_PROJECT, "capacity": {"value": 0.1, "unit": "kt REO/yr"}}
    _, in_tonnes = capacities_after_events(toy_ds, scenario(events=[AUS_MINE_PROJECT]))
    _, in_kilotonnes = capacities_after_events(toy_ds, scenario(events=[kilo]))
    assert in_kilotonnes.mine["d-aus:P"].tolist() == pytest.approx([0.0, 100.0, 100.0])
    pd.testing.assert_frame_equal(in_kilotonnes.mine, in_tonnes.mine)


# -- trade -----------------------------------------------------------------------------------


def _net(**extra: object) -> SimpleNamespace:
    recipe = pd.DataFrame({"Nd": [0.2, 0.2], "Dy": [0.0, 0.03]}, index=["N42", "GBD"])
    return SimpleNamespace(
        years=[2024, 2025],
        regions=["CHN", "DEU", "FRA", "JPN", "USA", ROW],
        elements=["La", "Nd", "Dy"],
        grades=["N42", "GBD"],
        recipe=recipe,
        prnd=None,
        **extra,
    )


def test_tariff_lanes_pro_rata_and_importer_excluded(toy_ds):
    sc = scenario(
        horizon=2025,
        events=[
            {
                "type": "tariff",
                "importer": "USA",
                "exporters": ["CHN", "USA"],
                "stages": ["magnet", "separation"],
                "elements": ["Nd", "Xx"],
                "rate": {"value": 1000, "unit": "USD/t"},
                "from": "2025-07-01",
            },
            {
                "type": "tariff",
                "importer": "JPN",
                "stages": ["metal"],
                "elements": "all",
                "rate": {"value": 10, "unit": "USD/t"},
                "from": "2024-01-01",
                "until": "2024-12-31",
            },
        ],
    )
    ctx = context(toy_ds, sc)
    rows = tariff_rows(ctx.events.tariffs[0], _net(), ctx.region_of)
    lanes = [(r["year"], r["kind"], r["item"], r["origin"], r["dest"]) for r in rows]
    assert lanes == [
        (2025, "magnet", "N42", "CHN", "USA"),
        (2025, "magnet", "GBD", "CHN", "USA"),
        (2025, "oxide", "Nd", "CHN", "USA"),
    ]
    assert [r["usd_per_t"] for r in rows] == pytest.approx([1000 * IN_FORCE_JUL] * 3)
    table = tariff_table(ctx, _net())
    metal = table[table["kind"] == "metal"]
    # every other region's metal into Japan, 2024 only, all three elements
    assert len(metal) == 5 * 3 and set(metal["year"]) == {2024}
    assert "JPN" not in set(metal["origin"]) and (metal["usd_per_t"] == 10.0).all()


def test_export_control_lanes_bloc_members_on_the_date_and_magnets_containing(toy_ds):
    sc = scenario(
        horizon=2025,
        events=[
            {"type": "demand", "name": "x", "region": "JPN", "end_use": "e", "growth_rate": 0.0},
            {
                "type": "export_control",
                "actor": "CHN",
                "elements": ["Dy", "Sm"],
                "stages": ["mining", "separation", "magnet"],
                "destinations": ["B1", "JPN"],
                "from": "2025-01-01",
                "quota": {"value": 100, "unit": "t/yr"},
            },
        ],
    )
    ctx = context(toy_ds, sc)
    [(i, ev)] = ctx.events.controls
    pools = ["CHN:c1", "CHN:c2", "AUS:c1"]
    net = _net(
        deposits=pools,
        deposit_region=pd.Series(["CHN", "CHN", "AUS"], index=pools),
        composition=pd.DataFrame(
            {"La": [0.5, 1.0, 0.5], "Nd": [0.4, 0.0, 0.4], "Dy": [0.1, 0.0, 0.1]}, index=pools
        ),
    )
    rows = control_rows(i, ev, ctx, net)
    # 2025 only; the concentrate of China's pool that holds Dy (c2 has none; AUS is not the
    # actor's), Dy oxide and the grade containing Dy (GBD); DEU is in B1, FRA joins in 2030
    assert [(r["year"], r["kind"], r["item"], r["dest"]) for r in rows] == [
        (2025, "concentrate", "CHN:c1", "DEU"),
        (2025, "concentrate", "CHN:c1", "JPN"),
        (2025, "oxide", "Dy", "DEU"),
        (2025, "oxide", "Dy", "JPN"),
        (2025, "magnet", "GBD", "DEU"),
        (2025, "magnet", "GBD", "JPN"),
    ]
    assert {(r["event"], r["origin"], r["mode"], r["quota"], r["in_force"]) for r in rows} == {
        (1, "CHN", "quota", 100.0, 1.0)
    }


# -- the whole build -------------------------------------------------------------------------


def test_build_calibrates_the_base_year_and_the_intensity_factor_touches_demand_only(toy_ds):
    def build(factor: float):
        sc = scenario(
            intensity_factors={"ev_traction_motor": factor},
            events=[
                {
                    "type": "demand",
                    "name": "cars",
                    "region": "TUR",
                    "end_use": "ev_traction_motor",
                    "activity": {"value": 1000, "unit": "vehicles/yr"},
                    "start": 2025,
                }
            ],
        )
        return build_inputs(toy_ds, sc)

    inputs = build(1.0)
    net = inputs.network
    assert net.mine_min.loc[2024].to_dict() == pytest.approx(
        {"CHN:c1": 600, "CHN:c2": 200, "AUS:c1": 150, "ZZZ:c1": 50, "CHN-scrap": 40}
    )
    assert (net.mine_min.loc[2025] == 0).all() and net.secondary == ["CHN-scrap"]
    # China grows at the quota growth (0.1 in the toy); elsewhere only projects add capacity
    assert net.sep_cap.loc[2025, ["CHN", "MYS", "USA"]].tolist() == pytest.approx(
        [910 * 1.1, 100, 30]
    )
    assert net.routes.to_dict("records") == [{"origin": "AUS", "dest": "MYS"}]
    tur = net.demand[(net.demand["region"] == "TUR") & (net.demand["year"] == 2025)]
    assert tur["reference"].sum() == pytest.approx(2.0)  # 1,000 cars x 2 kg
    doubled = build(2.0).network
    for name in ("mine_cap", "sep_cap", "metal_cap", "magnet_cap"):
        pd.testing.assert_frame_equal(getattr(doubled, name), getattr(net, name))
    tur2 = doubled.demand[(doubled.demand["region"] == "TUR") & (doubled.demand["year"] == 2025)]
    assert tur2["reference"].sum() == pytest.approx(4.0)
    assert np.isclose(inputs.pools["base"].sum(), 1040.0)
