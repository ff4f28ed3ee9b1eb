"""The JSON API and the pages, through httpx (FastAPI's TestClient) against the embedded data."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from reechain.web.app import MAX_BODY_BYTES, MAX_HORIZON_YEARS, MAX_SAMPLES, create_app

from conftest import EXAMPLES
from conftest import TURKIYE as TURKIYE_FILE

TURKIYE = TURKIYE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client(ds, tmp_path_factory) -> TestClient:
    store = tmp_path_factory.mktemp("web") / "runs.duckdb"
    return TestClient(create_app(ds, store=store, max_jobs=2))


@pytest.fixture(scope="module")
def keyed(ds, tmp_path_factory) -> TestClient:
    store = tmp_path_factory.mktemp("webkey") / "runs.duckdb"
    return TestClient(create_app(ds, store=store, api_key="s3cret"))


def wait(client: TestClient, job_id: str, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = client.get(f"/api/runs/{job_id}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_tables_list_every_table_with_its_row_count(client, ds):
    rows = {t["table"]: t["rows"] for t in client.get("/api/tables").json()}
    assert set(rows) == set(ds.schema.tables)
    assert rows["production"] == len(ds.table("production"))


def test_table_pages_and_unknown_table(client, ds):
    page = client.get("/api/tables/production", params={"limit": 3, "offset": 2}).json()
    assert page["total"] == len(ds.table("production"))
    expected = ds.table("production").iloc[2:5]["value"].tolist()
    assert [r["value"] for r in page["rows"]] == expected
    r = client.get("/api/tables/nonsense")
    assert r.status_code == 404 and "valid: " in r.json()["detail"]
    assert client.get("/api/tables/production", params={"limit": 10**6}).status_code == 422


def test_missing_values_are_null_not_zero(client, ds):
    deposits = ds.table("deposits")
    col = next(c for c in deposits.columns if deposits[c].isna().any())
    rows = client.get("/api/tables/deposits", params={"limit": 5000}).json()["rows"]
    n_missing = sum(r[col] is None for r in rows)
    assert n_missing == deposits[col].isna().sum() > 0


def test_mining_shares_2024_match_usgs_mcs2025(client):
    # MCS 2025: China 270 000 t of 390 000 t world mine production in 2024.
    rows = {r["group"]: r for r in client.get("/api/shares?stage=mining&year=2024").json()}
    assert rows["CHN"]["share"] == pytest.approx(270_000 / 390_000)
    assert rows["USA"]["share"] == pytest.approx(45_000 / 390_000)
    assert rows["CHN"]["source"]


def test_concentration_hhi_equals_sum_of_squared_shares(client):
    shares = client.get("/api/shares?stage=mining&year=2024").json()
    lower = sum((r["share"] * 100) ** 2 for r in shares if r["group"] != "OTH")
    conc = {r["year"]: r for r in client.get("/api/concentration?stage=mining").json()}
    assert conc[2024]["cr1"] == pytest.approx(270_000 / 390_000)
    assert conc[2024]["hhi"] == pytest.approx(lower, rel=1e-9)


def test_unknown_stage_is_a_clear_422(client):
    r = client.get("/api/shares?stage=smelting&year=2024")
    assert r.status_code == 422
    assert "unknown stage 'smelting'" in r.json()["detail"]


def test_sources_are_the_sources_table(client, ds):
    rows = {s["source_id"]: s for s in client.get("/api/sources").json()}
    assert len(rows) == len(ds.table("sources"))
    usgs = rows["usgs-mcs-2025"]
    assert usgs["title"] == "Mineral Commodity Summaries 2025, Rare Earths"
    assert usgs["publisher"] == "U.S. Geological Survey" and usgs["year"] == 2025
    assert usgs["via"] is None  # missing, not an empty string or NaN


def test_criticality_rows_carry_hhi(client):
    rows = client.get("/api/criticality").json()
    assert rows and all(0 <= r["hhi"] <= 1 for r in rows if r["hhi"] is not None)


def test_criticality_methods_side_by_side(client):
    rows = client.get("/api/criticality/summary", params={"material": "HREE"}).json()
    dy = next(r for r in rows if r["material"] == "Dy")
    assert dy["eu_sr_high"] == pytest.approx(5.6676, abs=1e-4)  # China 100 % of processing
    assert dy["eu_ei_low"] is None  # no end-use shares for Dy: missing, not zero
    assert dy["eu_published_sr"] == 5.1 and dy["eu_critical"] is True
    usgs = client.get("/api/criticality/usgs", params={"year": 2024}).json()
    assert {r["stage"]: r["te_low"] for r in usgs} == {"mining": 0.0, "separation": 0.8}
    assert all(r["sr"] is None and "EV" in r["missing"] for r in usgs)
    gpr = client.get("/api/criticality/geopolrisk", params={"importer": "TUR"}).json()
    assert {r["product"] for r in gpr} >= {"ree_compounds_and_metals"}
    assert all(r["score_high"] is None or 0 <= r["score_high"] <= 1 for r in gpr)
    r = client.get("/api/criticality/geopolrisk", params={"importer": "POL"})
    assert r.status_code == 400 and "trade import" in r.json()["detail"]
    r = client.get("/api/criticality/summary", params={"material": "Xx"})
    assert r.status_code == 422 and "valid:" in r.json()["detail"]


def test_validation_lists_problems_with_line_and_field(client):
    ok = client.post("/api/scenarios/validate", json={"yaml": TURKIYE})
    assert ok.status_code == 200 and ok.json()["years"] == [2024, 2035]
    bad = TURKIYE.replace("horizon: 2035", "horizon: 1990")
    r = client.post("/api/scenarios/validate", json={"yaml": bad})
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any("horizon" in p["where"] or "horizon" in p["message"] for p in problems)


def test_limits_answer_4xx(client):
    long = TURKIYE.replace("horizon: 2035", f"horizon: {2024 + MAX_HORIZON_YEARS + 5}")
    r = client.post("/api/scenarios/validate", json={"yaml": long})
    assert r.status_code == 422 and f"at most {MAX_HORIZON_YEARS} years" in r.text
    huge = {"yaml": "#" * (MAX_BODY_BYTES + 10)}
    assert client.post("/api/scenarios/validate", json=huge).status_code == 413
    assert client.get("/api/runs/nope").status_code == 404


def test_run_job_returns_sankey_and_baseline_comparison(client):
    r = client.post("/api/runs", json={"yaml": TURKIYE})
    assert r.status_code == 202
    status = wait(client, r.json()["id"])
    assert status["status"] == "done", status
    view = client.get(status["view"]).json()  # the scenario page's view of the run
    kinds = [f["data"][0]["type"] for f in view["figures"]]
    assert kinds[0] == "sankey"
    labels = view["figures"][0]["data"][0]["node"]["label"]
    assert any("Türkiye" in str(label) for label in labels)  # country names, not codes
    assert "baseline" in view["tables_html"]
    result = client.get(status["result"]).json()  # the results as data
    assert "html" not in client.get(status["result"]).text.lower()
    tables = {t["name"]: t for t in result["tables"]}
    assert set(tables) >= {"production", "trade", "unmet", "prices"}
    prices = client.get(tables["prices"]["path"], params={"limit": 5})
    assert prices.status_code == 200 and len(prices.json()) == 5
    assert int(prices.headers["x-total-count"]) == tables["prices"]["rows"]["scenario"]
    assert all(r["kind"] == "shadow" and "pool" not in r for r in prices.json())
    base = client.get(tables["production"]["path"], params={"run": "baseline", "limit": 1})
    assert int(base.headers["x-total-count"]) == tables["production"]["rows"]["baseline"]


def test_running_needs_the_key_when_one_is_set(keyed):
    assert keyed.post("/api/runs", json={"yaml": TURKIYE}).status_code == 401
    wrong = {"X-API-Key": "guess"}
    assert keyed.post("/api/runs", json={"yaml": TURKIYE}, headers=wrong).status_code == 401
    # the observed data stays open; parsing a scenario needs the key too (review M9)
    assert keyed.get("/api/tables").status_code == 200
    assert keyed.post("/api/scenarios/validate", json={"yaml": TURKIYE}).status_code == 401


def test_ensembles_without_a_store_are_empty_and_unknown_run_is_404(client):
    assert client.get("/api/ensembles").json() == []
    assert client.get("/api/ensembles/abc").status_code == 404


def test_run_ids_cannot_name_paths(client):
    for name in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd"):
        assert client.get(f"/api/ensembles/{name}").status_code == 404


@pytest.mark.parametrize(
    ("path", "needle", "labels"),
    [
        ("/", "Who controls the rare earth supply chain", ("BRICS", "G7", "MSP")),  # toggles
        ("/balance?deposit=mount-weld&tonnes=10000", "NdPr oxide", ("Deposit", "TREO [t]")),
        ("/balance?deposit=nowhere", "unknown", ("Deposit", "TREO [t]")),
        ("/scenario", "Run the scenario", ("Scenario",)),
        ("/ensembles", "No ensemble runs", ("Example", "Samples (1 to 500)", "Sampling")),
        ("/criticality", "supply risk", ("Year", "Importer (USGS-style trade exposure)")),
    ],
)
def test_pages_render_offline(client, path, needle, labels):
    r = client.get(path)
    assert r.status_code == 200
    assert needle.lower() in r.text.lower()
    assert "cdn" not in r.text.lower()
    scripts = re.findall(r"<script[^>]* src='([^']*)'", r.text)
    assert all(src.startswith("/static/") for src in scripts), scripts
    plotly = any(re.fullmatch(r"/static/plotly[-.0-9]*\.min\.js", src) for src in scripts)
    assert plotly or "data-chart=" not in r.text  # a page with a chart loads this server's
    found = re.findall(r">([^<>]*)</label>", r.text)
    assert set(labels) <= set(found) and bool(found) == bool(labels), found


def test_plotly_is_served_locally(client):
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and len(r.content) > 1_000_000


def test_criticality_assessment_without_shares_is_empty_not_an_error(client):
    # EU 2011 is in the data with its published SR and EI only, not its sourcing shares.
    r = client.get("/api/criticality", params={"assessment": "EU2011"})
    assert r.status_code == 200 and r.json() == []
    assert "assessment=EU2011 has no sourcing shares" in r.headers["x-empty-reason"]
    assert client.get("/api/criticality", params={"assessment": "EU1999"}).status_code == 422


@pytest.mark.slow  # the samples run in a spawned worker process
def test_ensemble_job_runs_in_the_store_and_reports_percentiles(client):
    text = (EXAMPLES / "turkiye-beylikova-ensemble.yaml").read_text(encoding="utf-8")
    too_many = client.post("/api/ensembles", json={"yaml": text, "samples": MAX_SAMPLES + 1})
    assert too_many.status_code == 422
    r = client.post("/api/ensembles", json={"yaml": text, "samples": 3, "seed": 7})
    assert r.status_code == 202
    run_id = r.json()["run_id"]
    end = time.monotonic() + 180
    while time.monotonic() < end:
        runs = {x["run_id"]: x for x in client.get("/api/ensembles").json()}
        if runs[run_id]["status"] not in ("created", "running"):
            break
        time.sleep(0.5)
    assert runs[run_id]["status"] == "complete" and runs[run_id]["done"] == 3
    summary = client.get(f"/api/ensembles/{run_id}").json()
    assert summary["samples"] == 3
    rows = [p for p in summary["percentiles"] if p["metric"] == "share"]
    assert rows and all(p["p5"] <= p["p50"] <= p["p95"] for p in rows)
    page = client.get("/ensembles", params={"run": run_id})
    assert page.status_code == 200 and "id='fan'" in page.text
    missing = client.get("/ensembles", params={"run": "<b>nope</b>"})
    assert missing.status_code == 200 and "No run" in missing.text and "<b>nope" not in missing.text


def test_method_not_allowed_names_every_allowed_method(client):
    r = client.request("OPTIONS", "/api/ensembles")
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "HEAD", "POST"}
    assert client.delete("/api/tables").headers["allow"] == "GET, HEAD"


def test_overview_map_uses_the_latest_well_covered_year(client):
    # 2025 has only a few countries in the data; 2024 (MCS 2025) names nearly all of them.
    page = client.get("/").text
    assert "Mine production 2024: share of world output" in page


def test_criticality_page_takes_year_and_importer(client):
    r = client.get("/criticality", params={"year": 2024, "importer": "jpn"})
    assert r.status_code == 200
    assert "trade exposure of JPN" in r.text and "EU: EU2023" in r.text
    assert "<option value='JPN' selected>" in r.text
    bad = client.get("/criticality", params={"importer": "ZZZ"})
    assert bad.status_code == 200 and "unknown country" in bad.text and "problems" in bad.text
    assert "no EU assessment" in client.get("/criticality", params={"year": 2005}).text


def test_demand_and_stocks_routes_match_the_cli_tables(client):
    rows = client.get("/api/demand", params={"year": 2024}).json()
    total = sum(r["t magnet"] for r in rows)
    assert total == pytest.approx(319_149, rel=1e-4)  # the world's magnets, split by end use
    regions = client.get("/api/demand", params={"year": 2024, "by": "region"}).json()
    assert sum(r["t magnet"] for r in regions) == pytest.approx(total)
    bad = client.get("/api/demand", params={"year": 2024, "by": "grade"})
    assert bad.status_code == 422 and "end-use" in bad.text
    none = client.get("/api/demand", params={"year": 1990})
    assert none.status_code == 400 and "no magnet demand in 1990" in none.text
    stocks = client.get("/api/stocks", params={"year": 2030}).json()
    uses = {r["end use"] for r in stocks["stocks"]}
    assert {"ev_traction_motor", "wind_turbine"} <= uses
    assert [r["end_use"] for r in stocks["without_lifetime"]] == ["other"]


def test_crma_route_needs_the_key_and_answers_for_the_eu(keyed):
    assert keyed.get("/api/crma", params={"year": 2026}).status_code == 401
    r = keyed.get("/api/crma", params={"year": 2026}, headers={"X-API-Key": "s3cret"})
    assert r.status_code == 200, r.text
    rows = {row["benchmark"]: row for row in r.json()}
    assert rows["no third country above 65 % (magnets)"]["largest"] == "CHN"
    unknown = keyed.get(
        "/api/crma", params={"year": 2026, "importer": "XX"}, headers={"X-API-Key": "s3cret"}
    )
    assert unknown.status_code == 400 and "unknown country or bloc" in unknown.text


def test_demand_page_draws_demand_and_names_what_it_lacks(client):
    page = client.get("/demand", params={"year": 2030})
    assert page.status_code == 200
    assert "World magnet demand by end use" in page.text and "Magnets in use, 2030" in page.text
    assert "unknown, not zero" in page.text and "other" in page.text


def test_with_a_key_every_model_and_result_route_needs_it(keyed):
    """Reliability review M9: validation, job status and results, ensemble lists and results
    refuse a missing, wrong, empty or upper-cased key; the observed data stays public."""
    body = {"yaml": TURKIYE}
    calls = [
        ("post", "/api/scenarios/validate", body),
        ("get", "/api/runs/abc", None),
        ("get", "/api/runs/abc/result", None),
        ("get", "/api/ensembles", None),
        ("get", "/api/ensembles/abc", None),
    ]
    for method, path, json_body in calls:
        for key in (None, "wrong", "", "S3CRET"):
            headers = {} if key is None else {"X-API-Key": key}
            r = (
                getattr(keyed, method)(path, headers=headers, json=json_body)
                if json_body
                else (getattr(keyed, method)(path, headers=headers))
            )
            assert r.status_code == 401, (path, key, r.status_code)
    ok = keyed.post("/api/scenarios/validate", json=body, headers={"X-API-Key": "s3cret"})
    assert ok.status_code == 200
    assert keyed.get("/api/runs/abc", headers={"X-API-Key": "s3cret"}).status_code == 404
    assert keyed.get("/api/shares", params={"stage": "mining", "year": 2024}).status_code == 200
    page = keyed.get("/ensembles")
    assert page.status_code == 200 and "behind its API key" in page.text


def test_a_chunked_body_is_cut_at_the_limit(client):
    """Reliability review M3: a body without Content-Length is counted as it arrives and
    refused with a 413 once over 1 MB, not read whole."""
    sent = []

    def chunks():
        yield b'{"yaml": "'
        for _ in range(60):
            sent.append(1)
            yield b"x" * 1_000_000
        yield b'"}'

    r = client.post(
        "/api/scenarios/validate", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413 and "over 1000000 bytes" in r.text


def test_the_job_limit_counts_ensembles_and_runs_together(ds):
    """Reliability review M2: with ensembles running up to the limit, a scenario run is a
    429 too."""
    from reechain.engine.scenario import Scenario
    from reechain.web.jobs import Job, JobLimitError, Jobs

    jobs = Jobs(ds, max_jobs=2)
    sc = Scenario.model_validate({"name": "x", "base_year": 2024, "horizon": 2025})
    for run_id in ("a", "b"):
        jobs.ensembles[run_id] = Job(id=run_id, scenario=sc, kind="ensemble")
    with pytest.raises(JobLimitError, match="2 jobs are already queued or running"):
        jobs.submit(sc)


def test_answers_carry_security_headers(client):
    """Reliability review L1: a CSP the pages satisfy (the browser tests draw every page under
    it), no sniffing, no framing, no referrer."""
    for path in ("/", "/api/tables", "/demand?year=2030"):
        r = client.get(path)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-frame-options"] == "DENY"


def test_a_body_that_stops_arriving_gets_a_408():
    """Reliability review L10: a request that declares a body and sends part of it can't
    hold a worker: after the read timeout it is answered 408."""
    import asyncio

    from reechain.web.app import StreamedBodyLimit

    async def app(scope, receive, send):
        await receive()  # the first part
        await receive()  # the rest never comes

    parts = [{"type": "http.request", "body": b"ab", "more_body": True}]

    async def receive():
        if parts:
            return parts.pop()
        await asyncio.sleep(3600)

    layer = StreamedBodyLimit(app, read_timeout=0.05)
    with pytest.raises(Exception) as err:
        asyncio.run(layer({"type": "http"}, receive, None))
    assert getattr(err.value, "status_code", None) == 408


def test_the_schema_lists_only_values_the_handlers_take(client):
    """Reliability review L3: the EU method's material list is the materials it has shares
    for (LREE is not one), importers are countries (and the EU27 aggregate), an empty
    scenario text is outside the schema."""
    spec = client.get("/openapi.json").json()
    params = spec["paths"]["/api/criticality"]["get"]["parameters"]
    materials = next(p for p in params if p["name"] == "material")["schema"]["enum"]
    for material in materials:
        assert client.get("/api/criticality", params={"material": material}).status_code == 200
    assert "LREE" not in materials
    summary = spec["paths"]["/api/criticality/summary"]["get"]["parameters"]
    importers = next(p for p in summary if p["name"] == "importer")["schema"]["enum"]
    assert "EU27" in importers and "OECD" not in importers
    schema = spec["components"]["schemas"]["ScenarioText"]["properties"]["yaml"]
    assert schema["minLength"] == 1
