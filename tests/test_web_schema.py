"""Property tests of the API against its own OpenAPI description (schemathesis): every documented
GET and the validator answer with a documented status and a body that conforms to the documented
schema (the response models, the one error shape), never a 500, for generated inputs; and a
request the schema accepts is answered 2xx or with a documented 4xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reechain.web.app import create_app

pytestmark = pytest.mark.slow

# Every check that reads one answer. positive_data_acceptance takes the statuses that a
# schema-valid request may answer besides 2xx: a valid stage, material and year may have no
# data together (400: no data for the question), and ids the schema can't know (404, 409).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
FREE_TEXT = (positive_data_acceptance,)


@pytest.fixture(scope="module")
def api_schema(ds):
    """The app on the session dataset, built when a test needs it (not at collection)."""
    app = create_app(ds, store="/nonexistent/reechain-runs.duckdb")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.checks.update(
        included_check_names=[c.__name__ for c in CHECKS],
    )
    schema.config.checks.positive_data_acceptance.expected_statuses = ["2xx", "400", "404", "409"]
    # the coverage phase's boundary cases of every parameter take a minute on two cores; the
    # fuzzing phase (max_examples per route) stays
    schema.config.phases.coverage.enabled = False
    return schema


# Routes that solve the model are tested in their own modules (a generated horizon of decades
# would solve for minutes)
schema = (
    schemathesis.pytest.from_fixture("api_schema")
    .exclude(method="POST", path="/api/runs")
    .exclude(method="POST", path="/api/ensembles")
    .exclude(method="GET", path="/api/crma")
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_description(case):
    # A scenario's text is any string to the schema: the validator's 422 for one that is not a
    # scenario is its answer, not a rejected valid request.
    free_text = case.operation.path == "/api/scenarios/validate"
    case.call_and_validate(checks=[c for c in CHECKS if not (free_text and c in FREE_TEXT)])
