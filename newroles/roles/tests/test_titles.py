"""What a title means, from the database: the normaliser built from the catalogue and a trust's own
titles, and resolving a local title to a role, without any app above the catalogue."""

from __future__ import annotations

import pytest

from newroles.roles import titles
from newroles.roles.models import Role, RoleAlias

pytestmark = pytest.mark.django_db


def test_a_trusts_aliases_and_the_titles_passed_in_reach_its_normaliser(sheffield, rotherham) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    RoleAlias.objects.create(role=psw, title="Lived Experience Navigator", trust=sheffield)
    assert titles.trust_aliases(sheffield) == [("Lived Experience Navigator", "peer_support_worker")]
    assert titles.trust_aliases(sheffield, ["peer support"])[-1] == ("peer support", None)
    normalisers = titles.Normalisers(not_new=lambda trust: ["peer support"] if trust == sheffield else [])
    sheffields = normalisers.for_trust(sheffield)
    assert sheffields.normalise("Lived Experience Navigator - CMHT").slug == "peer_support_worker"
    assert sheffields.normalise("Peer Support").slug is None
    assert normalisers.for_trust(rotherham).normalise("Peer Support").slug == "peer_support_worker"
    # Trusts with nothing of their own share the national normaliser.
    assert normalisers.for_trust(rotherham) is normalisers.national()
    # Without the decisions passed in, only the trust's aliases count.
    assert titles.Normalisers().for_trust(sheffield).normalise("Peer Support").slug == "peer_support_worker"


def test_resolve_title_tries_exact_aliases_then_the_normaliser(sheffield) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    RoleAlias.objects.create(role=psw, title="Recovery Navigator", trust=sheffield)
    assert titles.resolve_title(sheffield, "recovery navigator") == psw
    assert titles.resolve_title(None, "Recovery Navigator") is None
    assert titles.resolve_title(sheffield, "Snr PSW (Band 4) - Maple Ward") == psw
    assert titles.resolve_title(sheffield, "Practitioner") is None
    assert titles.resolve_title(sheffield, " ") is None


@pytest.mark.parametrize("title", ["Approved Clinician", "Responsible Clinician", "NA", "PA", "AP"])
def test_an_ambiguous_national_alias_is_no_answer_on_its_own(sheffield, title: str) -> None:
    # The catalogue lists these titles as aliases, but each could mean another role too: a consultant
    # psychiatrist is an approved clinician, NA is as often a nursing assistant.
    assert RoleAlias.objects.filter(trust__isnull=True, normalised=title.lower()).exists()
    assert titles.exact_alias_match(sheffield, title) is None
    assert titles.resolve_title(sheffield, title) is None


def test_a_trusts_own_alias_settles_an_ambiguous_title_for_that_trust(sheffield, rotherham) -> None:
    mpac = Role.objects.get(slug="multi_professional_approved_clinician")
    RoleAlias.objects.create(role=mpac, title="Approved Clinician", trust=sheffield)
    assert titles.resolve_title(sheffield, "Approved Clinician") == mpac
    assert titles.resolve_title(rotherham, "Approved Clinician") is None


def test_the_new_band_4_and_community_roles_resolve(sheffield) -> None:
    assert titles.resolve_title(sheffield, "Associate Practitioner").slug == "assistant_practitioner"
    assert titles.resolve_title(sheffield, "IPS Employment Specialist - EIP").slug == "employment_specialist"
    assert titles.resolve_title(sheffield, "Care Navigator").slug == "community_connector"
    assert titles.resolve_title(sheffield, "Recovery Navigator") is None
