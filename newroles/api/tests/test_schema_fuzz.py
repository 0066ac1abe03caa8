"""Schemathesis against the live OpenAPI document: generated requests to every operation find no server error
and no response that breaks the document's own schema.

The examples are bounded (`EXAMPLES` per operation, derandomised so a run is repeatable) to keep the run
under a minute. Each operation is also called once with the real rows of the test world (a Sheffield team,
deployment, funding line...), so the schemas of full answers are checked, not only of 404s and 422s.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from newroles.api.tests.conftest import World
from newroles.api.tests.test_tenancy import EXPECTED, _body, _path

EXAMPLES = 4
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def connection_kept() -> Any:
    """Keep the test's database connection through each request, as Django's test client does: the WSGI
    application closes it as a request starts and finishes, which on PostgreSQL ends the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_generated_requests_find_no_server_error_and_no_response_outside_the_schema(
    world: World, connection_kept: None
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {world.tokens['editor']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(EXPECTED)
    for operation in operations:
        method, path = operation.method.lower(), operation.path
        known: dict[str, Any] = {"path_parameters": _parameters(path, world)}
        body = EXPECTED[(method, "/api/v1" + path if not path.startswith("/api/v1") else path)][1]
        if body is not None:
            known["body"] = _body(body, world)
            known["media_type"] = "application/json"
        operation.Case(**known).call_and_validate(headers=headers, checks=CHECKS)

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def generated(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        generated()


def _parameters(path: str, world: World) -> dict[str, Any]:
    full = _path(path, world)
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    values = [b for a, b in zip(path.split("/"), full.split("/"), strict=True) if a.startswith("{")]
    return dict(zip(names, values, strict=True))
