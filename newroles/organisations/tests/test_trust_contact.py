"""A trust's contact details: its editors and managers keep them; nobody else may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from newroles.audit.services import history
from newroles.conftest import client_for
from newroles.organisations import services
from newroles.organisations.models import Trust

URL = reverse("organisations:trust_contact", args=["TAH"])
CONTACT = {
    "website": "https://www.example.org/",
    "new_roles_lead_name": "Dr Lead",
    "new_roles_lead_email": "lead@example.org",
}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alice", True), ("eve", True), ("admin_user", True), ("bob", False), ("charlie", False), ("nadia", False),
     ("rita", False), ("olive", False)],
)  # fmt: skip
def test_it_requires_edit_access(request, who, allowed, sheffield):
    client = client_for(request.getfixturevalue(who))
    assert client.get(URL).status_code == (200 if allowed else 403)
    assert client.post(URL, CONTACT).status_code == (302 if allowed else 403)
    sheffield.refresh_from_db()
    assert (sheffield.new_roles_lead_name == "Dr Lead") is allowed


def test_it_saves_and_audits_the_contact_details(eve, sheffield):
    records = history(sheffield).count()
    response = client_for(eve).post(URL, CONTACT)
    assert response.url == sheffield.get_absolute_url()
    record = history(sheffield).first()
    assert history(sheffield).count() == records + 1
    assert (record.action, record.user, record.request_id) == ("update", eve, response["X-Request-ID"])
    assert (record.before["new_roles_lead_email"], record.after["new_roles_lead_email"]) == ("", "lead@example.org")


def test_it_validates_the_email(eve, sheffield):
    response = client_for(eve).post(URL, {**CONTACT, "new_roles_lead_email": "not an email"})
    assert response.status_code == 200
    assert "new_roles_lead_email" in response.context["form"].errors
    sheffield.refresh_from_db()
    assert sheffield.new_roles_lead_name == ""


def test_only_contact_fields_may_be_changed(eve, sheffield):
    name = sheffield.name
    client_for(eve).post(URL, {**CONTACT, "name": "Hijacked", "in_study_set": ""})
    sheffield.refresh_from_db()
    assert (sheffield.name, sheffield.in_study_set, sheffield.new_roles_lead_name) == (name, True, "Dr Lead")
    with pytest.raises(ValueError, match="Not contact fields: name"):
        services.update_trust_contact(actor=eve, trust=sheffield, name="Hijacked")


def test_the_service_refuses_another_trusts_editor(charlie, sheffield):
    with pytest.raises(PermissionDenied):
        services.update_trust_contact(actor=charlie, trust=sheffield, website="https://evil.example")
    assert Trust.objects.get(pk=sheffield.pk).website == ""


def test_only_admins_change_the_register(alice, admin_user):
    with pytest.raises(PermissionDenied):
        services.save_trust(actor=alice, ods_code="TAH", name="Renamed")
    with pytest.raises(PermissionDenied):
        services.save_region(actor=alice, code="Y56", name="Greater London")
    trust, created = services.save_trust(actor=admin_user, ods_code="TAH", name="Renamed")
    assert (trust.name, created) == ("Renamed", False)
