"""BACI and Comtrade imports on files in their published layouts."""

from __future__ import annotations

import pandas as pd
import pytest

from reechain import Dataset
from reechain.data.importers.trade import import_trade
from reechain.errors import ImportFormatError

from conftest import DATA, select

TRADE = DATA / "trade"


def test_baci_keeps_rare_earth_codes_and_units(tmp_path):
    result = import_trade(TRADE / "BACI_HS17_Y2022_V202401.csv", tmp_path)
    assert result.rows_read == 9 and result.rows_kept == 7  # pig iron and cars dropped
    t = pd.read_csv(tmp_path / "trade.csv")
    magnets = select(t, reporter="CHN", partner="DEU", product="permanent_magnets")
    magnets = magnets.set_index("unit")
    assert magnets.loc["t", "value"] == pytest.approx(9512.3)
    assert magnets.loc["USD", "value"] == pytest.approx(512_345_678)  # thousand USD -> USD
    missing = select(t, partner="JPN", reporter="CHN", unit="t").iloc[0]
    assert pd.isna(missing["value"]) and missing["status"] == "missing"  # NA stays missing
    # the package layers over the embedded data and passes every check
    ds = Dataset.load(extra=tmp_path)
    baci = ds.trade[ds.trade["source_id"] == "trade-import-baci_hs17_y2022_v202401"]
    # 7 flows x 2 units as the exporter's exports and as the importer's imports (what
    # GeoPolRisk reads), plus each importer's total per product and unit (partner WLD)
    assert (baci["flow"] == "export").sum() == 14
    assert ((baci["flow"] == "import") & (baci["partner"] != "WLD")).sum() == 14
    assert len(baci) == 40


def test_baci_malformed_row_imports_nothing(tmp_path):
    (tmp_path / "country_codes_V1.csv").write_text(
        (TRADE / "country_codes_V202401.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text((TRADE / "broken_baci.csv").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(ImportFormatError, match=r"line 3, column 'v': 'four hundred'"):
        import_trade(bad, out)
    assert not out.exists()


def test_comtrade_keeps_each_reporters_view(tmp_path):
    result = import_trade(TRADE / "comtrade_bulk.csv", tmp_path)
    assert result.rows_kept == 3
    t = pd.read_csv(tmp_path / "trade.csv")
    assert set(t["flow"]) == {"export", "import"}
    world = select(t, partner="WLD", unit="t").iloc[0]
    assert world["status"] == "missing"  # no net weight given
    kg = select(t, reporter="CHN", partner="DEU", unit="t").iloc[0]
    assert kg["value"] == pytest.approx(9512.3)  # kg -> t
    Dataset.load(extra=tmp_path)


def test_unknown_format_and_country(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not a Comtrade bulk file"):
        import_trade(odd, tmp_path / "o")
    baci = tmp_path / "b.csv"
    baci.write_text("t,i,j,k,v,q\n2022,999,276,850511,1,1\n", encoding="utf-8")
    (tmp_path / "country_codes_V1.csv").write_text(
        (TRADE / "country_codes_V202401.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(ImportFormatError, match="country code 999"):
        import_trade(baci, tmp_path / "o2")


def baci_with_aggregates(folder):
    """A BACI file (real layout) with an aggregate exporter (490, 'Other Asia, nes', ISO3
    S19), a country new to the dataset (533, Aruba) and a blank quantity, and its country
    table (the real one's rows for them added)."""
    codes = (TRADE / "country_codes_V202401.csv").read_text(encoding="utf-8")
    codes += '490,"Other Asia, nes",,S19\n533,Aruba,AW,ABW\n516,Namibia,NA,NAM\n'
    (folder / "country_codes_V202401.csv").write_text(codes, encoding="utf-8")
    data = folder / "BACI_HS17_Y2022_V202401.csv"
    data.write_text(
        "t,i,j,k,v,q\n"
        "2022,156,392,284690,100.000,  10.000\n"
        "2022,490,392,284690,50.000,   5.000\n"
        "2022,156,533,284690,1.000,    0.100\n"
        "2022,458,276,850511,20.000,\n"
        "2022,156,276,850511,80.000,   8.000\n",
        encoding="utf-8",
    )
    return data


def test_baci_aggregates_new_countries_and_blank_quantity_are_counted(tmp_path, caplog):
    data = baci_with_aggregates(tmp_path)
    with caplog.at_level("WARNING"):
        result = import_trade(data, tmp_path / "pkg")
    assert result.rows_kept == 5
    assert result.aggregates == {"S19 (Other Asia, nes) as OTH": 1}
    assert result.countries_added == {"ABW": "Aruba"}
    assert result.missing_quantity == [5]  # the file line of the blank quantity
    assert "line(s) 5" in caplog.text and "S19" in caplog.text
    t = pd.read_csv(tmp_path / "pkg" / "trade.csv")
    oth = select(t, reporter="OTH", partner="JPN", unit="t").iloc[0]
    assert oth["value"] == 5 and "S19" in oth["note"]
    blank = select(t, reporter="MYS", partner="DEU", unit="t").iloc[0]
    assert pd.isna(blank["value"]) and "line 5" in blank["note"]
    countries = pd.read_csv(tmp_path / "pkg" / "countries.csv")
    assert countries.set_index("iso3").loc["ABW", "name"] == "Aruba"
    note = pd.read_csv(tmp_path / "pkg" / "sources.csv")["note"].iloc[0]
    assert "1 without a quantity" in note and "S19" in note and "ABW" in note
    Dataset.load(extra=tmp_path / "pkg")


def test_baci_importer_rows_feed_geopolrisk(tmp_path):
    from reechain.analysis.criticality import geopolrisk

    data = baci_with_aggregates(tmp_path)
    pkg = tmp_path / "pkg"
    import_trade(data, pkg, importer_rows=True)
    t = pd.read_csv(pkg / "trade.csv")
    jpn = select(t, flow="import", reporter="JPN", unit="t").set_index("partner")["value"]
    assert jpn.to_dict() == {"CHN": 10, "OTH": 5, "WLD": 15}  # the aggregate: unnamed
    deu = select(t, flow="import", reporter="DEU", partner="WLD", unit="t").iloc[0]
    assert pd.isna(deu["value"]) and deu["status"] == "missing"  # never a partial sum
    assert select(t, flow="import", reporter="DEU", partner="WLD", unit="USD").iloc[0][
        "value"
    ] == pytest.approx(100_000)
    ds = Dataset.load(extra=pkg)
    row = geopolrisk(ds, "JPN", "ree_compounds", 2022).iloc[0]
    assert row["imports"] == 15 and row["import_basis"] == "imports reported by JPN"
    assert "partners of 33.3% of imports" in row["missing"]  # S19's share stays unnamed
    assert row["score_high"] > 0  # the low end waits for Japan's own separation output
