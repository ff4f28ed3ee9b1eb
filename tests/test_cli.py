"""The CLI through Typer's runner (on the session dataset: the ``cli`` fixture): real numbers
out, one clear line and exit 2 on bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest


def test_shares_mining_2024_shows_china_at_69_2(cli):
    r = cli("shares", "--stage", "mining", "--year", "2024")
    assert r.exit_code == 0, r.output
    assert "CHN" in r.output and "69.2%" in r.output
    assert "390,000" in r.output


def test_shares_json_and_csv(cli):
    r = cli("shares", "--stage", "mining", "--year", "2024", "--format", "json")
    rows = json.loads(r.output)
    china = next(x for x in rows if x["group"] == "CHN")
    assert round(china["share"], 4) == 0.6923
    r = cli("shares", "--stage", "mining", "--year", "2024", "--format", "csv")
    assert r.output.splitlines()[0].startswith("year,stage,material,group,share")


def test_shares_by_bloc_with_turkiye(cli):
    r = cli("shares", "--stage", "mining", "--year", "2024", "--by", "bloc", "--add", "BRICS:TUR")
    assert r.exit_code == 0, r.output
    assert "BRICS + TUR" in r.output and "70.6%" in r.output


def test_shares_by_owner(cli):
    r = cli("shares", "--stage", "mining", "--year", "2024", "--by", "owner", "--format", "json")
    assert r.exit_code == 0, r.output
    usa = next(x for x in json.loads(r.output) if x["group"] == "USA")
    # MP Materials owns Mountain Pass: 45,455 t (its own 2024 figure) of 390,000 t
    assert usa["value"] == 45455 and round(usa["share"], 4) == round(45455 / 390000, 4)
    r = cli(
        "shares", "--stage", "separation", "--year", "2023", "--by", "owner", "--material", "TREO"
    )
    assert r.exit_code == 2 and "no published world total" in r.output


def test_concentration_series(cli):
    r = cli(
        "concentration", "--stage", "mining", "--from", "2020", "--to", "2024", "--format", "json"
    )
    rows = json.loads(r.output)
    assert [x["year"] for x in rows] == [2020, 2021, 2022, 2023, 2024]
    assert all(0 < x["hhi"] <= 10_000 for x in rows)


def test_balance_beylikova(cli):
    r = cli("balance", "--deposit", "beylikova", "--tonnes", "10000")
    assert r.exit_code == 0, r.output
    assert "no published element split" in r.output
    assert "NdPr oxide: 1,570 t" in r.output
    assert "sources:" in r.output


def test_deposit_show_and_data_commands(cli):
    r = cli("deposit", "show", "beylikova")
    assert r.exit_code == 0, r.output
    assert "Eti Maden" in r.output and "ore_throughput" in r.output
    assert cli("data", "list").exit_code == 0
    r = cli(
        "data",
        "show",
        "production",
        "--where",
        "country=CHN",
        "--where",
        "year=2024",
        "--format",
        "json",
    )
    assert all(x["country"] == "CHN" for x in json.loads(r.output))
    assert "usgs-mcs-2025" in cli("data", "sources", "--search", "Mineral Commodity").output
    assert "rationale" in cli("data", "assumptions", "--format", "csv").output.splitlines()[0]
    assert "17" in cli("data", "sql", "select count(*) as n from elements").output
    assert "every check passed" in cli("data", "validate").output


def test_bad_input_is_one_line_and_exit_2(cli):
    for args, expected in [
        (("shares", "--stage", "mine", "--year", "2024"), "unknown stage 'mine'"),
        (("shares", "--stage", "mining", "--year", "1990"), "no mining TREO data for 1990"),
        (("shares", "--stage", "mining", "--year", "2024", "--element", "Xx"), "unknown element"),
        (
            ("shares", "--stage", "mining", "--year", "2024", "--by", "bloc", "--add", "BRICS:TRK"),
            "unknown country 'TRK'",
        ),
        (("balance", "--deposit", "nowhere", "--tonnes", "1"), "unknown deposit 'nowhere'"),
        (("data", "show", "mines"), "unknown table 'mines'"),
        (("data", "sql", "select * from nothing"), "SQL error"),
    ]:
        r = cli(*args)
        assert r.exit_code == 2, (args, r.output)
        assert expected in r.output, (args, r.output)
        assert "Traceback" not in r.output


@pytest.mark.parametrize("tonnes", ["1e308", "1.0000001e12", "inf", "nan", "-1"])
def test_balance_tonnes_beyond_the_bound_is_one_line_naming_it(cli, tonnes):
    from reechain.engine.scenario import MAX_QUANTITY

    r = cli("balance", "--deposit", "beylikova", "--tonnes", tonnes)
    assert r.exit_code == 2, r.output
    assert f"--tonnes must be a number from 0 to {MAX_QUANTITY:,.0f} t REO" in r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert not re.search(r"\b(inf|nan)\b", r.output, re.I)


def test_overview_writes_a_page(cli, tmp_path):
    out = tmp_path / "overview.html"
    r = cli("overview", "--out", str(out), "--until", "2025")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "BRICS" in html and "Sources" in html and "usgs-mcs-2025" in html
    assert '<script src="http' not in html  # Plotly is inlined: the page works offline


def test_criticality_side_by_side_and_each_method(cli):
    r = cli("criticality", "--group", "HREE")
    assert r.exit_code == 0, r.output
    assert "5.1/4.2 critical (HREE)" in r.output and "0.95–1.00" in r.output
    rows = json.loads(cli("criticality", "--element", "Nd", "--format", "json").output)
    assert rows[0]["eu_sr_high"] == pytest.approx(4.150, abs=1e-3)
    assert rows[0]["eu_published_of"] == "LREE"
    eu = json.loads(
        cli("criticality", "--method", "eu", "--element", "Tb", "--format", "json").output
    )
    assert {"sr_high", "ei_high"} <= set(eu[0])
    usgs = json.loads(
        cli("criticality", "--method", "usgs", "--year", "2024", "--format", "json").output
    )
    separation = next(r for r in usgs if r["stage"] == "separation")
    assert separation["te_low"] == pytest.approx(0.8) and separation["sr"] is None
    gpr = cli("criticality", "--method", "gpr", "--importer", "TUR", "--format", "csv")
    assert gpr.exit_code == 0 and "ree_compounds_and_metals" in gpr.output


def test_criticality_bad_input(cli):
    for args, expected in [
        (("criticality", "--method", "gpr", "--element", "Nd"), "traded products"),
        (("criticality", "--group", "MREE"), "unknown group 'MREE'"),
        (("criticality", "--element", "Nd", "--group", "LREE"), "not both"),
        (("criticality", "--method", "gpr", "--importer", "POL"), "no imports by partner"),
        (("criticality", "--method", "usgs", "--importer", "ZZZ"), "unknown country 'ZZZ'"),
        (("criticality", "--year", "2005"), "no EU assessment in or before 2005"),
    ]:
        r = cli(*args)
        assert r.exit_code == 2, (args, r.output)
        assert expected in r.output, (args, r.output)
        assert "Traceback" not in r.output


def test_sql_reads_the_tables_only_unless_files_are_allowed(cli, tmp_path):
    """A query can neither write nor read a file (review L11) unless --allow-files: one line,
    exit 2, nothing written."""
    target = tmp_path / "wrote.csv"
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the query", encoding="utf-8")
    reads = f"select content from read_text('{secret}')"
    for sql in (f"COPY (select 42 as x) TO '{target}'", reads):
        r = cli("data", "sql", sql)
        assert r.exit_code == 2, r.output
        assert "--allow-files" in r.output and "not for the query" not in r.output
        assert "Traceback" not in r.output
    assert not target.exists()
    locked = cli("data", "sql", "SET memory_limit = '100GB'")
    assert locked.exit_code == 2 and "locked" in locked.output
    allowed = cli("data", "sql", reads, "--allow-files")
    assert allowed.exit_code == 0 and "not for the query" in allowed.output


def test_version(cli):
    from reechain import __version__

    r = cli("--version")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == f"reechain {__version__}"


@pytest.mark.slow
def test_the_console_script_in_a_real_process():
    """The installed `reechain` entry point (pyproject [project.scripts]): CSV on stdout."""
    exe = shutil.which("reechain")
    assert exe, "the reechain console script is not installed (pip install -e .)"
    out = subprocess.run(
        [exe, "shares", "--stage", "mining", "--year", "2024", "--format", "csv"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    china = next(r for r in rows if r["group"] == "CHN")
    assert float(china["value"]) == 270_000 and float(china["world"]) == 390_000


def test_bad_files_and_paths_are_one_line_errors(cli, tmp_path):
    """Reliability review M4: a non-UTF-8 scenario, an --out whose folder doesn't exist, an
    empty SQL query and a store that isn't one exit 2 with one line, never a traceback."""
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"name: caf\xe9\nbase_year: 2024\nhorizon: 2030\n")
    not_a_store = tmp_path / "store.duckdb"
    not_a_store.write_text("name: x\n")
    cases = [
        (["validate", str(latin1)], "not UTF-8"),
        (["data", "docs", "--out", str(tmp_path / "no" / "dir" / "x.md")], "No such file"),
        (["data", "sql", " "], "the query is empty"),
        (["ensemble", "list", "--store", str(not_a_store)], "error"),
    ]
    for args, needle in cases:
        r = cli(*args)
        assert r.exit_code == 2, (args, r.exit_code, r.output)
        assert needle in r.output and "Traceback" not in r.output, (args, r.output)


def test_a_negative_row_limit_is_refused(cli):
    r = cli("data", "show", "production", "--limit", "-1")
    assert r.exit_code == 2 and "limit" in r.output


def test_more_bad_inputs_are_one_line(cli, tmp_path):
    """Reliability review M4 (the rest): an overview before the data starts, a table that is
    a folder, a binary scenario file."""
    folder_table = tmp_path / "pk"
    (folder_table / "production.csv").mkdir(parents=True)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02binary")
    cases = [
        (["overview", "--until", "1800", "--out", str(tmp_path / "o.html")], "the data starts"),
        (["data", "validate", "--data", str(folder_table)], "cannot read"),
        (["validate", str(binary)], "not valid YAML"),
    ]
    for args, needle in cases:
        r = cli(*args)
        assert r.exit_code == 2 and needle in r.output and "Traceback" not in r.output, args
