"""Fuzzing `/api/v1/` from its own OpenAPI schema with schemathesis.

Every operation of `/api/v1/openapi.json` (one test item per operation) is called with generated parameters — valid ones,
boundary values and invalid ones (schemathesis' coverage and fuzzing phases) — through the
project's WSGI application, on the demo catalogue indexed in the real embedded osmem-server.
Each response must not be a server error and must conform to the schema: a declared status
code, a declared content type, a body valid against the declared schema.

Bounded and repeatable: at most MAX_EXAMPLES generated cases per operation, derandomized
(the same cases every run), no Hypothesis example database (Hypothesis' cache of source
constants goes to a temporary directory: see conftest.py).

The rate limit is lifted for this test only (override_settings(API_RATE_LIMIT=…)): hundreds
of requests come from one address within a minute, and a 429 would hide what is behind it.
The 429 response itself is declared in the schema and tested in test_rate_limit.py.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.api import api
from marketplace.wsgi import application

pytestmark = [pytest.mark.search, pytest.mark.django_db]

MAX_EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": 9,
    "generation": {
        "mode": "all",
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
    },
    "cache": {"enabled": False},
}


# The schema /api/v1/openapi.json serves (test_the_served_schema_is_the_one_fuzzed), built
# in-process at collection: asking the WSGI app for it there would run a request before the
# database is available to tests. Every case is then sent to the project's WSGI application.
def _openapi() -> dict:
    """The document as served: JSON, so status codes are strings as in any OpenAPI file."""
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


schema = schemathesis.openapi.from_dict(_openapi(), config=schemathesis.Config.from_dict(CONFIG))
schema.app = application


@pytest.fixture(scope="module")  # module scope: Hypothesis refuses function-scoped fixtures
def fuzz_environment(demo_catalogue, search_server):
    """The demo catalogue indexed in osmem-server, no rate limit, the test's transaction kept."""
    # The test client of Django disconnects close_old_connections around a request; a real
    # WSGI handler does not, and in the test's transaction it would close the connection
    # (autocommit is off inside atomic), losing the demo data. Do what the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(API_RATE_LIMIT="1000000/minute"):
            yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
def test_api_conforms_to_its_schema(fuzz_environment, case):
    case.call_and_validate(checks=CHECKS)


def test_the_served_schema_is_the_one_fuzzed(client):
    assert client.get("/api/v1/openapi.json").json() == _openapi()


def test_the_fuzzed_schema_declares_what_the_endpoints_return(client):
    """The statuses the run may meet are declared: 304 and 429 everywhere, 422 where there are
    parameters to get wrong (any query, a product id), 404 where the path names something."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert len(paths) >= 8
    for path, operations in paths.items():
        responses = set(operations["get"]["responses"])
        parameters = operations["get"]["parameters"]
        assert {"200", "304", "429"} <= responses, path
        if any(p["in"] == "query" for p in parameters) or path.endswith("{product_id}"):
            assert "422" in responses, path
        if not parameters:
            assert "422" not in responses, path
        assert ("404" in responses) == ("{" in path), path


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/products/abc", 422),  # was the site's HTML 404 page (an `int:` URL converter)
        ("/api/v1/products/0", 422),
        # beyond 64 bits: refused before the database (SQLite cannot take it)
        ("/api/v1/products/99999999999999999999", 422),
        ("/api/v1/shops/a/b", 404),  # an address no endpoint serves: JSON too
        ("/api/v1/nowhere", 404),
    ],
)
def test_what_the_fuzzing_found_answers_json(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
