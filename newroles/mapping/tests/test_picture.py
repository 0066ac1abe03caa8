"""The national picture: rankings, reasons, kinds intended and actual, disagreement on newness, drift."""

from __future__ import annotations

import pytest

from newroles.mapping import services
from newroles.mapping.tests.helpers import deploy
from newroles.organisations.models import Trust

pytestmark = pytest.mark.django_db


def trust(code: str) -> Trust:
    return Trust.objects.get(ods_code=code)


def test_roles_are_ranked_by_trusts_deploying_them():
    for code in ("TAH", "RXE", "RX3"):
        deploy(trust(code), "Peer Support Worker", "peer_support_worker")
    deploy(trust("TAH"), "Senior Peer Support Worker", "peer_support_worker")  # same trust: counted once
    for code in ("TAH", "RXE"):
        deploy(trust(code), "Nursing Associate", "nursing_associate")
    deploy(trust("RX3"), "Nursing Associate", "nursing_associate", status="planned")  # not deployed yet
    deploy(trust("RX4"), "Nursing Associate", "nursing_associate", status="discontinued")  # no longer
    deploy(trust("RX4"), "Recovery Navigator")  # unmapped: no role to rank
    ranked = services.roles_ranked()
    assert [(r.role.slug, r.trusts, r.deployments) for r in ranked] == [
        ("peer_support_worker", 3, 4),
        ("nursing_associate", 2, 2),
    ]


def test_reasons_are_ranked_most_first_and_every_reason_is_listed():
    deploy(trust("TAH"), "A", reasons=["staff_shortages", "waiting_lists"])
    deploy(trust("TAH"), "B", reasons=["staff_shortages"])
    deploy(trust("RXE"), "C", reasons=["waiting_lists", "staff_shortages", "other"], reason_other="Funding offer")
    deploy(trust("RXE"), "D", reasons=["new_skills"])
    ranked = services.reasons_ranked()
    assert [(r.key, r.count) for r in ranked[:4]] == [
        ("staff_shortages", 3), ("waiting_lists", 2), ("new_skills", 1), ("other", 1),
    ]  # fmt: skip
    assert len(ranked) == 8  # the briefing's seven and "other", zeros included
    assert ranked[-1].count == 0


def test_kinds_intended_and_actual_are_counted_for_all_five():
    deploy(trust("TAH"), "A", intended_kinds=["delegation"], actual_kinds=["delegation"])
    deploy(trust("TAH"), "B", intended_kinds=["delegation", "innovation"], actual_kinds=["horizontal_substitution"])
    deploy(trust("RXE"), "C", intended_kinds=["specialisation"])
    kinds = {k.key: (k.intended, k.actual) for k in services.kinds_compared()}
    assert kinds == {
        "delegation": (2, 1), "horizontal_substitution": (0, 1), "specialisation": (1, 0),
        "diversification": (0, 0), "innovation": (1, 0),
    }  # fmt: skip


def test_newness_disagreement_per_role_counts_trusts_and_lists_disagreements_first():
    deploy(trust("TAH"), "Mental Health Practitioner", "mental_health_practitioner", trust_newness="new_title")
    deploy(trust("RXE"), "MHP", "mental_health_practitioner", trust_newness="new_title")
    deploy(trust("RX3"), "Mental Health Practitioner", "mental_health_practitioner", trust_newness="new_role")
    deploy(trust("RX4"), "Mental Health Practitioner", "mental_health_practitioner", trust_newness="not_new")
    for code in ("TAH", "RXE", "RX3", "RX4", "RGD"):
        deploy(trust(code), "Physician Associate", "physician_associate", trust_newness="new_role")
    deploy(trust("RGD"), "Peer Worker", "peer_support_worker")  # no answer: not counted
    rows = services.newness_by_role()
    assert [(r.role.slug, r.new_role, r.new_title, r.not_new, r.disagree) for r in rows] == [
        ("mental_health_practitioner", 1, 2, 1, True),
        ("physician_associate", 5, 0, 0, False),
    ]


def test_drift_lists_deployments_whose_actual_change_differs_from_the_intended():
    same = deploy(trust("TAH"), "A", intended_kinds=["delegation", "innovation"],
                  actual_kinds=["innovation", "delegation"])  # fmt: skip
    differs = deploy(trust("TAH"), "B", intended_kinds=["specialisation"], actual_kinds=["delegation"])
    unknown = deploy(trust("RXE"), "C", intended_kinds=["delegation"])  # actual not recorded: not drift
    assert services.drift() == [differs]
    assert not same.drifted and not unknown.drifted


def test_kinds_are_stored_in_typology_order_so_equal_sets_compare_equal():
    d = deploy(
        trust("TAH"), "A", intended_kinds=["innovation", "delegation"], actual_kinds=["delegation", "innovation"]
    )
    d.refresh_from_db()
    assert d.intended_kinds == d.actual_kinds == ["delegation", "innovation"]


def test_distinct_roles_and_titles_are_counted_with_titles_normalised():
    deploy(trust("TAH"), "Peer Worker", "peer_support_worker")
    deploy(trust("RXE"), "peer-worker", "peer_support_worker")  # the same title, written differently
    deploy(trust("RXE"), "Peer Support Worker", "peer_support_worker")
    deploy(trust("RX3"), "Recovery Navigator")
    assert services.distinct_roles() == 1
    assert services.distinct_titles() == 3
    picture = services.national_picture()
    assert (picture.deployments, picture.trusts, picture.unmapped) == (4, 3, 1)
