"""Every route and method of the API, as every persona: the status the policy gives, and nothing private leaks.

The operations come from the API's own OpenAPI document, so a new route without an expectation here fails
(`test_every_operation_has_an_expectation`). For each persona, every operation is called once (writes inside
a savepoint rolled back afterwards, so each starts from the same world), and:

- the status is the one the policy says (404 for what the persona may not see, 403 for what they may see
  but not change, 401 without a valid token);
- no body reaching someone outside Sheffield holds Sheffield's private rows (PRIVATE_MARKERS) or a count of
  staff from 1 to 4 (Sheffield has two such roles; Rotherham none).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction

from newroles.api.api import api
from newroles.api.tests.conftest import PRIVATE_MARKERS, World, api_client

PERSONAS = ["editor", "viewer", "other_editor", "national", "researcher", "admin", "anonymous", "revoked", "expired"]
NOT_SIGNED_IN = {"anonymous", "revoked", "expired"}
SHEFFIELD = {"editor", "viewer", "admin"}  # who reads Sheffield's private rows
SHEFFIELD_EDITORS = {"editor", "admin"}
COUNT_KEYS = {"headcount", "in_training", "staff"}

OK_ALL = "signed in: 200"
OK_SHEFFIELD = "Sheffield's readers: 200; outsiders 404"


def _status(rule: str | dict[str, int], persona: str) -> int:
    if persona in NOT_SIGNED_IN:
        return 401
    if rule == OK_ALL:
        return 200
    if rule == OK_SHEFFIELD:
        return 200 if persona in SHEFFIELD else 404
    assert isinstance(rule, dict)
    return rule[persona]


def _write(ok: int, *, viewer: int = 403, outsiders: int = 403) -> dict[str, int]:
    """A write to Sheffield: its editors succeed, its viewer is refused, outsiders get `outsiders`."""
    return {"editor": ok, "admin": ok, "viewer": viewer,
            "other_editor": outsiders, "national": outsiders, "researcher": outsiders}  # fmt: skip


SHIFT = {"recipient": {"role": "nursing_associate", "band": "4"}, "adopted_from": [{"role": "mental_health_nurse"}]}

# (method, path) -> (rule, body). Path parameters are filled from the world (`_path`).
EXPECTED: dict[tuple[str, str], tuple[Any, Any]] = {
    ("get", "/api/v1/tokens"): (OK_ALL, None),
    ("get", "/api/v1/regions"): (OK_ALL, None),
    ("get", "/api/v1/trusts"): (OK_ALL, None),
    ("get", "/api/v1/trusts/{ods_code}"): (OK_ALL, None),
    ("get", "/api/v1/trusts/{ods_code}/teams"): (OK_ALL, None),  # outsiders see its shared teams only
    ("post", "/api/v1/trusts/{ods_code}/teams"): (_write(201), {"name": "Birch Ward", "service_type": "inpatient"}),
    ("get", "/api/v1/teams/{team_id}"): (OK_SHEFFIELD, None),
    ("patch", "/api/v1/teams/{team_id}"): (_write(200, outsiders=404), {"description": "Changed through the API"}),
    ("get", "/api/v1/roles"): (OK_ALL, None),
    ("get", "/api/v1/roles/{slug}"): (OK_ALL, None),
    ("get", "/api/v1/packs"): (OK_ALL, None),
    ("get", "/api/v1/packs/{pack_id}"): (OK_ALL, None),
    ("get", "/api/v1/deployments"): (OK_ALL, None),
    ("get", "/api/v1/deployments/{deployment_id}"): (OK_ALL, None),  # the map is national; its figures starred
    ("patch", "/api/v1/deployments/{deployment_id}"): (_write(200), {"notes": "Changed through the API"}),
    ("post", "/api/v1/trusts/{ods_code}/deployments"): (_write(201), {"local_title": "Nursing Associate"}),
    ("get", "/api/v1/engagements"): (OK_ALL, None),  # rows for the research team, an empty list for others
    ("get", "/api/v1/map/coverage"): (OK_ALL, None),
    ("get", "/api/v1/map/national"): (OK_ALL, None),
    ("get", "/api/v1/staff-record/trusts/{ods_code}/counts"): (OK_SHEFFIELD, None),
    ("get", "/api/v1/staff-record/national"): (OK_ALL, None),
    ("get", "/api/v1/staff-record/trusts/{ods_code}/quality"): (OK_SHEFFIELD, None),
    ("get", "/api/v1/trusts/{ods_code}/titles-to-resolve"): (OK_SHEFFIELD, None),
    ("post", "/api/v1/trusts/{ods_code}/title-decisions"): (
        _write(200, outsiders=404),
        {"key": "recovery navigator", "outcome": "not_new"},
    ),
    ("post", "/api/v1/titles/normalise"): (OK_ALL, {"titles": [{"title": "Peer Support Worker"}]}),
    ("get", "/api/v1/trusts/{ods_code}/funding-lines"): (OK_SHEFFIELD, None),
    ("post", "/api/v1/trusts/{ods_code}/funding-lines"): (_write(201, outsiders=404), "funding line"),
    ("get", "/api/v1/funding-lines/{line_id}"): (OK_SHEFFIELD, None),
    ("patch", "/api/v1/funding-lines/{line_id}"): (_write(200, outsiders=404), {"notes": "Changed through the API"}),
    ("get", "/api/v1/funding/national"): (OK_ALL, None),  # national readers every trust; members their own
    ("get", "/api/v1/trusts/{ods_code}/readiness"): (OK_SHEFFIELD, None),
    ("get", "/api/v1/deployments/{deployment_id}/readiness"): (OK_SHEFFIELD, None),
    ("get", "/api/v1/events"): (OK_ALL, None),
    ("get", "/api/v1/skillmix/compositions"): (OK_ALL, None),  # theirs and shared ones only
    ("get", "/api/v1/skillmix/compositions/{composition_id}"): (OK_SHEFFIELD, None),
    ("get", "/api/v1/skillmix/scenarios/{scenario_id}"): (OK_SHEFFIELD, None),
    ("post", "/api/v1/skillmix/classify"): (OK_ALL, SHIFT),
    ("get", "/api/v1/reports/briefing"): (OK_ALL, None),
    ("get", "/api/v1/reports/roles/{slug}"): (OK_ALL, None),
    # A trust's profile: its members and national readers (researchers and admins read nationally too).
    ("get", "/api/v1/reports/trusts/{ods_code}"): (
        {"editor": 200, "viewer": 200, "admin": 200, "national": 200, "researcher": 200, "other_editor": 404},
        None,
    ),
}


def operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(method, path) for path, ops in schema["paths"].items() for method in ops]


def test_every_operation_has_an_expectation() -> None:
    found = set(operations())
    assert found, "the OpenAPI document lists no operation"
    assert found == set(EXPECTED), {"without an expectation": found - set(EXPECTED), "gone": set(EXPECTED) - found}


def _path(template: str, world: World) -> str:
    values = {
        "ods_code": "TAH", "team_id": world.team.pk, "deployment_id": world.deployment.pk,
        "line_id": world.line.pk, "composition_id": world.composition.pk, "scenario_id": world.scenario.pk,
        "pack_id": world.pack.pk, "slug": "peer_support_worker",
    }  # fmt: skip
    return template.format(**values)


def _body(body: Any, world: World) -> Any:
    if body == "funding line":
        return {"deployment": world.deployment.pk, "funder_kind": "icb", "funding_type": "recurrent",
                "amount_per_year": "1000.00", "start_date": "2025-04-01", "covers": ["covers_salary"]}  # fmt: skip
    return body


def small_counts(data: Any) -> list[Any]:
    """Every count of staff from 1 to 4 in a response body."""
    found: list[Any] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
                found.append((key, value))
            else:
                found.extend(small_counts(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(small_counts(item))
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_route_answers_as_the_policy_says_and_leaks_nothing(world: World, persona: str) -> None:
    client = api_client(None if persona == "anonymous" else world.tokens[persona])
    problems = []
    for method, template in sorted(EXPECTED, key=lambda op: op[0] != "get"):  # reads first, then writes
        rule, body = EXPECTED[(method, template)]
        path = _path(template, world)
        with transaction.atomic():
            if body is None:
                response = getattr(client, method)(path)
            else:
                payload = json.dumps(_body(body, world))
                response = getattr(client, method)(path, payload, content_type="application/json")
            transaction.set_rollback(True)  # every call starts from the same world
        wanted = _status(rule, persona)
        if response.status_code != wanted:
            said = response.content[:200]
            problems.append(f"{method.upper()} {path}: {response.status_code}, not {wanted}: {said!r}")
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json", (method, path)
        if persona not in SHEFFIELD:
            text = response.content.decode()
            leaked = [m for m in PRIVATE_MARKERS if m in text]
            if leaked:
                problems.append(f"{method.upper()} {path} shows Sheffield's private {leaked}")
            if response.content and response["Content-Type"].startswith("application/json"):
                small = small_counts(response.json())
                if small:
                    problems.append(f"{method.upper()} {path} shows small counts outside Sheffield: {small}")
    assert not problems, "\n".join(problems)


def test_the_small_counts_are_there_for_sheffield(world: World) -> None:
    """The leak check above is not empty-handed: Sheffield's own members do see their small counts."""
    body = api_client(world.tokens["viewer"]).get("/api/v1/staff-record/trusts/TAH/counts").json()
    assert ("headcount", 2) in small_counts(body) and ("headcount", 3) in small_counts(body)
    deployment = api_client(world.tokens["viewer"]).get(f"/api/v1/deployments/{world.deployment.pk}").json()
    assert deployment["headcount"] == 2
    outside = api_client(world.tokens["other_editor"]).get(f"/api/v1/deployments/{world.deployment.pk}").json()
    assert outside["headcount"] == "*" and outside["wte"] == "*"
    national = api_client(world.tokens["national"]).get("/api/v1/staff-record/national").json()
    starred = {c["role"] for c in national["cells"] if c["headcount"] == "*"}
    assert {"pharmacist", "clinical_associate_in_psychology"} <= starred
