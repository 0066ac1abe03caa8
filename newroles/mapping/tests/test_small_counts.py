"""Staff-record figures on the map suppress small counts outside the trust, like every aggregate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.mapping import services


def _staff_record_figures(deployment, headcount):  # type: ignore[no-untyped-def]
    return services.update_deployment(
        actor=policy.SYSTEM,
        deployment=deployment,
        headcount=headcount,
        wte=Decimal(headcount * 4) / 5,
        figures_source="staff_record",
        figures_as_of=dt.date(2026, 10, 1),
    )


def test_a_small_staff_record_count_is_starred_outside_the_trust(sheffield_psw, alice, charlie):
    _staff_record_figures(sheffield_psw, 3)
    outside = client_for(charlie)
    assert "* people, * WTE" in outside.get(f"/map/deployments/{sheffield_psw.pk}/").content.decode()
    assert ">3<" not in outside.get("/map/trusts/TAH/").content.decode().replace(" ", "")
    exported = outside.get("/map/deployments/?format=csv&trust=TAH").content.decode()
    assert ",*,*," in exported
    inside = client_for(alice).get(f"/map/deployments/{sheffield_psw.pk}/").content.decode()
    assert "3 people" in inside


def test_large_counts_and_figures_the_trust_gave_are_shown(sheffield_psw, charlie):
    _staff_record_figures(sheffield_psw, 12)
    assert "12 people" in client_for(charlie).get(f"/map/deployments/{sheffield_psw.pk}/").content.decode()
    services.update_deployment(actor=policy.SYSTEM, deployment=sheffield_psw, headcount=2, figures_source="trust_entry")
    assert "2 people" in client_for(charlie).get(f"/map/deployments/{sheffield_psw.pk}/").content.decode()


def test_the_history_stars_what_the_page_stars(sheffield_psw, alice, charlie):
    _staff_record_figures(sheffield_psw, 4)
    _staff_record_figures(sheffield_psw, 3)
    outside = client_for(charlie)
    for url in (f"/map/deployments/{sheffield_psw.pk}/", f"/history/mapping.deployment/{sheffield_psw.pk}/"):
        page = outside.get(url).content.decode()
        assert "<ins>*</ins>" in page and "<del>*</del>" in page
        for figure in ("<ins>4</ins>", "<del>4</del>", "<ins>3</ins>", "<del>3.2</del>", "<ins>2.4</ins>"):
            assert figure not in page, (url, figure)
        inside = client_for(alice).get(url).content.decode()
        assert "<del>4</del>" in inside and "<ins>3</ins>" in inside and "<ins>2.4</ins>" in inside


def test_the_history_shows_large_figures_to_everyone(sheffield_psw, charlie):
    _staff_record_figures(sheffield_psw, 12)
    page = client_for(charlie).get(f"/history/mapping.deployment/{sheffield_psw.pk}/").content.decode()
    assert "<ins>12</ins>" in page and "<ins>9.6</ins>" in page
