"""A researcher's own classification of a deployment's skill-mix change, beside the rule's, and on the map."""

from __future__ import annotations

from django.urls import reverse

from newroles.conftest import client_for
from newroles.evidence import analysis, services
from newroles.mapping.models import Deployment
from newroles.roles.models import Role


def _deployment(trust):  # type: ignore[no-untyped-def]
    return Deployment.objects.create(trust=trust, local_title="Nursing associate", status="active",
                                     role=Role.objects.get(slug="nursing_associate"),
                                     intended_kinds=["delegation"], actual_kinds=["delegation"])  # fmt: skip


def test_classifications_against_the_rule(rita, ray, sheffield) -> None:
    deployment = _deployment(sheffield)
    services.save_classification(actor=rita, deployment=deployment, kinds=["delegation"])
    services.save_classification(actor=ray, deployment=deployment, kinds=["delegation", "innovation"])
    services.save_classification(actor=ray, deployment=deployment, kinds=["innovation"])  # replaces ray's own
    rows = analysis.rule_against_researchers()
    assert [(r.classification.researcher, r.agrees) for r in rows] == [(ray, False), (rita, True)]
    page = client_for(rita).get(reverse("evidence:classifications")).content.decode().split("<tbody")[1]
    assert page.index("ray") < page.index("rita") and "<strong>No</strong>" in page


def test_the_map_shows_the_researchers_classification_to_researchers_only(rita, bob, sheffield) -> None:
    deployment = _deployment(sheffield)
    client_for(rita).post(reverse("evidence:classify", args=[deployment.pk]), {"kinds": ["innovation"]})
    assert analysis.researcher_kind_counts() == {"innovation": 1}
    url = reverse("mapping:dashboard") + "?kinds=researchers"
    mine = client_for(rita).get(url).content.decode()
    assert "Researchers&#x27; classification" in mine or "Researchers' classification" in mine
    theirs = client_for(bob).get(url).content.decode()
    assert "classification" not in theirs.lower().replace("kinds of skill-mix change", "")
