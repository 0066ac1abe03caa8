"""Freezing the briefing, comparing two snapshots, and redacting a withdrawn participant's quotes."""

from __future__ import annotations

import copy

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.reports import services, signals
from newroles.reports.briefing import briefing_data
from newroles.reports.models import Snapshot

pytestmark = pytest.mark.django_db

QUOTE = {"id": 7, "text": "People are so busy", "attribution": "Trust J1", "theme": "Engagement",
         "role_slug": "", "phase": "2"}  # fmt: skip


def _with_quote(data: dict) -> dict:  # type: ignore[type-arg]
    data = copy.deepcopy(data)
    other = {**QUOTE, "id": 8, "text": "Take it off the shelf", "attribution": "Trust Z1"}
    data["quotes"] = {"themes": [{"theme": "Engagement", "quotes": [dict(QUOTE), other]}], "count": 2, "empty": ""}
    return data


def test_a_researcher_freezes_the_briefing_and_later_changes_do_not_alter_it(rita) -> None:  # type: ignore[no-untyped-def]
    client = client_for(rita)
    response = client.post("/reports/snapshots/freeze/", {"title": "Published briefing, March 2027"})
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == snapshot.get_absolute_url()
    assert snapshot.data["coverage"]["total"] == 51
    record = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Snapshot)).latest("pk")
    assert "data" not in (record.after or {})  # the figures are the snapshot itself, not copied into history
    page = client.get(snapshot.get_absolute_url())
    assert page.status_code == 200 and "Frozen snapshot" in page.content.decode()
    assert client.get(snapshot.get_absolute_url() + "?format=json").json() == snapshot.data


def test_only_researchers_freeze(nadia, alice) -> None:  # type: ignore[no-untyped-def]
    for user in (nadia, alice):
        assert client_for(user).post("/reports/snapshots/freeze/", {"title": "Mine"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.freeze_briefing(actor=nadia, title="Mine")
    assert not Snapshot.objects.exists()


def test_a_frozen_briefing_needs_a_name(rita) -> None:  # type: ignore[no-untyped-def]
    response = client_for(rita).post("/reports/snapshots/freeze/", {"title": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_comparing_two_snapshots_lists_the_figures_that_changed(rita, olive) -> None:  # type: ignore[no-untyped-def]
    data = briefing_data()
    first = services.freeze_briefing(actor=rita, title="First", data=data)
    later = copy.deepcopy(data)
    later["coverage"]["engaged"] = 3
    later["coverage"]["regions"][1]["engaged"] = 3
    second = services.freeze_briefing(actor=rita, title="Second", data=later)
    differences = services.compare(first.data, second.data)
    assert [(d.path, d.before, d.after) for d in differences] == [
        ("coverage.engaged", 0, 3),
        ("coverage.regions[North West].engaged", 0, 3),
    ]
    page = client_for(olive).get(f"/reports/snapshots/compare/?before={first.pk}&after={second.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 figures changed" in html and "coverage.regions[North West].engaged" in html
    same = client_for(olive).get(f"/reports/snapshots/compare/?before={first.pk}&after={first.pk}")
    assert "Choose two different snapshots to compare." in same.content.decode()


def test_redacting_a_withdrawn_participants_quotes_flags_the_snapshots_quoting_them(rita) -> None:  # type: ignore[no-untyped-def]
    data = _with_quote(briefing_data())
    quoting = services.freeze_briefing(actor=rita, title="Quotes", data=data)
    other = services.freeze_briefing(actor=rita, title="No quotes", data=briefing_data())

    changed = services.redact_withdrawn(actor=policy.SYSTEM, quote_ids=[7], participant_code="Trust J1")

    assert [s.pk for s in changed] == [quoting.pk]
    quoting.refresh_from_db()
    other.refresh_from_db()
    quotes = quoting.data["quotes"]["themes"][0]["quotes"]
    assert quotes[0]["text"] == services.REDACTED and quotes[0]["attribution"] == ""
    assert quotes[1]["text"] == "Take it off the shelf"  # another participant's quote stays
    assert quoting.redacted and quoting.redacted_quotes == [7]
    assert not other.redacted
    kind = ContentType.objects.get_for_model(Snapshot)
    record = ChangeRecord.objects.filter(content_type=kind, object_id=str(quoting.pk)).latest("pk")
    assert "People are so busy" not in str(record.before) + str(record.after)
    page = client_for(rita).get(quoting.get_absolute_url()).content.decode()
    assert "People are so busy" not in page and "because the participant withdrew consent" in page


def test_the_signal_receiver_redacts_as_the_system(rita) -> None:  # type: ignore[no-untyped-def]
    snapshot = services.freeze_briefing(actor=rita, title="Quotes", data=_with_quote(briefing_data()))
    signals.participant_withdrawn(sender=None, participant_code="Trust J1", quote_ids=[7])
    snapshot.refresh_from_db()
    assert snapshot.redacted_quotes == [7]


def test_the_receiver_listens_to_the_evidence_apps_withdrawals() -> None:
    from newroles.evidence.signals import participant_withdrawn

    assert signals.connect_evidence() is True
    assert participant_withdrawn.has_listeners()


def test_the_snapshot_list_offers_the_newest_against_the_one_before(rita, olive) -> None:  # type: ignore[no-untyped-def]
    first = services.freeze_briefing(actor=rita, title="First", data=briefing_data())
    second = services.freeze_briefing(actor=rita, title="Second", data=briefing_data())
    form = client_for(olive).get("/reports/snapshots/").context["compare_form"]
    assert form.initial == {"after": second.pk, "before": first.pk}


def test_administrators_read_snapshots_in_the_admin_without_changing_them(admin_user, rita) -> None:  # type: ignore[no-untyped-def]
    snapshot = services.freeze_briefing(actor=rita, title="Published", data=briefing_data())
    client = client_for(admin_user)
    assert client.get("/admin/reports/snapshot/").status_code == 200
    assert client.get(f"/admin/reports/snapshot/{snapshot.pk}/change/").status_code == 200
    assert client.get("/admin/reports/snapshot/add/").status_code == 403
