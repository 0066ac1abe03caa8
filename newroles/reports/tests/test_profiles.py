"""Trust and role profiles: who may read them, and that a neighbour's small count never leaves its trust."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from newroles.conftest import client_for
from newroles.reports import profiles
from newroles.reports.pdf import render_pdf
from newroles.reports.readers import PUBLIC_READER, members_of
from newroles.reports.tests.conftest import NEIGHBOUR_PEER_WORKERS, OWN_PEER_WORKERS, pdf_text
from newroles.roles.models import Role

pytestmark = pytest.mark.django_db


def test_members_and_national_readers_read_a_trust_profile(alice, bob, nadia, rita) -> None:  # type: ignore[no-untyped-def]
    for user in (alice, bob, nadia, rita):
        assert client_for(user).get("/reports/trusts/TAH/").status_code == 200, user


def test_another_trusts_member_gets_not_found(charlie, olive) -> None:  # type: ignore[no-untyped-def]
    for user in (charlie, olive):
        assert client_for(user).get("/reports/trusts/TAH/").status_code == 404
        assert client_for(user).get("/reports/trusts/TAH/?format=json").status_code == 404
        assert client_for(user).get("/reports/trusts/TAH/pdf/").status_code == 404


def test_anyone_signed_in_reads_a_role_profile(olive, charlie) -> None:  # type: ignore[no-untyped-def]
    for user in (olive, charlie):
        response = client_for(user).get("/reports/roles/peer_support_worker/")
        assert response.status_code == 200
        assert "Where the role is deployed" in response.content.decode()
    assert client_for(olive).get("/reports/roles/no_such_role/").status_code == 404


def test_a_trust_profile_with_no_data_says_so_section_by_section(sheffield) -> None:  # type: ignore[no-untyped-def]
    data = profiles.trust_data(sheffield, members_of(sheffield.pk))
    for key in ("deployments", "staff_record", "readiness", "funding", "data_quality", "packs", "documents", "events"):
        assert data[key]["empty"], key


def test_a_role_profile_with_no_data_says_so_section_by_section() -> None:
    data = profiles.role_data(Role.objects.get(slug="peer_support_worker"))
    for key in ("deployed", "staff_record", "kinds", "reasons", "quotes", "readiness", "funding"):
        assert data[key]["empty"], key


def test_outsiders_read_neither_readiness_nor_funding_of_a_trust(sheffield) -> None:  # type: ignore[no-untyped-def]
    data = profiles.trust_data(sheffield, PUBLIC_READER)
    assert data["readiness"]["empty"] == profiles.PRIVATE
    assert data["funding"]["empty"] == profiles.PRIVATE


def _ratio_row(data):  # type: ignore[no-untyped-def]
    return next(b for b in data["staff_record"]["benchmarks"] if b["area"] == "North East and Yorkshire")


def test_a_ratio_to_the_average_is_shown_when_no_neighbour_can_be_worked_out(
    sheffield, neighbours, third_neighbour
) -> None:  # type: ignore[no-untyped-def]
    third_neighbour(30)  # region: 20 + 3 + 30; less any one trust, or less Sheffield, nothing small is left
    data = profiles.trust_data(sheffield, members_of(sheffield.pk))
    region = _ratio_row(data)
    assert region["ratio_to_mean"] == round(
        OWN_PEER_WORKERS / ((OWN_PEER_WORKERS + NEIGHBOUR_PEER_WORKERS + 30) / 3), 2
    )
    assert region["rank"] == 2 and region["trusts"] == 3


def test_one_other_trust_alone_is_never_behind_a_ratio(sheffield, neighbours) -> None:  # type: ignore[no-untyped-def]
    """Two trusts: the region less Sheffield is Rotherham's own count, whatever its size."""
    assert _ratio_row(profiles.trust_data(sheffield, members_of(sheffield.pk)))["ratio_to_mean"] == "*"


def test_no_region_minus_own_figure_gives_a_neighbours_small_count_away(
    sheffield, neighbours, third_neighbour, alice
) -> None:  # type: ignore[no-untyped-def]
    """Region total 24, Sheffield 20: the ratio to the region's average would give the other trusts' 3 + 1 back."""
    third_neighbour(1)
    data = profiles.trust_data(sheffield, members_of(sheffield.pk))
    assert data["staff_record"]["headcount"] == OWN_PEER_WORKERS  # members see their own count
    region = _ratio_row(data)
    assert region["ratio_to_mean"] == "*"
    assert region["rank"] == 1
    leaked = str(round(OWN_PEER_WORKERS / ((OWN_PEER_WORKERS + NEIGHBOUR_PEER_WORKERS + 1) / 3), 2))

    html = client_for(alice).get("/reports/trusts/TAH/").content.decode()
    as_json = client_for(alice).get("/reports/trusts/TAH/?format=json").json()
    text = " ".join(pdf_text(render_pdf(data)).split())
    assert f">{leaked}<" not in html and ">*</td>" in html
    assert leaked not in json.dumps(as_json["staff_record"])
    assert as_json["staff_record"]["benchmarks"][0]["ratio_to_mean"] == "*"
    assert "North East and Yorkshire 3 1 of 3 *" in text and f"1 of 3 {leaked}" not in text


def test_a_neighbours_small_count_is_starred_in_its_profile_for_outsiders(rotherham, neighbours, nadia) -> None:  # type: ignore[no-untyped-def]
    data = profiles.trust_data(rotherham, PUBLIC_READER)
    assert data["staff_record"]["headcount"] == "*"
    assert all(r["headcount"] == "*" for r in data["staff_record"]["roles"] if r["headcount"] != 0)
    assert _ratio_row(data)["ratio_to_mean"] == "*"  # a ratio would give the count back
    html = client_for(nadia).get("/reports/trusts/RXE/").content.decode()
    as_json = client_for(nadia).get("/reports/trusts/RXE/?format=json").json()
    assert as_json["staff_record"]["headcount"] == "*"
    text = " ".join(pdf_text(render_pdf(data)).split())
    for where in (html, text):
        assert f"headcount {NEIGHBOUR_PEER_WORKERS}," not in where
        assert "headcount *" in where


def test_the_role_profile_protects_small_band_counts(neighbours) -> None:  # type: ignore[no-untyped-def]
    data = profiles.role_data(Role.objects.get(slug="peer_support_worker"))
    bands = data["staff_record"]["bands"]
    assert bands, data["staff_record"]
    # 23 staff at band 4 from two trusts, one of them with 3: the total less Sheffield's would give it away.
    assert all(b["headcount"] == "*" for b in bands)
    assert data["staff_record"]["headcount"] == "*"


def test_the_command_writes_a_trust_profile_for_the_public_by_default(rotherham, neighbours, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "rxe.json"
    call_command("report", "trust", "rxe", "--format", "json", "-o", str(out))
    assert json.loads(out.read_text())["staff_record"]["headcount"] == "*"
    call_command("report", "trust", "rxe", "--for", "members", "--format", "json", "-o", str(out))
    assert json.loads(out.read_text())["staff_record"]["headcount"] == NEIGHBOUR_PEER_WORKERS
