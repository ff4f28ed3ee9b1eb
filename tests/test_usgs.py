"""The USGS MCS importer on files in the data-release layout, quirks included."""

from __future__ import annotations

import pytest

from reechain import Dataset, metrics
from reechain.data.importers.usgs import clean_country, import_usgs, parse_cell
from reechain.errors import ImportFormatError

from conftest import DATA, select

USGS = DATA / "usgs"


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
    assert "NIR_pct" in " ".join(result.skipped_columns)
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
