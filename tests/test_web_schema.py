"""Property tests of the API against its own OpenAPI description (schemathesis): every documented
GET and the validator answer with a documented status, never a 500, for generated inputs."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from reechain.web.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(ds):
    """The app on the session dataset, built when a test needs it (not at collection)."""
    app = create_app(ds, store="/nonexistent/reechain-runs.duckdb")
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# Routes that solve the model are tested in their own modules (a generated horizon of decades
# would solve for minutes)
schema = (
    schemathesis.pytest.from_fixture("api_schema")
    .exclude(method="POST", path="/api/runs")
    .exclude(method="GET", path="/api/crma")
)


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_description(case):
    # A valid stage, material and year may still have no data together (a clear 4xx), so the
    # check that every schema-valid request succeeds does not apply; all other checks do.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
