"""The JSON API's contract: a response schema for every route, one error shape for every 4xx,
paged lists with their total and next link, HEAD where GET is, and the balance route's numbers
equal to the analysis'."""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi.testclient import TestClient

from reechain.analysis.balance import MAGNET_REE, NDPR, deposit_output
from reechain.web.app import MAX_BODY_BYTES, StreamedBodyLimit, create_app
from reechain.web.models import Problem


@pytest.fixture(scope="module")
def app(ds):
    return create_app(ds, store="/nonexistent/reechain-runs.duckdb")


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def spec(client) -> dict:
    return client.get("/openapi.json").json()


def _operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def _schema_of(spec: dict, schema: dict) -> dict:
    """A schema with its $ref followed."""
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_every_route_describes_its_answer(spec):
    """Each 2xx has a JSON schema with named, typed fields (no free-form object), and its
    fields carry descriptions; FastAPI's own validation error model is gone."""
    for path, method, op in _operations(spec):
        ok = next(r for code, r in op["responses"].items() if code.startswith("2"))
        schema = ok["content"]["application/json"]["schema"]
        if schema.get("type") == "array":
            schema = schema["items"]
        variants = schema.get("anyOf", [schema])
        for variant in variants:
            target = _schema_of(spec, variant)
            assert target.get("properties"), (path, method, target)
            for name, field in target["properties"].items():
                assert (
                    field.get("description")
                    or "$ref" in field
                    or "allOf" in field
                    or (field.get("type") == "array")
                ), (path, name)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_every_route_declares_its_errors_as_problems(spec):
    for path, method, op in _operations(spec):
        codes = [c for c in op["responses"] if c.startswith("4")]
        assert codes, (path, method)
        for code in codes:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (path, code)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in codes, (path, method)
        if op.get("requestBody"):
            assert {"408", "413"} <= set(codes), path


BAD_REQUESTS = [
    ("get", "/api/sources?limit=0", 422, "query.limit"),
    ("get", "/api/sources?limit=5001", 422, "query.limit"),
    ("get", "/api/shares?stage=smelting&year=2024", 422, "query.stage"),
    ("get", "/api/shares?stage=mining", 422, "query.year"),
    ("get", "/api/balance?deposit=atlantis&tonnes=10", 422, "query.deposit"),
    ("get", "/api/balance?deposit=mount-weld&tonnes=-1", 422, "query.tonnes"),
    ("get", "/api/balance?deposit=kvanefjeld&tonnes=10", 400, None),
    ("get", "/api/criticality/geopolrisk?importer=POL", 400, None),
    ("get", "/api/tables/nonsense", 404, None),
    ("get", "/api/nowhere", 404, None),
    ("get", "/api/runs/nope", 404, None),
    ("get", "/api/runs/nope/result", 404, None),
    ("delete", "/api/tables", 405, None),
    ("get", "/api/runs", 405, None),
]


@pytest.mark.parametrize(("method", "path", "status", "where"), BAD_REQUESTS)
def test_every_4xx_has_the_one_error_shape(client, method, path, status, where):
    r = getattr(client, method)(path)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"status", "title", "detail", "problems"}
    problem = Problem.model_validate(body)
    assert problem.status == status and problem.problems and problem.detail
    assert [p.where for p in problem.problems][0] == where


def test_body_errors_have_the_one_error_shape(client):
    cases = [
        client.post("/api/scenarios/validate", json={}),  # FastAPI's validation
        client.post("/api/scenarios/validate", json={"yaml": "horizon: [1"}),  # the scenario's
        client.post("/api/scenarios/validate", json={"yaml": "#" * (MAX_BODY_BYTES + 10)}),
    ]
    assert [r.status_code for r in cases] == [422, 422, 413]
    for r in cases:
        assert Problem.model_validate(r.json()).status == r.status_code
    assert cases[0].json()["problems"] == [{"where": "body.yaml", "message": "Field required"}]


def test_the_key_refusal_has_the_one_error_shape(ds):
    keyed = TestClient(create_app(ds, api_key="k"))
    r = keyed.get("/api/runs/abc")
    assert r.status_code == 401 and Problem.model_validate(r.json()).status == 401


def test_a_slow_body_gets_a_408_in_the_one_error_shape(ds):
    """The read timeout raised inside the body's stream reaches the error handler."""
    app = create_app(ds)
    for layer in app.user_middleware:
        if layer.cls is StreamedBodyLimit:
            layer.kwargs["read_timeout"] = 0.05
    parts = [{"type": "http.request", "body": b'{"yaml": "', "more_body": True}]
    sent = []

    async def receive():
        if parts:
            return parts.pop()
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/scenarios/validate",
        "raw_path": b"/api/scenarios/validate",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"test")],
        "client": ("test", 1),
        "server": ("test", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 408
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert Problem.model_validate(body).status == 408 and "did not arrive" in body["detail"]


def test_a_list_pages_with_its_total_and_next_link(client, ds):
    """The dataset's 29 tables, 10 a page: two full pages, then 9 rows and no next link."""
    n = len(ds.schema.tables)
    assert n == 29
    first = client.get("/api/tables", params={"limit": 10})
    assert first.headers["x-total-count"] == "29" and len(first.json()) == 10
    assert first.headers["link"] == '</api/tables?limit=10&offset=10>; rel="next"'
    second = client.get("/api/tables?limit=10&offset=10")
    assert second.headers["link"] == '</api/tables?limit=10&offset=20>; rel="next"'
    last = client.get("/api/tables?limit=10&offset=20")
    assert len(last.json()) == 9 and "link" not in last.headers
    names = [t["table"] for r in (first, second, last) for t in r.json()]
    assert names == list(ds.schema.tables)
    beyond = client.get("/api/tables?limit=10&offset=40")
    assert beyond.json() == [] and beyond.headers["x-total-count"] == "29"


def test_following_next_links_walks_the_whole_list(client, ds):
    path, rows = "/api/sources?limit=400", []
    while path:
        r = client.get(path)
        rows += r.json()
        link = r.headers.get("link")
        path = link[1 : link.index(">")] if link else None
    assert [s["source_id"] for s in rows] == list(ds.table("sources")["source_id"])


def test_a_table_page_says_its_total_and_next(client, ds):
    page = client.get("/api/tables/production", params={"limit": 3, "offset": 2}).json()
    total = len(ds.table("production"))
    assert (page["total"], page["limit"], page["offset"]) == (total, 3, 2)
    assert page["next"] == "/api/tables/production?limit=3&offset=5"
    last = client.get("/api/tables/production", params={"limit": 3, "offset": total - 2}).json()
    assert last["next"] is None and len(last["rows"]) == 2


@pytest.mark.parametrize(
    "path",
    ["/api/sources", "/api/tables/production?limit=3", "/api/balance?deposit=fen&tonnes=5", "/"],
)
def test_head_answers_with_the_gets_headers_and_no_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert dict(head.headers) == dict(get.headers)
    assert head.content == b"" and get.content


def test_head_where_no_get_is_a_405(client):
    r = client.head("/api/runs")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_balance_route_equals_the_analysis(client, ds):
    res = deposit_output(ds, "mount-weld", 10_000)
    body = client.get("/api/balance", params={"deposit": "mount-weld", "tonnes": 10_000}).json()
    assert body["treo_t"] == 10_000 and body["deposit_id"] == "mount-weld"
    assert body["composition"]["composition_id"] == res.choice.composition_id
    rows = {r["element"]: r for r in body["elements"]}
    assert list(rows) == list(res.table["element"])
    for row in res.table.itertuples():
        got = rows[row.element]
        assert got["oxide_t"] == pytest.approx(row.oxide_t)
        assert got["share_pct"] == pytest.approx(row.share_pct)
        assert got["metal_t"] == pytest.approx(row.metal_t)
    assert body["unassigned_t"] == pytest.approx(res.unassigned_t)
    # Mount Weld's split lumps part of its heavy rare earths: NdPr has bounds, not a value
    ndpr = body["ndpr_oxide"]
    assert (ndpr["low"], ndpr["high"]) == pytest.approx((res.total(NDPR), res.upper(NDPR)))
    assert ndpr["value"] is None and "at most" in ndpr["reason"]
    magnet = body["magnet_ree_oxide"]
    assert magnet["low"] == pytest.approx(res.total(MAGNET_REE))
    # the data has no world demand split: market share and surplus are null with the reason
    assert all(r["market_share"] is None and r["surplus"] is None for r in rows.values())
    assert all("no world demand split" in r["missing"] for r in rows.values())
    assert body["sources"] == list(res.sources["source_id"])


def test_balance_of_an_exact_split_has_values(client, ds):
    res = deposit_output(ds, "mountain-pass", 1_000)
    body = client.get("/api/balance", params={"deposit": "mountain-pass", "tonnes": 1_000}).json()
    assert body["ndpr_oxide"]["value"] == pytest.approx(res.ndpr_t)
    assert body["ndpr_oxide"]["reason"] is None


def test_a_deposit_without_a_split_takes_a_chosen_composition(client):
    r = client.get(
        "/api/balance",
        params={"deposit": "kvanefjeld", "tonnes": 100, "composition": "monazite-giti-xbt104-2000"},
    )
    assert r.status_code == 200
    assert r.json()["composition"] == {
        "composition_id": "monazite-giti-xbt104-2000",
        "ore_type": r.json()["composition"]["ore_type"],
        "borrowed": True,
        "reason": "chosen by the user",
    }


# ---- the API key as a security scheme

KEYED_OPERATIONS = {
    ("post", "/api/scenarios/validate"),
    ("post", "/api/runs"),
    ("get", "/api/runs/{id}"),
    ("post", "/api/runs/{id}/cancel"),
    ("get", "/api/runs/{id}/result"),
    ("get", "/api/runs/{id}/tables/{name}"),
    ("get", "/api/ensembles"),
    ("post", "/api/ensembles"),
    ("get", "/api/ensembles/{id}"),
    ("post", "/api/ensembles/{id}/cancel"),
    ("get", "/api/crma"),
}


def test_with_a_key_the_openapi_declares_it_on_exactly_the_routes_that_need_it(ds):
    """/docs' "Authorize": an APIKeyHeader scheme on the header the server checks, on the
    routes that parse a scenario, run the model or read stored results, each with its 401;
    the observed data's routes are public and declare neither."""
    spec = TestClient(create_app(ds, api_key="k")).get("/openapi.json").json()
    assert spec["components"]["securitySchemes"] == {
        "APIKey": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": spec["components"]["securitySchemes"]["APIKey"]["description"],
        }
    }
    secured = {(m, p) for p, m, op in _operations(spec) if op.get("security")}
    assert secured == KEYED_OPERATIONS
    for path, method, op in _operations(spec):
        keyed = (method, path) in KEYED_OPERATIONS
        assert op.get("security", []) == ([{"APIKey": []}] if keyed else []), path
        assert ("401" in op["responses"]) is keyed, (path, method)
        assert all(p["in"] != "header" for p in op.get("parameters", [])), path


def test_an_open_server_declares_no_key(spec):
    assert "securitySchemes" not in spec["components"]
    for path, method, op in _operations(spec):
        assert "security" not in op and "401" not in op["responses"], (path, method)


# ---- empty lists say why


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/api/shares?stage=mining&year=1990", "no mining output of TREO in year=1990"),
        ("/api/shares?stage=mining&year=2024&material=Nd", "no mining output of material=Nd"),
        ("/api/concentration?stage=mining&material=Nd", "no mining output of material=Nd"),
        ("/api/criticality?assessment=EU2011", "assessment=EU2011 has no sourcing shares"),
        ("/api/sources?offset=100000", "offset 100000 is past the end of the list"),
        ("/api/ensembles", "no ensemble run in this server's store"),
    ],
)
def test_an_empty_list_says_which_filter_matched_nothing(client, path, reason):
    r = client.get(path)
    assert r.status_code == 200 and r.json() == []
    assert reason in r.headers["x-empty-reason"], r.headers.get("x-empty-reason")


def test_a_list_with_rows_has_no_empty_reason_and_the_header_is_declared(client, spec):
    r = client.get("/api/shares", params={"stage": "mining", "year": 2024})
    assert r.json() and "x-empty-reason" not in r.headers
    headers = spec["paths"]["/api/shares"]["get"]["responses"]["200"]["headers"]
    assert "X-Empty-Reason" in headers


# ---- GeoPolRisk: one unit per column, rounded


def _decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if "e" in text else len(text.split(".")[1].rstrip("0"))


def test_geopolrisk_columns_have_one_unit_and_no_float_noise(client, ds):
    from reechain.analysis.criticality import geopolrisk_table

    rows = client.get("/api/criticality/geopolrisk", params={"year": 2023}).json()
    raw = geopolrisk_table(ds, 2023, None, None).set_index(["importer", "product"])
    assert rows and all("imports_unit" not in r and "imports" not in r for r in rows)
    decimals = {"hhi": 4, "hhi_upper": 4, "imports_t": 1, "domestic": 1, "unknown_g_share": 4}
    decimals |= {"score_low": 4, "score_high": 4, "score": 4}
    for row in rows:
        for column, places in decimals.items():
            assert row[column] is None or _decimals(row[column]) <= places, (column, row)
        source = raw.loc[(row["importer"], row["product"])]
        if source["imports_unit"] == "t":  # tonnes stay tonnes
            assert row["imports_t"] == round(source["imports"], 1)
            assert row["imports_shares_only"] is False
        elif source["imports_unit"] == "fraction":  # shares only: no tonnage, never "1.0"
            assert row["imports_t"] is None and row["imports_shares_only"] is True
        else:
            assert row["imports_t"] is None and row["imports_shares_only"] is None
        if row["score_high"] is not None:
            assert row["score_high"] == pytest.approx(source["score_high"], abs=5e-5)
    kinds = {r["imports_shares_only"] for r in rows}
    assert kinds >= {True, False}  # both kinds of import data are in the year
