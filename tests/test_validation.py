"""Each validation error, triggered by one bad row in a user package layered over the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from reechain import Dataset
from reechain.data.schema import embedded_schema
from reechain.errors import DataValidationError, ReechainError

from conftest import write_package as write

PROD_HEADER = embedded_schema().tables["production"].column_names


def prod(**kw) -> dict:
    row = {
        "stage": "mining",
        "country": "AUS",
        "year": "2030",
        "material": "TREO",
        "measure": "output",
        "value": "1000",
        "unit": "t REO",
        "basis": "REO",
        "status": "reported",
        "edition": "",
        "preferred": "true",
        "source_id": "usgs-mcs-2025",
        "note": "test row",
    }
    row.update(kw)
    return row


def problems(tmp_path: Path, table: str, rows: list[dict]) -> str:
    with pytest.raises(DataValidationError) as info:
        Dataset.load(extra=write(tmp_path / "pkg", table, rows))
    return str(info.value)


def test_a_good_user_row_loads_and_wins(tmp_path):
    ds = Dataset.load(
        extra=write(
            tmp_path / "pkg",
            "production",
            [prod(country="WLD", year="2024", value="400000", edition="MCS2099")],
        )
    )
    p = ds.production
    world = p[
        (p["country"] == "WLD")
        & (p["year"] == 2024)
        & (p["stage"] == "mining")
        & (p["measure"] == "output")
    ]
    assert world.loc[world["preferred"], "value"].tolist() == [400000]
    assert len(world) >= 3  # the embedded editions stay visible as alternatives


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (prod(country="ATL"), "line 2, column 'country': unknown country 'ATL'"),
        (prod(material="Nx"), "column 'material': unknown element 'Nx'"),
        (prod(stage="smelting"), "column 'stage': unknown stage 'smelting'"),
        (prod(year="20x4"), "column 'year': '20x4' is not a valid integer"),
        (prod(unit="kg"), "column 'unit': unknown unit 'kg'"),
        (prod(unit="t metal", basis="metal"), "unit 't metal' does not fit stage 'mining'"),
        (prod(measure="share", unit="fraction", value="1.7"), "share 1.7 is above 1"),
        (prod(value="-5"), "negative value -5"),
        (prod(source_id=""), "column 'source_id': a value is required"),
        (prod(source_id="my-notes"), "unknown source id 'my-notes'"),
        (prod(status="withheld", value="0"), "status is 'withheld' but a value is given"),
        (prod(status="reported", value=""), "status is 'reported' but the value is empty"),
    ],
)
def test_one_error_per_problem(tmp_path, row, expected):
    message = problems(tmp_path, "production", [row])
    assert "pkg/production.csv" in message
    assert expected in message


def test_shares_summing_over_one(tmp_path):
    rows = [
        prod(
            country=c,
            measure="share",
            unit="fraction",
            value=v,
            stage="metal",
            basis="metal",
            material="REM",
            year="2031",
        )
        for c, v in (("AUS", "0.6"), ("USA", "0.5"))
    ]
    rows = [{**r, "unit": "fraction"} for r in rows]
    assert "country shares of metal REM in 2031 sum to 1.100" in problems(
        tmp_path, "production", rows
    )


def test_conflicting_duplicates_without_a_preferred_mark(tmp_path):
    rows = [
        prod(value="1000", preferred="false", edition="A"),
        prod(value="1200", preferred="false", edition="B"),
    ]
    msg = problems(tmp_path, "production", rows)
    assert "2 rows for stage=mining, country=AUS, year=2030" in msg
    assert "none is marked preferred" in msg


def test_composition_not_summing_to_100(tmp_path):
    rows = [
        {
            "composition_id": "bad",
            "ore_type": "monazite",
            "element": e,
            "value": v,
            "unit": "% TREO",
            "complete": "true",
            "status": "reported",
            "preferred": "false",
            "source_id": "usgs-mcs-2025",
        }
        for e, v in (("La", "40"), ("Ce", "40"))
    ]
    msg = problems(tmp_path, "compositions", rows)
    assert "composition 'bad' sums to 80.00 % of TREO" in msg


def test_unknown_bloc_in_membership(tmp_path):
    rows = [
        {
            "bloc_id": "NATO",
            "country": "TUR",
            "role": "member",
            "start_date": "1952-02-18",
            "source_id": "usgs-mcs-2025",
        }
    ]
    assert "unknown bloc 'NATO'" in problems(tmp_path, "bloc_membership", rows)


def test_bad_date_and_header(tmp_path):
    rows = [
        {
            "bloc_id": "BRICS",
            "country": "TUR",
            "role": "member",
            "start_date": "2027/01/01",
            "source_id": "usgs-mcs-2025",
        }
    ]
    assert "write dates as YYYY-MM-DD" in problems(tmp_path, "bloc_membership", rows)
    folder = tmp_path / "hdr"
    folder.mkdir()
    (folder / "production.csv").write_text("stage,country,tonnes\nmining,AUS,1\n")
    with pytest.raises(DataValidationError, match="missing column"):
        Dataset.load(extra=folder)


def test_not_a_folder(tmp_path):
    with pytest.raises(ReechainError, match="is not a folder"):
        Dataset.load(extra=tmp_path / "nope")
