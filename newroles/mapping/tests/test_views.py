"""The map's pages: who reads, who changes (403 for viewers and other trusts), filters and exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.mapping import services
from newroles.mapping.models import Deployment, Engagement
from newroles.mapping.tests.helpers import deploy
from newroles.organisations.models import Trust

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"mapping:{name}", args=args)


def test_pages_require_sign_in(sheffield_psw):
    response = client_for(None).get(url("dashboard"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["olive", "charlie", "bob", "nadia"])
def test_everyone_signed_in_reads_the_map(request, persona, sheffield_psw, rotherham_mhp):
    client = client_for(request.getfixturevalue(persona))
    for path in (
        url("dashboard"), url("dashboard") + "?shade=deployments", url("region", "Y63"), url("trust", "TAH"),
        url("role", "peer_support_worker"), url("deployments"), url("deployment", sheffield_psw.pk),
        url("titles", "TAH"), url("engagements"), url("coverage"),
    ):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path


def test_dashboard_shows_the_tile_map_with_text_alternatives(olive, sheffield_psw):
    html = client_for(olive).get(url("dashboard")).content.decode()
    assert '<title id="tile-map-title">' in html and '<desc id="tile-map-desc">' in html
    assert "North East and Yorkshire: 0 of 8." in html
    assert 'role="img"' in html
    assert "Show the data in this chart as a table" in html


def test_map_pages_say_the_demo_data_is_illustrative(olive, sheffield_psw):
    from newroles.demo.models import DemoLoad

    client = client_for(olive)
    assert "Illustrative data, not findings about these trusts" not in client.get(url("dashboard")).content.decode()
    DemoLoad.objects.create(description="test")
    for path in (url("dashboard"), url("trust", "TAH"), url("role", "peer_support_worker"), url("region", "Y63")):
        assert "Illustrative data, not findings about these trusts" in client.get(path).content.decode(), path


def test_an_editor_adds_a_role_and_an_unknown_title_is_kept_unmatched(eve, sheffield):
    client = client_for(eve)
    assert client.get(url("deployment_create", "TAH")).status_code == 200
    response = client.post(
        url("deployment_create", "TAH"),
        {"local_title": "Recovery Navigator", "status": "active", "reasons": ["staff_shortages", "new_skills"],
         "intended_kinds": ["innovation"], "stance": "proactive", "trust_newness": "new_role"},
    )  # fmt: skip
    d = Deployment.objects.get(trust=sheffield)
    assert response.status_code == 302 and response["Location"] == d.get_absolute_url()
    assert d.role is None and d.reasons == ["staff_shortages", "new_skills"]
    page = client.get(url("titles", "TAH")).content.decode()
    assert "Recovery Navigator" in page


def test_a_new_title_that_is_a_known_alias_is_matched(eve, sheffield, psw):
    client_for(eve).post(url("deployment_create", "TAH"), {"local_title": psw.name, "status": "active"})
    assert Deployment.objects.get(trust=sheffield).role == psw


def test_form_errors_are_summarised(eve, sheffield):
    response = client_for(eve).post(
        url("deployment_create", "TAH"), {"local_title": "Peer Worker", "status": "active", "reasons": ["other"]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Say what the other reason is." in html
    assert not Deployment.objects.exists()


def test_a_duplicate_title_is_an_error_not_a_crash(eve, sheffield_psw):
    response = client_for(eve).post(url("deployment_create", "TAH"), {"local_title": "peer worker", "status": "active"})
    assert response.status_code == 200
    assert "already has a deployment with this title" in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "charlie", "olive", "nadia"])
def test_viewers_and_outsiders_get_403_on_every_write(request, persona, sheffield_psw, psw):
    client = client_for(request.getfixturevalue(persona))
    pk = sheffield_psw.pk
    assert client.get(url("deployment_create", "TAH")).status_code == 403
    assert client.post(url("deployment_create", "TAH"), {"local_title": "X", "status": "active"}).status_code == 403
    assert client.get(url("deployment_edit", pk)).status_code == 403
    assert client.post(url("deployment_edit", pk), {"local_title": "X", "status": "active"}).status_code == 403
    assert client.post(url("deployment_delete", pk)).status_code == 403
    assert client.post(url("resolve", pk), {f"d{pk}-role": psw.pk}).status_code == 403
    sheffield_psw.refresh_from_db()
    assert sheffield_psw.local_title == "Peer Worker"


def test_an_editor_changes_and_removes_their_trusts_deployment(eve, sheffield_psw, shared_team, private_team):
    client = client_for(eve)
    response = client.post(
        url("deployment_edit", sheffield_psw.pk),
        {"local_title": "Peer Worker", "role": sheffield_psw.role_id, "status": "paused", "headcount": "7",
         "teams": [shared_team.pk, private_team.pk], "actual_kinds": ["delegation", "innovation"]},
    )  # fmt: skip
    assert response.status_code == 302
    sheffield_psw.refresh_from_db()
    assert (sheffield_psw.status, sheffield_psw.headcount) == ("paused", 7)
    assert set(sheffield_psw.teams.all()) == {shared_team, private_team}
    assert client.post(url("deployment_delete", sheffield_psw.pk)).status_code == 302
    assert not Deployment.objects.exists()


def test_the_editor_resolves_a_title_from_the_list(eve, sheffield, psw):
    d = deploy(sheffield, "Recovery Navigator")
    client = client_for(eve)
    assert "Match it to a role" in client.get(url("titles", "TAH")).content.decode()
    response = client.post(url("resolve", d.pk), {f"d{d.pk}-role": psw.pk, f"d{d.pk}-remember": "on"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.role == psw
    assert services.resolve_title(sheffield, "Recovery Navigator") == psw


def test_resolving_without_a_role_shows_the_error(eve, sheffield):
    d = deploy(sheffield, "Recovery Navigator")
    response = client_for(eve).post(url("resolve", d.pk), {})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_readers_see_no_resolve_form(bob, sheffield):
    deploy(sheffield, "Recovery Navigator")
    html = client_for(bob).get(url("titles", "TAH")).content.decode()
    assert "Recovery Navigator" in html and "Match it to a role" not in html


def test_filters_narrow_the_list(olive, sheffield_psw, rotherham_mhp):
    client = client_for(olive)

    def titles(query: str) -> set[str]:
        page = client.get(url("deployments") + query).context["page"]
        return {d.local_title for d in page.object_list}

    assert titles("") == {"Peer Worker", "Community Mental Health Practitioner"}
    assert titles("?trust=RXE") == {"Community Mental Health Practitioner"}
    assert titles("?region=Y63&role=peer_support_worker") == {"Peer Worker"}
    assert titles("?reason=waiting_lists") == {"Community Mental Health Practitioner"}
    assert titles("?reason=new_skills&status=active") == {"Peer Worker"}
    assert titles("?intended_kind=horizontal_substitution") == {"Community Mental Health Practitioner"}
    assert titles("?actual_kind=delegation") == {"Peer Worker"}
    assert titles("?drift=yes") == {"Peer Worker"}
    assert titles("?region=Y56") == set()
    assert titles("?q=community") == {"Community Mental Health Practitioner"}


def test_the_unmapped_filter_lists_titles_without_a_role(olive, sheffield_psw, sheffield):
    deploy(sheffield, "Recovery Navigator")
    page = client_for(olive).get(url("deployments") + "?role=unmapped").context["page"]
    assert [d.local_title for d in page.object_list] == ["Recovery Navigator"]


def test_exports_follow_the_filter_and_neutralise_formulas(olive, sheffield, rotherham_mhp):
    deploy(sheffield, '=HYPERLINK("http://x")', reasons=["staff_shortages"])
    client = client_for(olive)
    body = client.get(url("deployments") + "?trust=TAH&format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "Community Mental Health Practitioner" not in body
    response = client.get(url("deployments") + "?trust=RXE&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Trust ODS code"
    assert [r[3] for r in rows[1:]] == ["Community Mental Health Practitioner"]


def test_exports_name_only_the_teams_the_user_may_see(eve, charlie, sheffield, psw, private_team, shared_team):
    deploy(sheffield, "Peer Worker", "peer_support_worker", teams=[private_team, shared_team])
    inside = client_for(eve).get(url("deployments") + "?format=csv").content.decode("utf-8-sig")
    outside = client_for(charlie).get(url("deployments") + "?format=csv").content.decode("utf-8-sig")
    assert "Maple Ward" in inside and "CMHT North" in inside
    assert "Maple Ward" not in outside and "CMHT North" in outside
    assert "Maple Ward" not in client_for(charlie).get(url("trust", "TAH")).content.decode()


def test_coverage_downloads(olive):
    body = client_for(olive).get(url("coverage") + "?format=csv").content.decode("utf-8-sig")
    assert "North East and Yorkshire,Y63,0,8" in body
    assert body.strip().endswith("Total,,0,51")


def test_engagement_rows_are_for_researchers_and_counts_for_everyone(rita, eve, olive, sheffield):
    services.record_engagement(
        actor=rita, trust=sheffield, phase="phase1_interview", status="completed",
        date="2023-07-01", participant_post="Head of HR",
    )  # fmt: skip
    mine = client_for(rita).get(url("engagements")).content.decode()
    assert "Head of HR" in mine and sheffield.name in mine
    for user in (eve, olive):
        html = client_for(user).get(url("engagements")).content.decode()
        assert "Head of HR" not in html and sheffield.name not in html
        assert client_for(user).get(url("engagements") + "?format=csv").get("Content-Disposition") is None
    trust_page = client_for(eve).get(url("trust", "TAH")).content.decode()
    assert "Head of HR" not in trust_page
    assert "Head of HR" in client_for(rita).get(url("trust", "TAH")).content.decode()


def test_researchers_record_change_and_remove_engagements(rita, sheffield):
    client = client_for(rita)
    response = client.post(
        url("engagement_create"),
        {"trust": sheffield.pk, "phase": "phase1_interview", "status": "completed", "date": "2023-07-01",
         "participant_post": "Professional lead"},
    )  # fmt: skip
    assert response.status_code == 302
    e = Engagement.objects.get()
    changes = {"trust": sheffield.pk, "phase": "questionnaire", "status": "completed", "date": "2023-07-02"}
    assert client.post(url("engagement_edit", e.pk), changes).status_code == 302
    e.refresh_from_db()
    assert e.phase == "questionnaire"
    assert client.post(url("engagement_delete", e.pk)).status_code == 302
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("persona", ["eve", "olive", "nadia"])
def test_others_cannot_record_or_change_engagements(request, persona, sheffield):
    e = services.record_engagement(actor=policy.SYSTEM, trust=sheffield, phase="phase1_interview")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("engagement_create")).status_code == 403
    assert client.post(url("engagement_create"), {"trust": sheffield.pk, "phase": "questionnaire",
                                                  "status": "planned"}).status_code == 403  # fmt: skip
    assert client.post(url("engagement_edit", e.pk), {}).status_code == 403
    assert client.post(url("engagement_delete", e.pk)).status_code == 403
    assert Engagement.objects.count() == 1


def test_the_trust_profile_lists_roles_teams_and_a_timeline(eve, sheffield, shared_team):
    deploy(sheffield, "Peer Worker", "peer_support_worker", first_post_started="2016-04-01", teams=[shared_team])
    deploy(sheffield, "Nursing Associate", "nursing_associate", first_post_started="2019-09-01")
    html = client_for(eve).get(url("trust", "TAH")).content.decode()
    assert "Timeline: when each new role started at" in html
    assert html.index("April 2016") < html.index("September 2019")
    assert "Add a role" in html and "Import roles from a spreadsheet" in html


def test_a_closed_trust_points_to_its_successor(olive):
    html = client_for(olive).get(url("trust", "RRP")).content.decode()
    assert Trust.objects.get(ods_code="RRP").successor.name in html


def test_the_deployment_page_shows_the_role_reasons_kinds_and_history(olive, sheffield_psw):
    response = client_for(olive).get(url("deployment", sheffield_psw.pk))
    html = response.content.decode()
    assert len(html) < 50_000
    assert "Bringing new skills, such as recovery" in html
    assert "Differs from intended" in html
    assert "1 change recorded" in html
    assert "Change</a>" not in html  # a reader gets no edit buttons
