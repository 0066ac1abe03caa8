"""Only the research team and administrators reach any page of the evidence: everyone else gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.evidence import services
from newroles.evidence.models import Code, Segment
from newroles.mapping.models import Deployment
from newroles.roles.models import Role


@pytest.fixture
def world(rita, codebook, interview, sheffield):  # type: ignore[no-untyped-def]
    code = Code.objects.get(key="reasons.staff_shortages")
    segment = services.code_segment(actor=rita, paragraph=interview.paragraphs.get(index=1), start=0, end=15,
                                    codes=[code])  # fmt: skip
    quote = services.make_quote(actor=rita, segment=segment, attribution="[Trust J1]")
    case = services.create_case_study(actor=rita, site_trust=sheffield, team="Crisis team",
                                      role=Role.objects.get(slug="nursing_associate"),
                                      period_start="2024-04-01")  # fmt: skip
    deployment = Deployment.objects.create(trust=sheffield, local_title="Associate", role=case.role)
    return {"source": interview, "code": code, "segment": segment, "quote": quote, "case": case,
            "participant": interview.participants.get(), "deployment": deployment}  # fmt: skip


def urls(w: dict) -> list[tuple[str, str]]:
    """(method, url) for every route of the evidence app."""
    return [
        ("get", reverse("evidence:index")),
        ("get", reverse("evidence:upload")),
        ("get", reverse("evidence:review", args=["abcdef"])),
        ("get", reverse("evidence:source", args=[w["source"].pk])),
        ("post", reverse("evidence:code_span", args=[w["source"].pk])),
        ("post", reverse("evidence:uncode", args=[w["segment"].pk])),
        ("post", reverse("evidence:memo", args=["source", w["source"].pk])),
        ("get", reverse("evidence:codebook")),
        ("get", reverse("evidence:code", args=[w["code"].pk])),
        ("get", reverse("evidence:participants")),
        ("get", reverse("evidence:withdraw", args=[w["participant"].pk])),
        ("get", reverse("evidence:local_names")),
        ("get", reverse("evidence:agreement")),
        ("get", reverse("evidence:matrix")),
        ("get", reverse("evidence:matrix_export")),
        ("get", reverse("evidence:frequencies")),
        ("get", reverse("evidence:quotes")),
        ("post", reverse("evidence:make_quote", args=[w["segment"].pk])),
        ("post", reverse("evidence:publish", args=[w["quote"].pk])),
        ("get", reverse("evidence:case_studies")),
        ("get", reverse("evidence:case_study", args=[w["case"].pk])),
        ("get", reverse("evidence:classify", args=[w["deployment"].pk])),
        ("get", reverse("evidence:classifications")),
        ("get", reverse("evidence:export_project")),
        ("get", reverse("evidence:export_codebook")),
        ("get", reverse("evidence:import_refi")),
        ("post", reverse("evidence:import_refi")),
    ]


def test_every_route_is_listed() -> None:
    from newroles.evidence.urls import urlpatterns

    assert len(urlpatterns) == 26  # a new route must be added to urls() above


@pytest.mark.parametrize("persona", ["alice", "bob", "eve", "charlie", "nadia", "olive"])
def test_everyone_outside_the_research_team_gets_not_found(persona, world, request) -> None:
    client = client_for(request.getfixturevalue(persona))
    for method, url in urls(world):
        response = getattr(client, method)(url, {"text": "x", "publish": "1", "attribution": "[X]"})
        assert response.status_code == 404, (persona, url, response.status_code)
    assert Segment.objects.filter(pk=world["segment"].pk).exists()
    assert not world["quote"].__class__.objects.get(pk=world["quote"].pk).published


def test_signed_out_visitors_are_sent_to_sign_in(world) -> None:
    from django.test import Client

    for method, url in urls(world):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url


@pytest.mark.parametrize("persona", ["rita", "admin_user"])
def test_researchers_and_administrators_read_every_page(persona, world, request) -> None:
    client = client_for(request.getfixturevalue(persona))
    for method, url in urls(world):
        if method == "get" and "review" not in url:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    assert client.get(reverse("evidence:review", args=["abcdef"])).status_code == 404  # no such review


def test_services_refuse_anyone_outside_the_research_team(eve, world) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.code_segment(actor=eve, paragraph=world["segment"].paragraph, start=0, end=3,
                              codes=[world["code"]])  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.publish_quote(actor=eve, quote=world["quote"])
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(actor=eve, participant=world["participant"])
    assert policy.reads_evidence(eve) is False


def test_evidence_rows_are_refused_by_the_trust_filters(rita) -> None:
    from newroles.evidence.models import Source

    with pytest.raises(TypeError):  # no trust path: reading is decided by policy.reads_evidence alone
        policy.visible(rita, Source.objects.all())


def test_the_evidence_is_in_the_navigation_of_the_research_team_only(rita, bob) -> None:
    assert 'href="/evidence/"' in client_for(rita).get("/").content.decode()
    assert 'href="/evidence/"' not in client_for(bob).get("/").content.decode()
