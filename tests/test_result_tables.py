"""The typed result tables (reechain.engine.tables): hand-checked numbers on the toy networks,
mass balances re-derived from the tables alone on toys and on the Türkiye run, stable types
and units, and a run folder that never holds a half-written file."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from reechain.engine import tables
from reechain.engine.model import solve
from reechain.engine.results import RunResult, collect
from reechain.engine.tables import (
    FORMS,
    RESULT_TABLES,
    SCHEMAS,
    balance_summary,
    result_tables,
    supply_summary,
    to_arrow,
    write_tables,
)

from conftest import TURKIYE, select
from toys import magnet_chain, two_mines

TOL = 1e-6  # LP solution tolerance [t]
KEYS = ["year", "stage", "region", "material"]


def toy(net, foresight: bool = False) -> dict[str, pd.DataFrame]:
    return result_tables(collect(solve(net, foresight=foresight), "toy"))


def value(df: pd.DataFrame, **equals) -> float:
    """The one row of ``df`` with these column values (0 where there is none)."""
    rows = select(df, **equals)
    assert len(rows) <= 1, rows
    return float(rows["value"].sum())


# -- by hand ---------------------------------------------------------------------------------


def test_two_mines_by_hand():
    """55 t Nd demanded in R1: mine A (R1, 50 % Nd) runs at its 100 t, mine B (R2, 10 % Nd)
    gives the other 5 t from 50 t of ore. R2 ships its 5 t Nd to R1 and puts its 45 t La to
    surplus: production 50 = exports 5 + surplus 45. R1 uses its own 50 t Nd (not trade)."""
    t = toy(two_mines(55.0))
    prod, trade = t["production"], t["trade"]
    assert value(prod, stage="mining", region="R1", pool="A") == pytest.approx(100)
    assert value(prod, stage="mining", region="R2", pool="B") == pytest.approx(50)
    assert value(prod, stage="separation", region="R2", material="Nd") == pytest.approx(5)
    assert value(prod, stage="separation", region="R2", material="La") == pytest.approx(45)
    assert trade[["stage", "origin", "destination", "material", "form"]].values.tolist() == [
        ["separation", "R2", "R1", "Nd", "oxide"]
    ]
    assert value(trade, origin="R2") == pytest.approx(5)
    assert value(t["surplus"], region="R2", material="La") == pytest.approx(45)
    assert value(t["surplus"], region="R1", material="La") == pytest.approx(50)
    # production of R2's separation = what leaves R2 + its surplus (it uses none itself)
    r2 = select(prod, stage="separation", region="R2")["value"].sum()
    leaving = select(trade, stage="separation", origin="R2")["value"].sum()
    assert r2 == pytest.approx(leaving + select(t["surplus"], region="R2")["value"].sum())
    assert value(t["consumption"], region="R1", material="Nd") == pytest.approx(55)
    assert t["unmet"].empty and list(t["unmet"].columns) == SCHEMAS["unmet"].names
    # the Nd shadow price in R1 is the next tonne from B (see toys.two_mines): 21.4 USD/t
    nd = select(t["prices"], region="R1", material="Nd", form="oxide")
    assert nd[["value", "unit", "kind"]].values.tolist() == [[pytest.approx(21.4), "USD/t REO",
                                                              "shadow"]]  # fmt: skip


def test_magnet_chain_by_hand():
    """10 t of magnets for R3, made in R2 from R1's oxide (toys.magnet_chain): R1 separates
    3.499 t Nd, all shipped to R2, and 2.333 t La to surplus; R2 makes 3 t Nd metal and uses
    it itself (no metal trade), and ships its 10 t of magnets to R3."""
    t = toy(magnet_chain(10.0))
    prod, trade = t["production"], t["trade"]
    nd_oxide = 3 / 0.8574
    assert value(prod, stage="separation", region="R1", material="Nd") == pytest.approx(nd_oxide)
    assert value(prod, stage="separation", region="R1", material="La") == pytest.approx(
        nd_oxide / 0.6 * 0.4
    )
    assert value(prod, stage="metal", region="R2", material="Nd") == pytest.approx(3.0)
    assert value(prod, stage="magnet", region="R2", material="NdFeB:N42") == pytest.approx(10)
    assert select(trade, stage="metal").empty  # made and used in R2
    for stage, origin in (("separation", "R1"), ("magnet", "R2")):
        made = select(prod, stage=stage, region=origin)["value"].sum()
        leaving = select(trade, stage=stage, origin=origin)["value"].sum()
        extra = select(t["surplus"], stage=stage, region=origin)["value"].sum()
        assert made == pytest.approx(leaving + extra), stage
    assert value(trade, stage="magnet", origin="R2", destination="R3") == pytest.approx(10)
    assert value(t["consumption"], region="R3", material="NdFeB:N42") == pytest.approx(10)
    assert select(prod, stage="magnet")["unit"].tolist() == ["t magnet"]
    assert select(prod, stage="metal")["unit"].unique().tolist() == ["t metal"]


def test_consumption_plus_unmet_is_demand():
    """70 t Nd demanded, 60 t possible: 60 t consumed, 10 t unmet; and on a magnet shortage
    (no metal capacity) all of the magnets go unmet."""
    t = toy(two_mines(70.0))
    assert value(t["consumption"], region="R1", material="Nd") == pytest.approx(60)
    assert value(t["unmet"], region="R1", material="Nd", form="oxide") == pytest.approx(10)
    for net in (two_mines(70.0), two_mines(20.0), magnet_chain(10.0)):
        t = toy(net)
        both = pd.concat([t["consumption"], t["unmet"]])
        got = both.groupby(["year", "region", "form", "material"])["value"].sum()
        want = _demand(net)
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)


def _demand(net) -> pd.Series:
    d = net.demand.assign(form=net.demand["kind"])
    d["material"] = d["item"].where(d["kind"] != "magnet", "NdFeB:" + d["item"])
    return d.groupby(["year", "region", "form", "material"])["quantity"].sum().astype(float)


def test_magnets_with_no_plant_are_unmet_in_t_magnet():
    from dataclasses import replace

    net = magnet_chain(10.0)
    net = replace(net, magnet_cap=net.magnet_cap * 0.0)
    t = toy(net)
    assert t["unmet"][["form", "material", "value", "unit"]].values.tolist() == [
        ["magnet", "NdFeB:N42", pytest.approx(10.0), "t magnet"]
    ]
    assert value(t["consumption"], region="R3") == pytest.approx(0.0)


def test_stocks_in_foresight_and_an_empty_table_otherwise():
    """Perfect foresight over 2030-2031 with 100 t Nd wanted in 2031 only (60 t possible a
    year): 2030 puts 40 t Nd into stock in R1 ... at least; myopic runs have no stocks."""
    net = two_mines(0.0, years=(2030, 2031))
    net.demand.loc[net.demand["year"] == 2031, "quantity"] = 100.0
    t = toy(net, foresight=True)
    stock = select(t["stocks"], year=2030, material="Nd")
    assert stock["value"].sum() >= 40 - TOL
    assert set(stock["unit"]) == {"t REO"} and set(stock["form"]) == {"oxide"}
    assert t["unmet"].empty
    _assert_balanced(t, net)
    myopic = toy(two_mines(55.0))["stocks"]
    assert myopic.empty
    assert to_arrow("stocks", myopic).schema == SCHEMAS["stocks"]


# -- balances re-derived from the tables alone -------------------------------------------------


def _drawn(t: dict[str, pd.DataFrame], net) -> pd.DataFrame:
    """What each region's next stage takes of a stage's product [t], from the production table
    and the network's factors: oxide for its metal (t metal / metal per oxide), metal for its
    magnets (recipe; Pr and Nd together as 'Pr+Nd' when their split is the model's)."""
    prod = t["production"]
    metal = prod[prod["stage"] == "metal"]
    oxide = metal.assign(
        stage="separation",
        value=metal["value"] / metal["material"].map(net.metal_per_oxide).astype(float),
    )
    magnets = prod[prod["stage"] == "magnet"]
    rows = []
    recipe = net.recipe.copy()
    if net.prnd is not None:
        recipe["Pr+Nd"] = net.prnd.reindex(recipe.index).fillna(0.0)
    for r in magnets.itertuples():
        grade = r.material.split(":", 1)[1]
        for element, per in recipe.loc[grade].items():
            if per:
                rows.append((r.year, "metal", r.region, element, r.value * per))
    metal_use = pd.DataFrame(rows, columns=[*KEYS, "value"])
    return pd.concat([oxide[[*KEYS, "value"]], metal_use], ignore_index=True)


def _residual(t: dict[str, pd.DataFrame], net) -> pd.Series:
    """Per year, stage, region and material: production + imports - exports - surplus - stock
    change - consumption - what the next stage takes [t], re-derived from the tables (Pr and
    Nd metal as Pr+Nd where the network chooses their split). Zero where the books balance."""

    def by(df: pd.DataFrame, region: str = "region", sign: float = 1.0) -> pd.Series:
        if df.empty:
            return pd.Series(dtype=float)
        df = df.rename(columns={region: "region"})
        return sign * df.groupby(KEYS)["value"].sum()

    change = _stock_change(t["stocks"], net.years)
    made = t["production"][t["production"]["stage"].isin(["separation", "metal", "magnet"])]
    terms = [
        by(made),
        by(t["trade"], "destination"),
        by(t["trade"], "origin", -1.0),
        by(t["surplus"], sign=-1.0),
        by(change, sign=-1.0),
        by(t["consumption"], sign=-1.0),
        by(_drawn(t, net), sign=-1.0),
    ]
    terms = [s for s in terms if len(s)]
    total = pd.concat(terms, axis=1).fillna(0.0).sum(axis=1)
    # concentrate (mining, secondary) is checked in test_mining_output_goes_to_separation
    total = total[~total.index.get_level_values("stage").isin(["mining", "secondary"])]
    if net.prnd is not None:  # the model's Pr/Nd split of magnet metal: Pr+Nd together
        idx = total.index.to_frame(index=False)
        is_prnd = (idx["stage"] == "metal") & idx["material"].isin(["Pr", "Nd", "Pr+Nd"])
        idx.loc[is_prnd, "material"] = "Pr+Nd"
        total = (
            pd.Series(total.to_numpy(), index=pd.MultiIndex.from_frame(idx))
            .groupby(level=KEYS)
            .sum()
        )
    return total


def _stock_change(stocks: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Stock put in during each year [t REO] (end of year less end of the year before, the
    stock before the first year 0), from the stocks table (a row only where a stock is)."""
    if stocks.empty:
        return stocks
    held = (
        stocks.pivot_table(
            index=["region", "material"], columns="year", values="value", aggfunc="sum"
        )
        .reindex(columns=sorted(years), fill_value=0.0)
        .fillna(0.0)
    )
    delta = held.diff(axis=1).fillna(held)
    out = delta.stack().rename("value").reset_index()
    return out.assign(stage="separation")


def _assert_balanced(t: dict[str, pd.DataFrame], net) -> None:
    residual = _residual(t, net)
    scale = max(1.0, float(t["production"]["value"].abs().max()))
    worst = residual.abs().sort_values(ascending=False).head(3)
    assert worst.iloc[0] <= 1e-6 * scale, worst


@pytest.mark.parametrize(
    "net", [two_mines(40.0), two_mines(55.0), two_mines(70.0), magnet_chain(10.0)]
)
def test_toy_balances_from_the_tables(net):
    _assert_balanced(toy(net), net)


def test_mining_output_goes_to_separation(turkiye):
    """Concentrate: what each region mines or recycles + imports - exports = what it
    separates (capacity use of separation) [t REO]."""
    t = result_tables(turkiye.result)
    prod = t["production"][t["production"]["form"] == "concentrate"]
    trade = t["trade"][t["trade"]["form"] == "concentrate"]
    have = (
        prod.groupby(["year", "region"])["value"].sum()
        .add(trade.groupby(["year", "destination"])["value"].sum().rename_axis(["year", "region"]),
             fill_value=0.0)
        .sub(trade.groupby(["year", "origin"])["value"].sum().rename_axis(["year", "region"]),
             fill_value=0.0)
    )  # fmt: skip
    use = turkiye.capacity_use
    used = use[use["stage"] == "separation"].set_index(["year", "region"])["used"]
    diff = have.sub(used, fill_value=0.0).abs()
    assert diff.max() <= 1e-6 * max(1.0, float(used.max())), diff.nlargest(3)


def test_real_run_balances_from_the_tables(turkiye):
    _assert_balanced(result_tables(turkiye.result), turkiye.inputs.network)


# -- what a reader can rely on -----------------------------------------------------------------


def test_tables_have_their_schema_and_one_unit_per_stage_and_form(turkiye):
    t = result_tables(turkiye.result)
    assert set(t) == set(RESULT_TABLES)
    for name, df in t.items():
        assert list(df.columns) == SCHEMAS[name].names, name
        assert to_arrow(name, df).schema == SCHEMAS[name], name
        assert not df.drop(columns=["pool"], errors="ignore").isna().any().any(), name
        if len(df):
            assert (df.groupby(["stage", "form"])["unit"].nunique() == 1).all(), name
            assert set(df["form"]) <= set(FORMS.values()), name
            assert (df["period"] == df["year"].astype(str)).all(), name
    prod = t["production"]
    assert set(prod["stage"]) == {"mining", "secondary", "separation", "metal", "magnet"}
    assert prod["pool"].notna().eq(prod["form"] == "concentrate").all()
    assert not prod["material"].isin(["REM", "NdFeB"]).any()  # no totals beside their parts
    assert set(prod.loc[prod["form"] == "oxide", "material"]) <= set(
        turkiye.inputs.network.elements
    )
    assert set(t["prices"]["kind"]) == {"shadow"}
    assert {"WLD"}.isdisjoint(prod["region"])


def test_trade_is_between_different_regions_only(turkiye):
    trade = result_tables(turkiye.result)["trade"]
    assert len(trade) and not (trade["origin"] == trade["destination"]).any()
    flows = turkiye.flows  # the in-memory flows also hold domestic use: not in trade
    domestic = flows[flows["origin"] == flows["destination"]]
    assert len(domestic)


def test_world_totals_match_the_flows_totals(turkiye):
    """The tables' sums per stage equal the flows' world rows (which the tables leave out):
    t REO mined, t metal, t magnet. The flows' separation TREO is the concentrate taken in;
    the table's oxide is what comes out of it (times recovery), element by element."""
    prod = result_tables(turkiye.result)["production"]
    flows = turkiye.flows
    world = flows[flows["origin"] == "WLD"].set_index(["year", "stage", "material"])["value"]
    for stage, total in (("mining", "TREO"), ("metal", "REM"), ("magnet", "NdFeB")):
        ours = prod[prod["stage"] == stage].groupby("year")["value"].sum()
        theirs = world.xs((stage, total), level=["stage", "material"])
        pd.testing.assert_series_equal(ours, theirs, check_names=False, rtol=1e-9)
    oxide = prod[prod["stage"] == "separation"].groupby("year")["value"].sum()
    elements = world.xs("separation", level="stage").drop("TREO", level="material")
    theirs = elements.groupby(level="year").sum()
    pd.testing.assert_series_equal(oxide, theirs, check_names=False, rtol=1e-9)


def test_base_year_has_no_unmet_demand(turkiye):
    """The observed base year is served in full by construction; a residual fails the test
    with its form, material, region and tonnes."""
    base_year = turkiye.scenario.base_year
    unmet = result_tables(turkiye.result)["unmet"]
    left = unmet[unmet["year"] == base_year]
    residual = left.groupby(["form", "material", "unit", "region"])["value"].sum()
    text = "; ".join(f"{' '.join(k[:2])} {k[3]} {v:,.1f} {k[2]}" for k, v in residual.items())
    assert left.empty, f"the base year {base_year} leaves demand unmet: {text}"


def test_summaries_never_add_across_forms(turkiye):
    t = result_tables(turkiye.result)
    horizon = turkiye.scenario.horizon
    bal = balance_summary(t["unmet"], t["surplus"], horizon)
    assert bal.groupby("form")["unit"].nunique().eq(1).all()
    assert bal[["form", "material"]].values.tolist()[0] == ["magnet", "all grades"]
    for element in ("Pr+Nd", "Dy", "Tb"):
        assert len(select(bal, form="oxide", material=element)) == 1
    magnets = select(t["unmet"], year=horizon, form="magnet")["value"].sum()
    assert value(bal.rename(columns={"unmet": "value"}), form="magnet", material="all grades") == (
        pytest.approx(magnets)
    )
    supply = supply_summary(t["production"], [turkiye.scenario.base_year, horizon])
    assert supply["year"].tolist() == [turkiye.scenario.base_year, horizon]
    prod = t["production"]
    magnets_made = prod[(prod["stage"] == "magnet") & (prod["year"] == horizon)]
    assert supply["magnets_t"].iloc[-1] == pytest.approx(magnets_made["value"].sum())
    chn = magnets_made.loc[magnets_made["region"] == "CHN", "value"].sum()
    assert supply["magnets_CHN"].iloc[-1] == pytest.approx(chn / magnets_made["value"].sum())
    for column in ("Dy_CHN", "Tb_CHN", "Pr+Nd_CHN"):
        assert 0 < supply[column].iloc[-1] <= 1


# -- the run folder ----------------------------------------------------------------------------

FOLDER = {f"{name}.parquet" for name in RESULT_TABLES}


def test_run_folder_holds_the_seven_tables(cli, tmp_path, reuse_turkiye, turkiye):
    out = tmp_path / "out"
    out.mkdir()
    (out / "flows.parquet").write_bytes(b"an earlier version's mixed table")
    r = cli("run", TURKIYE, "--out", out)
    assert r.exit_code == 0, r.output
    files = {p.name for p in out.iterdir()}
    assert files >= FOLDER
    assert {"owner_flows.parquet", "provenance.parquet", "capacity_use.parquet"} <= files
    assert "flows.parquet" not in files and "pool_output.parquet" not in files
    assert not [f for f in files if f.endswith(".tmp")]
    expected = result_tables(turkiye.result)
    for name in RESULT_TABLES:
        assert pq.read_schema(out / f"{name}.parquet") == SCHEMAS[name]
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), expected[name])
    # the screen: unmet and surplus per form and material, magnets, Dy and Tb beside separation
    assert "Unmet demand and surplus, 2035" in r.output
    assert "t magnet" in r.output and "Pr+Nd" in r.output
    assert "world output and China's share" in r.output
    assert "unmet demand in 2035:" not in r.output  # no sum across forms any more


def test_a_failing_writer_leaves_no_half_written_file(tmp_path, monkeypatch, turkiye):
    """The fourth table fails to write: no temporary file is left behind, the tables already
    written are not renamed into place, and an earlier run's file stays whole."""
    out = tmp_path / "run"
    before = write_tables({"production": result_tables(turkiye.result)["production"]}, out)
    old = before[0].read_bytes()
    real = pq.write_table
    calls = []

    def failing(table, where, *args, **kwargs):
        calls.append(where)
        if len(calls) == 4:
            real(table.slice(0, 1), where, *args, **kwargs)  # part of a file, then the failure
            raise OSError("disk full")
        return real(table, where, *args, **kwargs)

    monkeypatch.setattr(tables.pq, "write_table", failing)
    with pytest.raises(OSError, match="disk full"):
        write_tables(result_tables(turkiye.result), out)
    assert len(calls) == 4
    assert sorted(p.name for p in out.iterdir()) == ["production.parquet"]
    assert before[0].read_bytes() == old


def test_empty_result_gives_empty_typed_tables():
    empty = RunResult(
        name="none",
        mode="myopic",
        flows=pd.DataFrame(columns=["year", "stage", "material", "origin", "destination",
                                    "owner", "value", "unit", "source"]),
        prices=pd.DataFrame(columns=["year", "region", "kind", "item", "price"]),
        unmet=pd.DataFrame(columns=["year", "region", "kind", "item", "unmet"]),
        surplus=pd.DataFrame(columns=["year", "region", "element", "surplus"]),
        capacity_use=pd.DataFrame(),
        pool_output=pd.DataFrame(columns=["year", "deposit", "value"]),
    )  # fmt: skip
    for name, df in result_tables(empty).items():
        assert df.empty and to_arrow(name, df).schema == SCHEMAS[name], name
