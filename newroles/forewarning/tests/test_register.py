"""The national event register: everyone signed in reads it, curators alone write it, every event has a source."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.forewarning import services
from newroles.forewarning.models import Event
from newroles.forewarning.tests.conftest import event, role, today
from newroles.roles.leadtime import add_months


def _form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "date": add_months(today(), 5).isoformat(), "title": "Funding window for trainee posts", "kind": "programme",
        "description": "Bids due.", "source_url": "https://www.england.nhs.uk/example", "source_citation": "",
        "roles": [role("nursing_associate").pk, role("physician_associate").pk], "region": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_curator_adds_changes_and_removes_an_event_each_audited(rita, register):
    client = client_for(rita)
    assert client.get("/forewarning/add/").status_code == 200
    response = client.post("/forewarning/add/", _form())
    assert response.status_code == 302
    created = Event.objects.get(title="Funding window for trainee posts")
    assert {r.slug for r in created.roles.all()} == {"nursing_associate", "physician_associate"}
    records = ChangeRecord.objects.filter(content_type__model="event", object_id=str(created.pk))
    assert records.count() == 2 and records.first().user == rita  # the row, then its roles

    assert client.post(f"/forewarning/{created.pk}/edit/", _form(title="Funding window moved")).status_code == 302
    assert Event.objects.get(pk=created.pk).title == "Funding window moved"
    update = ChangeRecord.objects.filter(content_type__model="event", object_id=str(created.pk)).latest("pk")
    assert update.before["title"] == "Funding window for trainee posts"
    assert update.after["title"] == "Funding window moved"

    assert client.post(f"/forewarning/{created.pk}/delete/").status_code == 302
    assert not Event.objects.filter(pk=created.pk).exists()
    assert ChangeRecord.objects.filter(content_type__model="event", object_id=str(created.pk), action="delete").exists()


@pytest.mark.parametrize("who", ["alice", "bob", "nadia", "charlie", "olive"])
def test_only_curators_write_the_register(request, register, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    pk = register["pa"].pk
    assert client.get("/forewarning/").status_code == 200  # everyone signed in reads it
    assert client.get("/forewarning/add/").status_code == 403
    assert client.post("/forewarning/add/", _form()).status_code == 403
    assert client.post(f"/forewarning/{pk}/edit/", _form(title="Forged")).status_code == 403
    assert client.post(f"/forewarning/{pk}/delete/").status_code == 403
    assert Event.objects.get(pk=pk).title == "PA registration compulsory"
    assert not Event.objects.filter(title="Funding window for trainee posts").exists()
    with pytest.raises(PermissionDenied):
        services.update_event(actor=user, event=register["pa"], title="Forged")


def test_the_register_needs_signing_in(client, register):
    assert client.get("/forewarning/").status_code == 302


def test_an_event_without_a_source_or_a_role_is_refused_with_a_message(rita, register):
    client = client_for(rita)
    page = client.post("/forewarning/add/", _form(source_url="", source_citation=""))
    assert page.status_code == 200
    assert "Give the source: its address, or who published it, its title and date." in page.content.decode()
    page = client.post("/forewarning/add/", _form(roles=[]))
    assert "Choose at least one role the event affects." in page.content.decode()
    assert not Event.objects.filter(title="Funding window for trainee posts").exists()
    with pytest.raises(ValidationError):
        services.create_event(actor=policy.SYSTEM, title="No source", date=today(), kind="other",
                              roles=[role("nursing_associate")])  # fmt: skip
    with pytest.raises(ValidationError):
        services.create_event(actor=policy.SYSTEM, title="No role", date=today(), kind="other",
                              source_citation="A publisher", roles=[])  # fmt: skip
    created = services.create_event(
        actor=policy.SYSTEM,
        title="Cited",
        date=today(),
        kind="other",
        source_citation="Publisher, title, 2026",
        roles=[role("nursing_associate")],
    )
    assert created.pk and created.source_url == ""


def _titles(client, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    html = client.get(f"/forewarning/?{query}").content.decode()
    return [t for t in ("Nursing associate register opened", "Psychiatry curriculum", "PA registration compulsory",
                        "Nursing associate intake", "Peer worker cohort") if t in html]  # fmt: skip


def test_the_list_filters_by_role_kind_and_upcoming_or_past(bob, register):
    client = client_for(bob)
    nursing_associates = ["Nursing associate register opened", "Nursing associate intake"]
    assert _titles(client, "role=nursing_associate") == nursing_associates
    assert _titles(client, "kind=intake") == ["Nursing associate intake", "Peer worker cohort"]
    assert _titles(client, "when=past") == ["Nursing associate register opened"]
    assert "Nursing associate register opened" not in _titles(client, "when=upcoming")
    html = client.get("/forewarning/").content.decode()
    in_date_order = ("Nursing associate register opened", "PA registration compulsory", "Psychiatry curriculum",
                     "Nursing associate intake", "Peer worker cohort")  # fmt: skip
    order = [html.index(t) for t in in_date_order]
    assert order == sorted(order)  # date order


def test_the_csv_export_has_every_matching_event_with_its_source(bob, register):
    response = client_for(bob).get("/forewarning/?role=nursing_associate&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="forewarning-events.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Event", "Kind", "Roles affected"]
    assert [r[1] for r in rows[1:]] == ["Nursing associate register opened", "Nursing associate intake"]
    assert all(r[7] == "https://www.example.org/source" for r in rows[1:])
    assert client_for(bob).get("/forewarning/?format=xlsx").status_code == 200


def test_the_list_reads_in_a_fixed_number_of_queries(bob, register, django_assert_max_num_queries):
    client = client_for(bob)
    client.get("/forewarning/")
    for i in range(20):
        event(f"More {i}", add_months(today(), i), "nursing_associate", "psychiatrist", "physician_associate")
    with django_assert_max_num_queries(10):  # 9 measured: session, user, list, its roles, ...
        assert client.get("/forewarning/").status_code == 200
    with django_assert_max_num_queries(5):  # 4 measured
        assert client.get("/forewarning/?format=csv").status_code == 200


def test_illustrative_events_are_labelled(bob, register):
    event("Invented intake", add_months(today(), 1), "nursing_associate", illustrative=True)
    assert "Illustrative</strong>" in client_for(bob).get("/forewarning/").content.decode()
