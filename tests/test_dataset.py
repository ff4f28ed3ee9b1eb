"""The embedded dataset: it loads, it reproduces published figures, and blocs answer by date."""

from __future__ import annotations

import pytest

from reechain import metrics
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.data.schema import embedded_data_dir
from reechain.errors import DataValidationError, UnknownNameError

from conftest import SHARE_TOL, select

EMBEDDED = embedded_data_dir()


def test_every_table_loads_with_its_schema_columns(ds):
    for name, table in ds.schema.tables.items():
        assert list(ds.table(name).columns) == table.column_names, name
    assert len(ds.elements) == 17
    assert set(ds.elements["symbol"]) >= {"Sc", "Y", "La", "Nd", "Pr", "Dy", "Tb", "Lu"}


def test_china_share_of_2024_mining_matches_usgs_mcs_2025(ds):
    # USGS MCS 2025: China 270,000 t of a world 390,000 t REO in 2024 -> 69.2 %
    s = metrics.shares(ds.production, "mining", 2024).set_index("group")
    assert s.loc["CHN", "value"] == 270_000
    assert s["world"].iloc[0] == 390_000
    assert s.loc["CHN", "share"] == pytest.approx(0.6923, abs=SHARE_TOL)
    assert round(100 * s.loc["CHN", "share"], 1) == 69.2


def test_iea_separation_share_about_ninety_percent(ds):
    s = metrics.shares(ds.production, "separation", 2023, material="Pr+Nd+Tb+Dy")
    china = s.set_index("group").loc["CHN"]
    assert 0.85 <= china["share"] <= 0.95
    assert "iea-gcmo-2024" in china["source"]


def test_usgs_editions_are_kept_and_one_is_preferred(ds):
    world_2024 = select(ds.production, stage="mining", country="WLD", year=2024, measure="output")
    assert set(world_2024["value"]) >= {390_000, 380_000}  # MCS 2025 and MCS 2026
    assert world_2024.loc[world_2024["preferred"], "edition"].tolist() == ["MCS2025"]


def test_missing_and_withheld_stay_missing(ds):
    p = ds.production
    empty = p[p["status"].isin(["missing", "withheld"])]
    assert len(empty) > 0 and empty["value"].isna().all()
    flows = observed_flows(p)
    assert flows.loc[flows["value"].isna()].shape[0] >= 1  # kept, so coverage can count them


def test_element_factors_from_atomic_weights(ds):
    e = ds.elements.set_index("symbol")
    # Nd2O3: 2 x 144.242 / (2 x 144.242 + 3 x 15.999) = 0.8574
    assert e.loc["Nd", "metal_per_oxide"] == pytest.approx(0.8574, abs=1e-4)
    assert e.loc["Ce", "oxide_formula"] == "CeO2"
    assert e.loc["Dy", "group_eu"] == "HREE" and e.loc["Gd", "group_usgs"] == "light"


def test_bloc_membership_by_date(ds):
    before = ds.bloc_members("BRICS", on="2023-12-31")
    after = ds.bloc_members("BRICS", on="2024-01-01")
    assert "EGY" not in before and "EGY" in after
    assert "TUR" not in ds.bloc_members("BRICS", on="2025-06-01")
    assert "TUR" in ds.bloc_members("BRICS", on="2025-06-01", roles=["applicant"])
    assert "GBR" in ds.bloc_members("EU27", on="2019-12-31")
    assert "GBR" not in ds.bloc_members("EU27", on="2020-02-01")
    assert len(ds.bloc_members("OECD", on="2025-01-01")) == 38
    assert "TUR" in ds.bloc_members("OECD", on="2025-01-01")


def test_unknown_codes_name_the_nearest(ds):
    with pytest.raises(UnknownNameError, match="did you mean 'TUR'"):
        ds.check_country("TUX")
    with pytest.raises(UnknownNameError, match="unknown element 'Nx'"):
        ds.check_element("Nx")
    with pytest.raises(UnknownNameError, match="unknown bloc"):
        ds.bloc_members("NATO")
    assert ds.check_element("nd") == "Nd"


def test_brics_share_with_and_without_turkiye(ds):
    b = metrics.bloc_shares(ds, ds.production, "mining", 2024, add={"BRICS": ["TUR"]})
    b = b.set_index("group")
    # Members on 31 Dec 2024: CHN 270,000 + IND 2,900 + RUS 2,500 + BRA 20 (+ ZAF 0) of 390,000
    assert b.loc["BRICS", "share"] == pytest.approx((270_000 + 2_900 + 2_500 + 20) / 390_000)
    # Türkiye mines no rare earths yet: joining changes nothing at the mining stage
    assert b.loc["BRICS + TUR", "share"] == pytest.approx(b.loc["BRICS", "share"])


def test_tables_by_name_and_as_attributes(ds):
    deposits = ds.table("deposits")
    assert ds.deposits is deposits
    beylikova = deposits.set_index("deposit_id").loc["beylikova"]
    assert (beylikova["country"], beylikova["status"]) == ("TUR", "development")
    assert beylikova["operator"].startswith("Eti Maden")
    assert deposits.set_index("deposit_id").loc["mountain-pass", "operator"] == (
        "MP Materials Corp."
    )
    with pytest.raises(UnknownNameError, match="unknown table"):
        ds.table("mines")


def test_data_dictionary_is_current():
    """docs/data-dictionary.md is rendered from datapackage.json and the run results' table
    definitions (reechain.engine.tables); regenerate with
    `reechain data docs --out docs/data-dictionary.md` after changing either."""
    from pathlib import Path

    from reechain.cli.data import dictionary

    committed = Path(__file__).parents[1] / "docs" / "data-dictionary.md"
    assert committed.read_text(encoding="utf-8") == dictionary()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("1000,t REO,REO,estimated,MCS2025,true,usgs-mcs-2025,note with, a comma",
         "line 2: 14 fields where the header has 13"),
        ("inf,t REO,REO,estimated,MCS2025,true,usgs-mcs-2025,x", "'inf' is not a valid number"),
        ("1e400,t REO,REO,estimated,MCS2025,true,usgs-mcs-2025,x", "'1e400' is not a valid number"),
        ("1000,t REO,REO,estimated,MCS2025,true,;;,x", "';;' names no source id"),
        ("1e300,t REO,REO,estimated,MCS2025,true,usgs-mcs-2025,x",
         "is more than the world total 390,000 of mining TREO in 2024"),
    ],
)  # fmt: skip
def test_overlay_rows_that_would_mislead_are_refused_with_their_line(tmp_path, cells, message):
    """Reliability review M7: a comma in an unquoted note, a non-finite number and an empty
    source list are errors with file, line and column, never a traceback or a silent pass."""
    head = (EMBEDDED / "production.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "production.csv").write_text(
        f"{head}\nmining,TUR,2024,TREO,output,{cells}\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError) as err:
        Dataset.load(extra=tmp_path)
    assert message in str(err.value) and "production.csv" in str(err.value)


def test_projections_are_not_history(ds):
    """Issue 14, data truth: the IEA's 2030 and 2035 shares and other projected rows never
    enter the observed series (a concentration chart drew them as history)."""
    flows = observed_flows(ds.table("production"))
    assert flows["year"].max() <= 2025
    conc = metrics.concentration(metrics.shares(flows, "separation", None, material="Pr+Nd+Tb+Dy"))
    assert 2030 not in set(conc["year"])
    kept = observed_flows(ds.table("production"), projected=True)
    assert {2030, 2035} <= set(kept["year"])
