"""Page weight: plotly.js and the app's answers are sent gzipped to clients that accept it,
plotly.js from a copy compressed once, with a strong ETag (a 304 for a client that has it) and a
year's immutable cache on its versioned address; the old address still answers. Sizes, not
times: first paint is measured by ``benchmarks/bench_web_paint.py``."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from reechain.web import assets
from reechain.web.app import create_app

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
LONG_NAME = "x" * 300 + ".js"  # beyond the file system's 255 characters


@pytest.fixture(scope="module")
def client(ds) -> TestClient:
    return TestClient(create_app(ds, compress=True))


def _raw_get(client: TestClient, url: str, headers: dict[str, str]):
    """A GET whose body is left as sent (httpx would decompress it): the bytes on the wire."""
    with client.stream("GET", url, headers=headers) as r:
        return r, b"".join(r.iter_raw())


def test_plotly_js_is_sent_gzipped_at_under_a_third_of_its_size(client: TestClient) -> None:
    raw = assets.PLOTLY_JS.read_bytes()
    r, sent = _raw_get(client, assets.PLOTLY_JS_URL, GZIP)
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["vary"]
    assert len(sent) < len(raw) / 3
    assert gzip.decompress(sent) == raw
    plain, body = _raw_get(client, assets.PLOTLY_JS_URL, IDENTITY)
    assert "content-encoding" not in plain.headers
    assert body == raw


def test_plotly_js_has_a_strong_etag_and_answers_304(client: TestClient) -> None:
    for headers in (GZIP, IDENTITY):
        first = client.get(assets.PLOTLY_JS_URL, headers=headers)
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")  # strong
        again = client.get(assets.PLOTLY_JS_URL, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    gz, plain = (
        client.get(assets.PLOTLY_JS_URL, headers=h).headers["etag"] for h in (GZIP, IDENTITY)
    )
    assert gz != plain  # one strong ETag per representation
    changed = client.get(assets.PLOTLY_JS_URL, headers={"If-None-Match": '"another-file"'})
    assert changed.status_code == 200


def test_plotly_js_is_immutable_at_its_versioned_address_and_revalidated_at_the_old_one(
    client: TestClient,
) -> None:
    versioned = client.get(assets.PLOTLY_JS_URL, headers=GZIP)
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    from plotly.offline import get_plotlyjs_version

    assert get_plotlyjs_version() in assets.PLOTLY_JS_URL  # a new plotly.js, a new address
    old = client.get(assets.PLOTLY_JS_LEGACY_URL, headers=GZIP)
    assert old.status_code == 200
    assert old.content == versioned.content
    assert old.headers["cache-control"] == "no-cache"  # kept, but checked before each use
    assert old.headers["etag"] == versioned.headers["etag"]


@pytest.mark.parametrize("name", ["scenario.js", "topojson/world_110m.json"])
def test_the_apps_static_files_are_gzipped_with_etags(client: TestClient, name: str) -> None:
    r, sent = _raw_get(client, f"/static/{name}", GZIP)
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(sent) == (assets.STATIC / name).read_bytes()
    again = client.get(f"/static/{name}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "name",
    ["../site.py", "topojson/NOTICE.md", "nothing.js", "%2e%2e/app.py", "%00.js", LONG_NAME],
)
def test_only_the_apps_scripts_styles_and_json_are_static_files(
    client: TestClient, name: str
) -> None:
    assert client.get(f"/static/{name}").status_code == 404


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [("gzip", True), ("*", True), ("*;q=1, gzip;q=0", False), ("gzip;q=0, *", False),
     ("identity", False), ("br, *;q=0.5", True), ("", False)],
)  # fmt: skip
def test_an_asset_is_sent_gzipped_only_where_the_client_accepts_gzip(
    header: str, gzipped: bool
) -> None:
    """gzip's own weight decides where it is listed (q=0 refuses it), else ``*``'s."""
    from starlette.requests import Request

    scope = {"type": "http", "headers": [(b"accept-encoding", header.encode())]}
    assert assets.accepts_gzip(Request(scope)) is gzipped


def test_large_json_answers_are_gzipped_and_small_ones_are_not(client: TestClient) -> None:
    r, sent = _raw_get(client, "/api/tables/production", GZIP)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["content-encoding"] == "gzip"
    assert len(sent) < len(gzip.decompress(sent)) / 3
    small, _ = _raw_get(client, "/api/runs/no-such-job", GZIP)
    assert "content-encoding" not in small.headers


def test_pages_are_gzipped(client: TestClient) -> None:
    r, sent = _raw_get(client, "/", GZIP)
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-encoding"] == "gzip"
    assert len(sent) < len(gzip.decompress(sent)) / 2


def test_compression_can_be_turned_off(ds, monkeypatch) -> None:
    """The benchmark's "before": nothing gzipped, by argument or ``REECHAIN_GZIP=0``."""
    monkeypatch.setenv("REECHAIN_GZIP", "0")
    off = TestClient(create_app(ds))
    for url in (assets.PLOTLY_JS_URL, "/api/tables/production", "/"):
        r, _ = _raw_get(off, url, GZIP)
        assert r.status_code == 200
        assert "content-encoding" not in r.headers
