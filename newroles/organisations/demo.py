"""The demo's teams at its two case-study trusts and its organisations, kept here, below every app that uses
them: the demo (the top of the house) creates them, the staff record's demo names its extracts' units after
the teams, and the funding demo names the organisations as partners. Each team is (name, service type,
description, shared with other trusts)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newroles.accounts import policy
from newroles.organisations import services
from newroles.organisations.models import Organisation, Region, Trust

DEMO_TEAMS = {
    "TAH": [
        ("CMHT North", "community", "Community mental health team, north of the city.", True),
        ("CMHT South", "community", "Community mental health team, south of the city.", False),
        (
            "Crisis Resolution and Home Treatment",
            "crisis",
            "24-hour crisis assessment and home treatment.",
            True,
        ),
        ("Early Intervention in Psychosis", "early_intervention", "First-episode psychosis service.", False),
        ("Maple Ward", "inpatient", "Adult acute inpatient ward.", False),
        ("Perinatal Mental Health", "perinatal", "Community perinatal service.", False),
    ],
    "RXE": [
        ("Doncaster CMHT", "community", "Community mental health team.", True),
        ("Rotherham Talking Therapies", "talking_therapies", "NHS Talking Therapies service.", False),
        ("Mental Health Support Team – Schools", "schools", "Education mental health practitioners.", False),
    ],
}


# The funding partners the demo needs: an ICB from the reference data (the loader's, with its source),
# and a local authority and a charity made up for the demo and labelled so.
DEMO_ICB_CODE = "QF7"  # NHS South Yorkshire Integrated Care Board, where the demo's trusts work
ILLUSTRATIVE_SOURCE = "Illustrative: made up for the demo as a funding partner, not taken from any register."
DEMO_ORGANISATIONS = {
    # key: (kind, name, region code, website)
    "local_authority": ("local_authority", "Sheffield City Council (illustrative)", "Y63", ""),
    "charity": ("charity", "South Yorkshire Peer Support Network (illustrative)", "Y63", ""),
}


@transaction.atomic
def load_demo_organisations() -> dict[str, Any]:
    """Create the demo's local authority and charity (again: nothing changes) and return them with the ICB,
    by key: "local_authority", "charity", "icb". Requires the reference data (the ICBs)."""
    partners: dict[str, Any] = {}
    for key, (kind, name, region_code, website) in DEMO_ORGANISATIONS.items():
        partners[key], _ = services.save_organisation(
            actor=policy.SYSTEM, kind=kind, name=name, region=Region.objects.get(code=region_code),
            website=website, source=ILLUSTRATIVE_SOURCE, message="demo: illustrative organisations",
        )  # fmt: skip
    partners["icb"] = demo_icb()
    name_demo_leads()
    return partners


# The demo trusts' new roles leads, the demo personas who edit each trust, so notices name their addressees.
DEMO_LEADS = {"TAH": ("Esther Editor", "editor@demo.test"), "RXE": ("Omar Other", "other@demo.test")}


@transaction.atomic
def name_demo_leads() -> None:
    """Record the demo trusts' new roles leads, where a trust has none recorded."""
    for trust in Trust.objects.filter(ods_code__in=DEMO_LEADS, new_roles_lead_name=""):
        name, email = DEMO_LEADS[trust.ods_code]
        services.update_trust_contact(
            actor=policy.SYSTEM, trust=trust, new_roles_lead_name=name, new_roles_lead_email=email
        )


def demo_icb() -> Organisation:
    icb = Organisation.objects.filter(kind=Organisation.ICB, ods_code=DEMO_ICB_CODE).first()
    if icb is None:
        raise RuntimeError("Load the reference data first (newroles load_reference): the ICBs are missing.")
    return icb


def demo_partners() -> dict[str, Organisation]:
    """The demo's partners by key, as `load_demo_organisations` made them (for other apps' demo data)."""
    found = {
        key: Organisation.objects.get(kind=kind, name=name) for key, (kind, name, _, _) in DEMO_ORGANISATIONS.items()
    }
    return {**found, "icb": demo_icb()}
