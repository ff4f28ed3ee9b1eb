"""Scenario commands through Typer's runner (on the session dataset and, for the Türkiye
example, the session's solves), and one real process."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from reechain.engine.tables import result_tables

from conftest import EXAMPLES, TURKIYE, select, turkish_magnets_consumed, turkish_magnets_made


def test_validate_and_schema(cli):
    r = cli("validate", TURKIYE)
    assert r.exit_code == 0 and "ok:" in r.output and "3 event(s)" in r.output
    schema = json.loads(cli("scenario", "schema").output)
    assert schema["title"] == "reechain scenario"


def test_validate_reports_line_and_field(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = TURKIYE.read_text(encoding="utf-8").replace(
        "country: TUR\n    stage: separation", "country: TRK\n    stage: separation"
    )
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    country: TRK") + 1  # the line the error must name
    r = cli("validate", str(bad))
    assert r.exit_code == 2
    assert "events[0].country: unknown country or region 'TRK'" in r.output
    assert f"line {line}," in r.output
    assert "Traceback" not in r.output


def test_run_writes_results_and_report(cli, tmp_path, reuse_turkiye, turkiye, turkiye_baseline):
    r = cli("run", TURKIYE, "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert reuse_turkiye == [turkiye.scenario.name, turkiye_baseline.scenario.name]
    production = pd.read_parquet(tmp_path / "out" / "production.parquet")
    pd.testing.assert_frame_equal(production, result_tables(turkiye.result)["production"])
    plant = select(production, stage="mining", region="TUR", form="concentrate")
    # Beylikova from 2028 with three ramp-up years: a quarter of 10,000 t REO/yr per year
    by_year = plant.set_index("year")["value"].reindex([2028, 2029, 2031], fill_value=0.0)
    assert by_year.tolist() == pytest.approx([2_500, 5_000, 10_000])
    assert set(plant["pool"]) == {"beylikova:Beylikova separation plant"}
    assert not (tmp_path / "out" / "flows.parquet").exists()
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.count('"type":"sankey"') == 1  # the figure's own JSON, not plotly.js
    assert "Beylikova separation plant" in html and "baseline" in html
    assert "Projects [t/yr], 2035" in r.output and "TUR" in r.output
    # Beylikova's split (borrowed from Mountain Pass) does not itemise Dy or Tb: missing, not 0
    projects = r.output[r.output.index("Projects [t/yr]") : r.output.index("Demand events")]
    beylikova = next(line for line in projects.splitlines() if "10,000" in line)
    assert beylikova.count("–") == 2 and " 0 │" not in beylikova
    assert "does not itemise the element (unknown, not zero)" in r.output
    assert "Supply risk of the scenario&#x27;s regions&#x27; magnets" in html


def test_calibrate_table(cli):
    r = cli("calibrate", "--format", "json")
    rows = json.loads(r.output)
    mining = [x for x in rows if x["stage"] == "mining" and x["country"] == "CHN"]
    assert mining and abs(mining[0]["residual_pp"]) <= 2


def test_run_a_missing_file_is_one_line(cli):
    r = cli("run", "nope.yaml")
    assert r.exit_code == 2 and "cannot read scenario nope.yaml" in r.output


def test_compare_two_scenarios(cli, tmp_path):
    short = []
    for name in ("myanmar-outage", "turkiye-beylikova"):
        path = tmp_path / f"{name}.yaml"
        text = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
        path.write_text(text.replace("horizon: 2035", "horizon: 2028"), encoding="utf-8")
        short.append(str(path))
    r = cli("compare", *short, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = pd.DataFrame(json.loads(r.output))
    # unmet demand per form, in its own unit, never added across forms
    assert not rows["metric"].str.fullmatch(r"unmet \[t\]").any()
    unmet = select(rows, metric="unmet magnet [t magnet]", year=2025).iloc[0]
    # without Myanmar's 2025 feed (A) far more magnets go unmet than with it (B)
    assert unmet["A"] > unmet["B"] + 1000
    assert unmet["B - A"] == pytest.approx(unmet["B"] - unmet["A"])
    assert len(select(rows, metric="surplus oxide [t REO]", year=2025)) == 1


def test_dependency_and_stress_commands(cli):
    r = cli("dependency", "--consumer", "EU27", "--element", "Dy", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = pd.DataFrame(json.loads(r.output))
    assert rows.groupby("stage")["share"].sum().round(6).eq(1.0).all()
    assert rows.loc[rows["supplier"] == "CHN", "effective_dependency"].max() == pytest.approx(1.0)
    r = cli("stress", "--stage", "mining", "--year", "2024", "--k", "1", "--format", "json")
    row = json.loads(r.output)[0]
    assert row["withdrawn"] == "CHN"
    assert row["remaining"] == pytest.approx(1 - 270000 / 390000, abs=0.01)
    bad = cli("dependency", "--consumer", "XXX")
    assert bad.exit_code == 2 and "unknown country 'XXX'" in bad.output


@pytest.mark.slow
def test_scenario_geopolrisk_is_clean_csv_on_stdout(turkiye):
    """In a real process (HiGHS prints its banner from C on the first solver): stdout holds
    only the CSV, the banner goes nowhere (review L7). Türkiye's magnet supply risk appears with the
    scenario's demand (300 t from China) and is zero in the baseline, which has none."""
    out = subprocess.run(
        [sys.executable, "-m", "reechain.cli", "criticality", "--method", "gpr", "--scenario",
         str(TURKIYE), "--importer", "TUR", "--format", "csv"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.startswith("run,importer,product")
    assert "Running HiGHS" not in out.stderr
    table = pd.read_csv(io.StringIO(out.stdout)).set_index("run")
    # 300 t less the few t of heavy grades the world lacks in 2035 (unmet), less what the
    # model builds in Türkiye
    consumed, made = turkish_magnets_consumed(turkiye), turkish_magnets_made(turkiye)
    assert table.loc["scenario", "imports"] == pytest.approx(consumed - made)
    assert table.loc["baseline", "score"] == 0
    row = table.loc["scenario"]
    assert 0 < row["score_low"] <= row["score_high"] <= row["hhi_upper"]


def test_scenario_usgs_factors_and_their_errors(cli, reuse_turkiye, turkiye):
    args = ["criticality", "--method", "usgs", "--scenario", TURKIYE]
    bad = cli(*args)  # refused before anything is solved
    assert bad.exit_code == 2 and "needs --importer" in bad.output, bad.output
    assert reuse_turkiye == []
    r = cli(*args, "--importer", "TUR", "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(reuse_turkiye) == 2  # the scenario and its baseline, from the session
    rows = {(x["run"], x["stage"]): x for x in json.loads(r.output)}
    # all the magnets it gets are imported but those made in plants the model builds there
    consumed, made = turkish_magnets_consumed(turkiye), turkish_magnets_made(turkiye)
    assert rows[("scenario", "magnet")]["te"] == pytest.approx(1 - made / consumed)
    assert rows[("scenario", "magnet")]["imports"] == pytest.approx(consumed - made)
    assert rows[("baseline", "magnet")]["te"] is None  # no magnet demand in Türkiye
    assert rows[("scenario", "separation")]["te"] == 0.0  # Beylikova's oxide all goes abroad
    bad = cli(*args, "--importer", "FRA")
    assert bad.exit_code == 2 and "not a region" in bad.output, bad.output
