"""The `deployments` import kind: trust-scoped, resolving titles, keeping the ones it cannot match."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.imports import engine
from newroles.imports.registry import ImportContext, get_kind
from newroles.lib.tabular import read_table
from newroles.mapping.models import Deployment
from newroles.mapping.tests.helpers import deploy
from newroles.roles.services import save_alias

pytestmark = pytest.mark.django_db

HEADER = "Job title,Role,Status,Start date,Headcount,WTE,Reasons,Intended change,Actual change,Newness,Teams"


def run(actor, trust, *lines: str, commit: bool = True):  # type: ignore[no-untyped-def]
    kind = get_kind("deployments")
    table = read_table(("\n".join([HEADER, *lines]) + "\n").encode(), "roles.csv")
    mapping = engine.suggest_mapping(kind, table.headers, {})
    return engine.run_import(kind, table, mapping, ImportContext(actor=actor, trust=trust), commit=commit)


def test_columns_are_recognised_by_their_usual_names():
    kind = get_kind("deployments")
    mapping = engine.suggest_mapping(kind, HEADER.split(","), {})
    assert mapping["local_title"] == "Job title"
    assert mapping["first_post_started"] == "Start date"
    assert mapping["intended_kinds"] == "Intended change"
    assert mapping["trust_newness"] == "Newness"


def test_an_editor_imports_their_trusts_roles_and_titles_are_resolved(eve, sheffield, psw, shared_team):
    save_alias(actor=policy.SYSTEM, role=psw, title="Peer Worker (Band 3)")
    result = run(
        eve, sheffield,
        'Peer Worker (Band 3),,active,01/04/2016,12,10.5,Staff shortages; new_skills,innovation,delegation,'
        'new role,CMHT North',
        "Recovery Navigator,,pilot,2022-09-01,3,,waiting_lists,,,,",
        "Mental Health Practitioner,mental_health_practitioner,active,,,,,,,new title,",
    )  # fmt: skip
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (3, 0)
    rows = {d.local_title: d for d in Deployment.objects.filter(trust=sheffield)}
    peer = rows["Peer Worker (Band 3)"]
    assert peer.role == psw and peer.headcount == 12 and str(peer.wte) == "10.50"
    assert peer.reasons == ["staff_shortages", "new_skills"] and peer.drifted
    assert list(peer.teams.all()) == [shared_team]
    assert rows["Recovery Navigator"].role is None  # kept, unmatched
    assert rows["Mental Health Practitioner"].role.slug == "mental_health_practitioner"


def test_a_second_import_updates_by_title_and_resolves_a_title_matched_since(eve, sheffield, psw):
    run(eve, sheffield, "Recovery Navigator,,active,,3,,,,,,")
    save_alias(actor=policy.SYSTEM, role=psw, title="Recovery Navigator", trust=sheffield)
    result = run(eve, sheffield, "recovery navigator,,active,,5,,,,,,")
    assert (result.created, result.updated) == (0, 1)
    d = Deployment.objects.get(trust=sheffield)
    assert d.headcount == 5 and d.role == psw


def test_every_bad_row_is_reported_and_nothing_is_saved(eve, sheffield):
    result = run(
        eve, sheffield,
        "Peer Worker,no_such_role,active,,,,,,,,",
        "Recovery Navigator,,sleeping,,,,,,,,",
        "Wellbeing Navigator,,active,31 Feb,,,,,,,",
        "Link Worker,,active,,-2,,,,,,",
        "Family Worker,,active,,,,boredom,,,,",
        "Digital Worker,,active,,,,,diversion,,,",
        "Navigator,,active,,,,,,,,Nonexistent team",
    )  # fmt: skip
    assert not result.ok
    assert sorted(e.row for e in result.errors) == [2, 3, 4, 5, 6, 7, 8]
    assert not Deployment.objects.exists()


def test_an_editor_of_one_trust_cannot_import_into_another(charlie, sheffield):
    kind = get_kind("deployments")
    assert not kind.may_use(charlie, sheffield)
    client = client_for(charlie)
    response = client.get(reverse("imports:upload", args=["deployments"]) + "?trust=TAH")
    assert response.status_code == 403
    upload = SimpleUploadedFile("roles.csv", f"{HEADER}\nPeer Worker,,active,,,,,,,,\n".encode())
    response = client.post(reverse("imports:upload", args=["deployments"]) + "?trust=TAH", {"file": upload})
    assert response.status_code == 403
    result = run(charlie, sheffield, "Peer Worker,,active,,,,,,,,")  # the service refuses each row too
    assert not result.ok and not Deployment.objects.exists()


def test_viewers_cannot_import(bob, sheffield):
    assert not get_kind("deployments").may_use(bob, sheffield)
    assert client_for(bob).get(reverse("imports:upload", args=["deployments"]) + "?trust=TAH").status_code == 403


def test_admins_import_for_any_trust(admin_user, rotherham):
    assert get_kind("deployments").may_use(admin_user, rotherham)
    assert run(admin_user, rotherham, "Peer Worker,,active,,,,,,,,").created == 1


def test_the_whole_flow_through_the_import_pages(eve, sheffield):
    deploy(sheffield, "Peer Worker")
    client = client_for(eve)
    upload = SimpleUploadedFile(
        "roles.csv", f"{HEADER}\nPeer Worker,,paused,,,,,,,,\nNew Title,,active,,,,,,,,\n".encode()
    )
    response = client.post(reverse("imports:upload", args=["deployments"]) + "?trust=TAH", {"file": upload})
    assert response.status_code == 302
    map_url = response["Location"]
    form = client.get(map_url).context["form"]
    response = client.post(map_url, {name: field.initial for name, field in form.fields.items() if field.initial})
    assert response.status_code == 200 and response.context["result"].ok
    token = map_url.split("?")[0].rstrip("/").split("/")[-1]
    response = client.post(reverse("imports:commit", args=["deployments", token]) + "?trust=TAH")
    assert response.status_code == 302 and response["Location"] == reverse("mapping:trust", args=["TAH"])
    assert Deployment.objects.get(local_title="Peer Worker").status == "paused"
    assert Deployment.objects.get(local_title="New Title").role is None
