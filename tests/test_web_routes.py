"""The app's routers: every area mounted, and a wrong method names the ones the path allows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from reechain.web.app import create_app


@pytest.fixture(scope="module")
def client(ds) -> TestClient:
    return TestClient(create_app(ds))


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("delete", "/api/tables", "GET"),
        ("put", "/api/ensembles", "GET, POST"),
        ("get", "/api/runs", "POST"),
        ("post", "/criticality", "GET"),
    ],
)
def test_a_wrong_method_answers_405_with_the_allowed_ones(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 405
    assert r.headers["allow"] == allow


def test_every_area_is_mounted(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    tags = {op["tags"][0] for path in paths.values() for op in path.values()}
    assert tags == {"data", "analytics", "demand", "scenarios", "ensembles"}
    assert "/" not in paths  # the pages are not part of the API description
    assert client.get("/static/scenario.js").status_code == 200
