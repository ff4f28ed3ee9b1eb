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
    assert (ds.trade["source_id"] == "trade-import-baci_hs17_y2022_v202401").sum() == 14


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
