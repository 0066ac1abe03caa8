"""The API's conventions: problem details naming the field, stable pages, ETags, read-only tokens, rate limits,
CSRF for the browser, and the OpenAPI document and docs page served from this site under its CSP."""

from __future__ import annotations

import json

from django.test import Client, override_settings

from newroles.api.tests.conftest import World, api_client, make_token, session_client


def _patch(client: Client, path: str, body: dict) -> object:
    return client.patch(path, json.dumps(body), content_type="application/json")


def test_an_invalid_write_is_problem_details_naming_the_field(world: World) -> None:
    response = _patch(api_client(world.tokens["editor"]), f"/api/v1/deployments/{world.deployment.pk}",
                      {"reasons": ["staff_shortages", "boredom"]})  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["errors"][0]["field"] == "reasons"
    assert "boredom" in problem["errors"][0]["detail"]
    typed = _patch(api_client(world.tokens["editor"]), f"/api/v1/deployments/{world.deployment.pk}", {"headcount": -3})
    assert typed.status_code == 422 and typed.json()["errors"][0]["field"] == "headcount"


def test_pages_are_stable_and_name_the_next(world: World) -> None:
    client = api_client(world.tokens["national"])
    first = client.get("/api/v1/deployments?page_size=1").json()
    second = client.get("/api/v1/deployments?page_size=1&page=2").json()
    assert first["count"] == 2 and first["next"] == 2 and second["next"] is None
    assert first["results"][0]["id"] < second["results"][0]["id"]
    assert client.get("/api/v1/deployments?page_size=1&page=3").status_code == 404


def test_filters_and_updated_since(world: World) -> None:
    client = api_client(world.tokens["national"])
    assert [d["trust"] for d in client.get("/api/v1/deployments?trust=RXE").json()["results"]] == ["RXE"]
    assert client.get("/api/v1/deployments?reason=staff_shortages").json()["count"] == 1
    assert client.get("/api/v1/deployments?status=nonsense").status_code == 422
    later = world.deployment.updated_at.isoformat()
    assert client.get("/api/v1/deployments", {"updated_since": later}).json()["count"] <= 1


def test_a_polled_list_answers_304_while_nothing_changed(world: World) -> None:
    client = api_client(world.tokens["editor"])
    first = client.get("/api/v1/deployments")
    tag = first["ETag"]
    assert client.get("/api/v1/deployments", headers={"If-None-Match": tag}).status_code == 304
    _patch(client, f"/api/v1/deployments/{world.deployment.pk}", {"notes": "Changed"})
    assert client.get("/api/v1/deployments", headers={"If-None-Match": tag}).status_code == 200


def test_a_read_only_token_reads_but_never_writes(world: World, eve) -> None:
    client = api_client(make_token(eve, "Dashboard", read_only=True))
    assert client.get(f"/api/v1/teams/{world.team.pk}").status_code == 200
    response = _patch(client, f"/api/v1/teams/{world.team.pk}", {"name": "Renamed"})
    assert response.status_code == 403 and "read-only" in response.json()["detail"]
    world.team.refresh_from_db()
    assert world.team.name == "Quillon Ward"


@override_settings(API_WRITE_RATE="2/m", API_NORMALISER_RATE="1/m")
def test_writes_and_the_normaliser_are_rate_limited_per_token(world: World, eve) -> None:
    client = api_client(world.tokens["editor"])
    codes = [_patch(client, f"/api/v1/teams/{world.team.pk}", {"description": str(i)}).status_code
             for i in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]
    limited = _patch(client, f"/api/v1/teams/{world.team.pk}", {"description": "again"})
    assert limited["Content-Type"] == "application/problem+json" and int(limited["Retry-After"]) > 0
    other = api_client(make_token(eve, "Second script"))  # another token has its own allowance
    assert _patch(other, f"/api/v1/teams/{world.team.pk}", {"description": "other"}).status_code == 200
    body = json.dumps({"titles": [{"title": "Peer Support Worker"}]})
    first = client.post("/api/v1/titles/normalise", body, content_type="application/json")
    second = client.post("/api/v1/titles/normalise", body, content_type="application/json")
    assert (first.status_code, second.status_code) == (200, 429)


def test_the_browser_session_is_csrf_checked_on_writes(world: World, eve) -> None:
    client = session_client(eve)
    assert client.get(f"/api/v1/teams/{world.team.pk}").status_code == 200
    refused = _patch(client, f"/api/v1/teams/{world.team.pk}", {"description": "No CSRF token"})
    assert refused.status_code == 403
    client.get("/accounts/profile/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    allowed = client.patch(f"/api/v1/teams/{world.team.pk}", json.dumps({"description": "With it"}),
                           content_type="application/json", headers={"X-CSRFToken": token})  # fmt: skip
    assert allowed.status_code == 200


def test_the_openapi_document_and_docs_are_served_from_this_site(db) -> None:
    document = Client().get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.json()["info"]["title"] == "newroles API"
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-bundle" in html
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "http" not in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy  # the site's own CSP, not relaxed
