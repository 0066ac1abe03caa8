"""Search finds what people type: abbreviations, trusts' local titles they may see, best matches first."""

from __future__ import annotations

import pytest
from django.conf import settings

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.mapping import services as mapping
from newroles.roles import services
from newroles.roles.models import Role
from newroles.roles.search import search

ENGINE = settings.DATABASES["default"]["ENGINE"]
postgres_only = pytest.mark.skipif("postgresql" not in ENGINE, reason="PostgreSQL full-text search")
sqlite_only = pytest.mark.skipif("sqlite" not in ENGINE, reason="the SQLite word match")


def titles(user, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.title for hit in search(user, query)]


def test_a_listed_abbreviation_finds_its_role_first(bob):
    assert titles(bob, "PSW")[0] == "Peer support worker"
    page = client_for(bob).get("/search/?q=PSW").content.decode()
    assert "Peer support worker" in page and "Also called ‘PSW’" in page


def test_a_word_of_a_role_name_ranks_that_role_above_roles_that_only_mention_it(bob):
    hits = search(bob, "peer")
    found = [h.title for h in hits]
    assert found[0] == "Peer support worker" and hits[0].note == ""  # found by its name, not by an alias
    if "Healthcare support worker" in found:
        assert found.index("Peer support worker") < found.index("Healthcare support worker")


def test_the_exact_name_comes_before_an_alias_and_a_mention(bob):
    found = search(bob, "Support worker")
    # "Support Worker" is an alias of the healthcare support worker; no role is called just that.
    assert found[0].title == "Healthcare support worker" and found[0].tier == 1
    exact = search(bob, "nursing associate")
    assert exact[0].title == "Nursing associate" and exact[0].tier == 0


def test_a_trusts_local_title_on_the_map_finds_the_role_for_everyone_signed_in(sheffield, charlie):
    role = Role.objects.get(slug="support_time_recovery_worker")
    mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Recovery Navigator", role=role, status="active"
    )
    hits = search(charlie, "Recovery Navigator")
    assert hits[0].title == role.name and hits[0].tier == 1
    assert sheffield.name in hits[0].note
    assert "Recovery Navigator" in client_for(charlie).get("/search/?q=recovery+navigator").content.decode()


def test_an_unresolved_local_title_leads_to_its_deployment(sheffield, bob):
    deployment = mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Wellbeing Quokka Coach", role=None, status="pilot"
    )
    hits = search(bob, "quokka coach")
    assert [(h.title, h.url) for h in hits] == [("Wellbeing Quokka Coach", deployment.get_absolute_url())]
    assert hits[0].note == f"Used at {sheffield.name}; not yet matched to a role"


def test_a_trusts_own_alias_is_found_by_its_members_only(sheffield, eve, charlie, nadia, admin_user):
    role = Role.objects.get(slug="peer_support_worker")
    services.save_alias(actor=eve, role=role, title="Quokka Companion", trust=sheffield)
    hits = search(eve, "quokka companion")
    assert [h.title for h in hits] == ["Peer support worker"] and "Quokka Companion" in hits[0].note
    for outsider in (charlie, nadia):
        assert search(outsider, "quokka companion") == []
        page = client_for(outsider).get("/search/?q=Quokka+Companion").content.decode()
        assert "Quokka Companion</" not in page and "Also called" not in page
        assert "0 results" in page


def test_a_national_alias_added_later_is_searchable_and_a_proposed_one_is_not(sheffield, eve, rita):
    role = Role.objects.get(slug="peer_support_worker")
    from newroles.roles.aliases import approve_alias, propose_alias

    alias = propose_alias(actor=eve, trust=sheffield, role=role, title="Lived Quokka Guide")
    assert search(rita, "quokka guide") == []
    approve_alias(actor=rita, alias=alias)
    assert titles(rita, "quokka guide") == ["Peer support worker"]
    # and through the shared index too, by a word that is not the start of the title
    assert "Peer support worker" in titles(rita, "guide quokka")


@postgres_only
def test_postgresql_matches_other_forms_of_a_word_and_ranks_by_relevance(rita, bob):
    role = Role.objects.get(slug="nursing_associate")
    services.save_role(actor=rita, slug=role.slug, training_note="Quokkas need weekly supervision.")
    hits = search(bob, "quokka supervising")
    assert [h.title for h in hits] == ["Nursing associate"] and hits[0].rank > 0


@sqlite_only
def test_sqlite_matches_the_words_as_typed(rita, bob):
    role = Role.objects.get(slug="nursing_associate")
    services.save_role(actor=rita, slug=role.slug, training_note="Quokkas need weekly supervision.")
    assert titles(bob, "quokka supervision") == ["Nursing associate"]
    assert titles(bob, "quokka supervising") == []


def test_search_reads_a_fixed_number_of_queries(bob, django_assert_max_num_queries):
    client = client_for(bob)
    client.get("/search/?q=worker")
    # 7 on SQLite; PostgreSQL adds one (full-text matches, then the plain matches it leaves out).
    with django_assert_max_num_queries(8):
        assert client.get("/search/?q=support+worker").status_code == 200
