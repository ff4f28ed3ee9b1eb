"""The USGS MCS importer on files in the data-release layout, quirks included.

``mcs2024-raree_salient.csv`` is the rare earths salient file of the USGS MCS 2024 data release
(doi:10.5066/P9WCYUI6) as published, byte for byte in its cells, read through the mirror the
embedded package cites (github.com/Redliana/cmm-data, API_Scripts/usgs_mcs_data/2024/salient/
salient/mcs2024-raree_salient.csv). Its layout is the real 2024 one, not one built from the
2025 file: ``USprod_Concentrate_t, USprod_Compounds-Metals_t, Imports_..., Exports_...,
Consump_Compounds-Metals_t, Price_CeO2_dkg ... Price_TbO2_dkg, Employment_m,
NIR_Compounds-Metals_t, NIR_Concentrate_t`` (the NIR columns say ``_t`` but hold percentages;
quoted ``"7,900"``; ``>95``; ``E``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from reechain import Dataset, metrics
from reechain.data.importers.usgs import clean_country, import_usgs, parse_cell
from reechain.data.importers.usgs_cells import parse_percent
from reechain.data.importers.usgs_salient import classify
from reechain.errors import ImportFormatError

from conftest import DATA, select

USGS = DATA / "usgs"
SALIENT_2024 = USGS / "mcs2024-raree_salient.csv"
SALIENT_2025 = USGS / "MCS2025_raree_salient.csv"
MARKET = (
    "USGS annual average (market basis not stated; Argus Non-Ferrous Markets in recent editions)"
)


@pytest.mark.parametrize(
    ("text", "value", "status"),
    [
        ("270,000", 270000.0, "reported"),
        ("W", None, "withheld"),
        ("NA", None, "missing"),
        ("", None, "missing"),
        ("—", 0.0, "reported"),
        (">95", 95.0, "reported"),
        ("e45,000", 45000.0, "estimated"),
        ("270,000e", 270000.0, "estimated"),
        ("1.5", 1.5, "reported"),
    ],
)
def test_parse_cell(text, value, status):
    cell = parse_cell(text)
    assert cell.value == value
    assert cell.status == status


def test_parse_cell_rejects_words():
    with pytest.raises(ValueError, match="not a number"):
        parse_cell("about 270 kt")


def test_clean_country_names():
    assert clean_country("United States2") == "United States"
    assert clean_country("World total (rounded)") == "World total"
    assert clean_country("China\xa0") == "China"


def test_world_and_salient_import_round_trip(tmp_path, ds):
    result = import_usgs(
        [USGS / "MCS2025_raree_world.csv", USGS / "MCS2025_raree_salient.csv"], tmp_path, ds
    )
    assert result.edition == "MCS2025"
    prod = result.production.set_index(["country", "year"])
    assert prod.loc[("CHN", 2024), "value"] == 270000
    assert prod.loc[("WLD", 2024), "value"] == 390000
    assert prod.loc[("CAN", 2024), "value"] == 0  # '—' is zero in USGS tables
    assert prod.loc[("CHN", 2024), "status"] == "estimated"  # Prod_t_est_ column
    res = result.reserves.set_index("country")
    assert res.loc["MMR", "status"] == "missing" and res["value"].isna()["MMR"]
    assert res.loc["WLD", "value"] == 90_000_000 and "'>90,000,000'" in res.loc["WLD", "note"]
    assert "Employment_mine_num" in " ".join(result.skipped_columns)
    assert "NIR_pct" not in " ".join(result.skipped_columns)  # imported: criticality_inputs
    nir = select(result.criticality_inputs, parameter="NIR").set_index("year")
    assert set(nir["stage"]) == {"overall"}  # NIR_pct does not say which stage
    assert nir.loc[2021, ["low", "high"]].tolist() == [0.95, 1.0] and pd.isna(
        nir.loc[2021, "value"]
    )
    assert pd.isna(nir.loc[2024, "value"]) and nir.loc[2024, "high"] == 0  # 'E': net exporter
    consumption = select(result.demand, metric="apparent_consumption").set_index("year")
    assert set(consumption["status"]) == {"withheld"} and consumption["value"].isna().all()
    # The package layers over the embedded data and passes every check.
    layered = Dataset.load(extra=tmp_path)
    s = metrics.shares(layered.production, "mining", 2024).set_index("group")
    assert s.loc["CHN", "share"] == pytest.approx(270000 / 390000)
    assert s.loc["USA", "value"] == 45000  # the imported salient row replaced MP's own figure
    assert (tmp_path / "sources.csv").read_text().count("usgs-mcs2025-data-release") == 1


def test_quirky_file_units_and_markers(tmp_path, ds):
    result = import_usgs([USGS / "quirks_world.csv"], tmp_path, ds)
    prod = result.production.set_index(["country", "year"])
    assert prod.loc[("USA", 2024), "status"] == "estimated"
    assert prod.loc[("USA", 2025), "status"] == "withheld"
    assert prod["value"].isna()[("USA", 2025)]
    assert prod.loc[("OTH", 2024), "status"] == "missing"
    res = result.reserves.set_index("country")
    assert res.loc["CHN", "value"] == 44_000_000  # Reserves_kt -> t
    assert res.loc["OTH", "value"] == 0


def test_newer_edition_becomes_preferred(tmp_path, ds):
    import_usgs([USGS / "MCS2025_raree_world.csv"], tmp_path, ds)
    result = import_usgs([USGS / "quirks_world.csv"], tmp_path, ds)
    world_2024 = select(result.production, country="WLD", year=2024)
    assert set(world_2024["edition"]) == {"MCS2025", "MCS2026"}
    assert world_2024.set_index("edition")["preferred"].to_dict() == {
        "MCS2025": False,
        "MCS2026": True,
    }


def test_malformed_file_writes_nothing(tmp_path, ds):
    with pytest.raises(
        ImportFormatError, match=r"broken_world.csv, line 3, column 'Prod_t_est_2024'"
    ):
        import_usgs([USGS / "broken_world.csv"], tmp_path, ds)
    assert not any(tmp_path.iterdir())


def test_unknown_country_names_line(tmp_path, ds):
    bad = tmp_path / "in.csv"
    bad.write_text(
        "Source,Country,Type,Prod_t_2023,Prod_t_est_2024,Prod_notes,Reserves_t,"
        "Reserves_notes\nMCS2025,Atlantis,Mine production,1,2,,3,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ImportFormatError, match="line 2, column 'Country': unknown country 'Atlantis'"
    ):
        import_usgs([bad], tmp_path / "out", ds)


def test_cli_import(cli, tmp_path):
    result = cli("data", "import-usgs", USGS / "MCS2025_raree_world.csv", "--out", tmp_path / "pkg")
    assert result.exit_code == 0, result.output
    assert "imported MCS2025: 36 production, 18 reserves" in result.output
    bad = cli("data", "import-usgs", USGS / "broken_world.csv", "--out", tmp_path / "pkg2")
    assert bad.exit_code == 2
    assert "broken_world.csv, line 3" in bad.output


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "status"),
    [
        (">95", None, 0.95, 1.0, "reported"),
        ("E", None, None, 0.0, "reported"),
        ("100", 1.0, None, None, "reported"),
        ("80e", 0.8, None, None, "estimated"),
        ("<1", None, 0.0, 0.01, "reported"),
        ("W", None, None, None, "withheld"),
        ("NA", None, None, None, "missing"),
    ],
)
def test_parse_percent_keeps_bounds_and_net_exporters(text, value, low, high, status):
    r = parse_percent(text)
    assert (r.value, r.low, r.high, r.status) == (value, low, high, status)


@pytest.mark.parametrize(
    ("column", "kind", "target"),
    [
        ("USprod_Concentrate_t", "production", "mining"),  # 2023, 2024
        ("USprod_Mineral_concentrates_t", "production", "mining"),  # 2025
        ("USprod_Compounds-Metals_t", "production", "separation"),
        ("Consump_Compounds-Metals_t", "consumption", "apparent_consumption"),
        ("Consump_Apparent_compounds_metals_t", "consumption", "apparent_consumption"),
        ("Consumption_estimated_t", "consumption", "estimated_consumption"),
        ("NIR_Compounds-Metals_t", "nir", "processing"),  # 2024: percentages despite '_t'
        ("NIR_Compounds-Metals_pct", "nir", "processing"),  # 2023
        ("NIR_Concentrate_t", "nir", "extraction"),
        ("NIR_pct", "nir", "overall"),
        ("Price_CeO2_dkg", "price", "CeO2"),
        ("Price_Dy2O3_dkg", "price", "Dy2O3"),
        ("Price_TbO2_dkg", "price", "Tb4O7"),
        ("Price_Mischmetal_dkg", "price", "mischmetal (65% Ce, 35% La)"),
        ("Price_Nd_oxide_dpkg", "price", "Nd2O3"),
    ],
)
def test_salient_columns_of_every_edition_are_recognised(column, kind, target):
    stat = classify(column)
    assert (stat.kind, stat.target) == (kind, target)


@pytest.mark.parametrize(
    "column", ["Employment_m", "Imports_Compounds_t", "Price_dt", "Consump_Reported_kt"]
)
def test_columns_without_a_table_are_skipped(column):
    assert classify(column) is None


def test_cli_imports_consumption_and_nir_bound_from_the_2024_release(cli, tmp_path):
    """Done when: import-usgs on a real salient file imports consumption 7,900 t (2021) and
    the net import reliance '>95' as a bound."""
    pkg = tmp_path / "pkg"
    result = cli("data", "import-usgs", SALIENT_2024, "--out", pkg)
    assert result.exit_code == 0, result.output
    assert "imported MCS2024" in result.output
    demand = pd.read_csv(pkg / "demand.csv")
    row = select(demand, metric="apparent_consumption", year=2021).iloc[0]
    assert (row["value"], row["unit"], row["region"]) == (7900, "t REO", "USA")
    assert row["material"] == "REO (compounds and metals)" and row["status"] == "reported"
    crit = pd.read_csv(pkg / "criticality_inputs.csv")
    nir = select(crit, parameter="NIR", year=2021).set_index("stage")
    assert pd.isna(nir.loc["processing", "value"])  # a bound, not a point
    assert nir.loc["processing", ["low", "high"]].tolist() == [0.95, 1.0]
    assert "printed >95 %" in nir.loc["processing", "note"]
    assert pd.isna(nir.loc["extraction", "value"]) and nir.loc["extraction", "high"] == 0
    assert "net exporter" in nir.loc["extraction", "note"]  # 'E' is no number 0
    assert select(crit, parameter="NIR", year=2019, stage="processing")["value"].tolist() == [1.0]
    assert set(crit["assessment"]) == {"USGS-MCS2024"}
    layered = Dataset.load(extra=pkg)
    consumption = select(layered.table("criticality_inputs"), assessment="USGS-MCS2024")
    assert (consumption["parameter"] == "apparent_consumption").sum() == 5


def test_every_price_column_is_imported_in_the_embedded_shape(tmp_path, ds):
    result = import_usgs([SALIENT_2024], tmp_path, ds)
    prices = result.prices
    assert len(prices) == 7 * 5  # seven price columns, five years
    assert set(prices["material"]) == {
        "CeO2",
        "Dy2O3",
        "Eu2O3",
        "La2O3",
        "mischmetal (65% Ce, 35% La)",
        "Nd2O3",
        "Tb4O7",
    }
    assert set(prices["unit"]) == {"USD/kg"} and set(prices["market"]) == {MARKET}
    tb = select(prices, material="Tb4O7", year=2021).iloc[0]
    assert tb["value"] == 1346 and "Tb4O7 basis assumed" in tb["note"]
    # Same material, purity and market as the embedded USGS rows: one key, comparable rows.
    embedded = ds.prices[ds.prices["market"] == MARKET]
    shape = ["material", "purity", "market", "period", "price_type", "unit"]
    assert set(map(tuple, prices[shape].fillna("-").values)) <= set(
        map(tuple, embedded[shape].fillna("-").values)
    )
    same = select(prices, material="Dy2O3", year=2021).iloc[0]
    ref = select(ds.prices, material="Dy2O3", year=2021, edition="MCS2024", market=MARKET)
    assert same["value"] == ref.iloc[0]["value"] == 410
    assert select(prices, year=2023)["status"].eq("estimated").all()  # 2023e in MCS2024


def test_older_edition_never_overrides_a_newer_embedded_one(tmp_path, ds):
    import_usgs([SALIENT_2024], tmp_path, ds)
    layered = Dataset.load(extra=tmp_path)

    def in_effect(table: pd.DataFrame, **equals) -> pd.Series:
        rows = select(table, **equals)
        rows = rows[rows["preferred"].fillna(False).astype(bool)]
        assert len(rows) == 1, rows
        return rows.iloc[0]

    demand = layered.table("demand")
    assert in_effect(demand, metric="apparent_consumption", year=2021)["source_id"] == (
        "usgs-mcs-2025"  # embedded MCS2025 stays in effect over the imported MCS2024
    )
    newer = in_effect(demand, metric="apparent_consumption", year=2019)  # embedded: MCS2021
    assert newer["source_id"] == "usgs-mcs2024-data-release" and newer["value"] == 11800
    prices = layered.prices
    assert in_effect(prices, material="Nd2O3", year=2021, market=MARKET)["edition"] == "MCS2026"
    assert in_effect(prices, material="Dy2O3", year=2022, market=MARKET)["edition"] == "MCS2025"
    assert in_effect(prices, material="CeO2", year=2022, market=MARKET)["edition"] == "MCS2024"
    mining = in_effect(
        layered.production, stage="mining", country="USA", year=2023, measure="output"
    )
    assert (mining["edition"], mining["value"]) == ("MCS2025", 41600)


def test_one_year_never_mixes_editions(tmp_path, ds):
    """The salient file has U.S. rows only: they do not take a year whose world table is
    another edition's (MCS2024's U.S. 2020 output stays an alternative to MCS2022's)."""
    import_usgs([SALIENT_2024, SALIENT_2025], tmp_path, ds)
    layered = Dataset.load(extra=tmp_path)

    def editions(data: Dataset, year: int) -> set[str]:
        rows = select(data.production, stage="mining", year=year, material="TREO")
        rows = rows[rows["preferred"].fillna(False).astype(bool) & rows["edition"].notna()]
        return set(rows["edition"])

    for year in range(2020, 2025):
        assert editions(layered, year) == editions(ds, year), year
    usa = select(layered.production, stage="mining", country="USA", year=2020)
    assert usa.set_index("edition")["preferred"].to_dict() == {
        "MCS2021": False,
        "MCS2022": True,
        "MCS2024": False,
        "MCS2025": False,
    }


@pytest.mark.parametrize("order", [(SALIENT_2024, SALIENT_2025), (SALIENT_2025, SALIENT_2024)])
def test_two_imported_editions_in_any_order(tmp_path, ds, order):
    for f in order:
        import_usgs([f], tmp_path, ds)
    demand = pd.read_csv(tmp_path / "demand.csv")
    rows = select(demand, metric="apparent_consumption", year=2022)
    assert rows.set_index("source_id")["preferred"].to_dict() == {
        "usgs-mcs2024-data-release": False,
        "usgs-mcs2025-data-release": True,
    }
    crit = pd.read_csv(tmp_path / "criticality_inputs.csv")
    assert set(crit["assessment"]) == {"USGS-MCS2024", "USGS-MCS2025"}
    Dataset.load(extra=tmp_path)


def test_salient_file_of_another_commodity_is_refused(tmp_path, ds):
    bad = tmp_path / "mcs2024-lithi_salient.csv"
    bad.write_text(
        "DataSource,Commodity,Year,USprod_t,Consump_t,NIR_pct\nMCS2024,Lithium,2023,W,W,>25\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError, match="line 2, column 'Commodity': 'Lithium'"):
        import_usgs([bad], tmp_path / "out", ds)
    assert not (tmp_path / "out").exists()


def test_net_exporter_elsewhere_than_nir_is_an_error(tmp_path, ds):
    bad = tmp_path / "mcs2024-raree_salient.csv"
    bad.write_text(
        "DataSource,Commodity,Year,Consump_Compounds-Metals_t\nMCS2024,Rare Earths,2023,E\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError, match="line 2, column 'Consump_Compounds-Metals_t'"):
        import_usgs([bad], tmp_path / "out", ds)
