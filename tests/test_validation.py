"""Each validation error, triggered by one bad row of a user's table. The checks run directly
on the small table (read as ``Dataset.load`` reads it) beside the tables it refers to; two
tests load whole packages: a good row layered over the data, and every bad row at once with
its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reechain import Dataset
from reechain.data.checks import run_all
from reechain.data.dataset import read_table
from reechain.errors import DataValidationError, ReechainError

from conftest import production_row as prod
from conftest import select
from conftest import write_package as write


def issues_in(tmp_path: Path, ds: Dataset, table: str, rows: list[dict]) -> str:
    """Every problem the data checks find in ``rows`` of a user's ``table``, one per line:
    the table is written, read and typed as ``Dataset.load`` does, then checked beside the
    session's tables that it refers to (not a whole package: no load, no re-validation)."""
    schema = ds.schema
    spec = schema.tables[table]
    path = write(tmp_path / "pkg", table, rows) / spec.path
    df, issues = read_table(spec, path, label=f"pkg/{spec.path}")
    around = {c.references for c in spec.columns if c.references} | {"countries", "elements"}
    issues += run_all(schema, {**{n: ds.located(n) for n in around - {table}}, table: df})
    return "\n".join(str(i) for i in issues)


def test_a_good_user_row_loads_and_wins(tmp_path):
    ds = Dataset.load(
        extra=write(
            tmp_path / "pkg",
            "production",
            [prod(country="WLD", year="2024", value="400000", edition="MCS2099")],
        )
    )
    world = select(ds.production, country="WLD", year=2024, stage="mining", measure="output")
    assert world.loc[world["preferred"], "value"].tolist() == [400000]
    assert len(world) >= 3  # the embedded editions stay visible as alternatives


# One bad row each, and what the checks say about it (the row is on line 2 of its file).
BAD_ROWS = [
    (prod(country="ATL"), "column 'country': unknown country 'ATL'"),
    (prod(material="Nx"), "column 'material': unknown element 'Nx'"),
    (prod(stage="smelting"), "column 'stage': unknown stage 'smelting'"),
    (prod(year="20x4"), "column 'year': '20x4' is not a valid integer"),
    (prod(unit="kg"), "column 'unit': unknown unit 'kg'"),
    (prod(unit="t metal", basis="metal"), "unit 't metal' does not fit stage 'mining'"),
    (prod(measure="share", unit="fraction", value="1.7"), "share 1.7 is above 1"),
    (prod(value="-5"), "negative value -5"),
    (prod(source_id=""), "column 'source_id': a value is required"),
    (prod(source_id="my-notes"), "column 'source_id': unknown source id 'my-notes'"),
    (prod(status="withheld", value="0"), "status is 'withheld' but a value is given"),
    (prod(status="reported", value=""), "status is 'reported' but the value is empty"),
]


@pytest.mark.parametrize(("row", "expected"), BAD_ROWS)
def test_one_error_per_problem(tmp_path, ds, row, expected):
    found = issues_in(tmp_path, ds, "production", [row]).splitlines()
    here = "pkg/production.csv, line 2, column '"
    assert any(text.startswith(here) and expected in text for text in found), found


def test_every_bad_row_is_named_by_file_and_line_on_load(tmp_path):
    """The same rows in one user package: loading it raises one error that lists every
    problem with the file and line to edit (and the unknown source among them)."""
    rows = [{**row, "year": row["year"] if row["year"] == "20x4" else str(2030 + i)}
            for i, (row, _) in enumerate(BAD_ROWS)]  # fmt: skip
    with pytest.raises(DataValidationError) as info:
        Dataset.load(extra=write(tmp_path / "pkg", "production", rows))
    issues = info.value.issues
    for line, (_, expected) in enumerate(BAD_ROWS, start=2):
        here = [str(i) for i in issues if i.file.endswith("pkg/production.csv") and i.line == line]
        assert any(expected in text for text in here), (line, expected, here)
    message = str(info.value)
    assert f"{len(issues)} problem(s) in the data package" in message
    assert "pkg/production.csv, line 11, column 'source_id': unknown source id 'my-notes'" in (
        message
    )


def test_shares_summing_over_one(tmp_path, ds):
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
    found = issues_in(tmp_path, ds, "production", rows)
    assert "country shares of metal REM in 2031 sum to 1.100 (> 1 + 0.02); lines 2, 3" in found


def test_conflicting_duplicates_without_a_preferred_mark(tmp_path, ds):
    rows = [
        prod(value="1000", preferred="false", edition="A"),
        prod(value="1200", preferred="false", edition="B"),
    ]
    msg = issues_in(tmp_path, ds, "production", rows)
    assert "2 rows for stage=mining, country=AUS, year=2030" in msg
    assert "(lines 2, 3) and none is marked preferred" in msg


def test_composition_not_summing_to_100(tmp_path, ds):
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
    msg = issues_in(tmp_path, ds, "compositions", rows)
    assert "composition 'bad' sums to 80.00 % of TREO" in msg


def test_unknown_bloc_in_membership(tmp_path, ds):
    rows = [
        {
            "bloc_id": "NATO",
            "country": "TUR",
            "role": "member",
            "start_date": "1952-02-18",
            "source_id": "usgs-mcs-2025",
        }
    ]
    found = issues_in(tmp_path, ds, "bloc_membership", rows)
    assert "pkg/bloc_membership.csv, line 2, column 'bloc_id': unknown bloc 'NATO'" in found


def test_bad_date_and_header(tmp_path, ds):
    rows = [
        {
            "bloc_id": "BRICS",
            "country": "TUR",
            "role": "member",
            "start_date": "2027/01/01",
            "source_id": "usgs-mcs-2025",
        }
    ]
    assert "write dates as YYYY-MM-DD" in issues_in(tmp_path, ds, "bloc_membership", rows)
    folder = tmp_path / "hdr"
    folder.mkdir()
    (folder / "production.csv").write_text("stage,country,tonnes\nmining,AUS,1\n")
    df, issues = read_table(ds.schema.tables["production"], folder / "production.csv")
    assert df.empty and len(issues) == 1 and issues[0].line == 1
    assert "missing column(s) ['year'," in issues[0].message
    assert "unknown column(s) ['tonnes']" in issues[0].message


def test_not_a_folder(tmp_path):
    with pytest.raises(ReechainError, match="is not a folder"):
        Dataset.load(extra=tmp_path / "nope")
