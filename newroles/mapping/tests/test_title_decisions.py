"""A trust's title decisions are one set: a decision on the staff record's titles page matches the map's
titles, and a title remembered on the map's titles page is the staff record's decision too."""

from __future__ import annotations

import pytest

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.mapping import services
from newroles.mapping.models import Deployment
from newroles.roles.models import Role
from newroles.workforce import services as workforce
from newroles.workforce.models import ExtractTitle, StaffCount, TitleDecision
from newroles.workforce.tests.conftest import MAPPING, MARCH, STANDARD, rows_of, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def navigator(sheffield, tmp_path) -> Deployment:  # type: ignore[no-untyped-def]
    """Sheffield's staff record (with 4 'Recovery Navigator' staff) and the same title on its map, unmatched."""
    path = write_csv(tmp_path / "esr.csv", rows_of(*STANDARD))
    obj = workforce.import_file(actor=policy.SYSTEM, trust=sheffield, path=path, month=MARCH, mapping=MAPPING)
    assert obj.status == "done", obj.error
    deployment = services.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Recovery Navigator")
    assert deployment.role is None
    return deployment


def test_a_decision_on_the_staff_record_matches_the_title_on_the_map(sheffield, eve, navigator) -> None:
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    client = client_for(eve)
    page = client.get("/map/trusts/TAH/titles/")
    assert "Recovery Navigator" in page.content.decode()
    before = {r.role.slug: r.deployments for r in services.roles_ranked(Deployment.objects.filter(trust=sheffield))}
    assert "support_time_recovery_worker" not in before

    response = client.post(
        "/workforce/TAH/titles/",
        {"group": "recovery navigator", "trecovery-navigator-key": "recovery navigator",
         "trecovery-navigator-outcome": TitleDecision.OTHER_ROLE, "trecovery-navigator-role": str_worker.slug},
    )  # fmt: skip
    assert response.status_code == 302

    navigator.refresh_from_db()
    assert navigator.role == str_worker
    page = client.get("/map/trusts/TAH/titles/").content.decode()
    assert "Recovery Navigator" not in page and "Every title is matched to a role." in page
    trust_page = client.get("/map/trusts/TAH/")
    assert list(trust_page.context["unmapped"]) == []
    # The map's headline (roles ranked by trusts deploying them) now counts it ...
    after = {r.role.slug: r.deployments for r in services.roles_ranked(Deployment.objects.filter(trust=sheffield))}
    assert after["support_time_recovery_worker"] == 1
    # ... and the staff record counts its staff under the role.
    assert sum(StaffCount.objects.filter(trust=sheffield, role=str_worker).values_list("headcount", flat=True)) == 4


def test_a_title_remembered_on_the_map_is_the_staff_records_decision(sheffield, eve, navigator) -> None:
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    response = client_for(eve).post(
        f"/map/deployments/{navigator.pk}/resolve/",
        {f"d{navigator.pk}-role": str_worker.pk, f"d{navigator.pk}-remember": "on"},
    )
    assert response.status_code == 302
    decision = TitleDecision.objects.get(trust=sheffield)
    assert (decision.key, decision.role) == ("recovery navigator", str_worker)
    # The staff record's titles page no longer asks about it, and its staff are counted under the role.
    assert all(g.key != "recovery navigator" for g in workforce.titles_to_resolve(sheffield))
    title = ExtractTitle.objects.get(trust=sheffield, title="Recovery Navigator")
    assert title.role == str_worker


def test_another_trusts_editor_cannot_decide_for_the_map(sheffield, charlie, navigator) -> None:
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    response = client_for(charlie).post(
        f"/map/deployments/{navigator.pk}/resolve/",
        {f"d{navigator.pk}-role": str_worker.pk, f"d{navigator.pk}-remember": "on"},
    )
    assert response.status_code == 403  # the map is seen by all; only the trust's editors change it
    assert not TitleDecision.objects.exists()
    navigator.refresh_from_db()
    assert navigator.role is None
