"""Engagements with bodies outside the register, the demo's evidence, and the command line."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from newroles.accounts import policy
from newroles.evidence import analysis, public
from newroles.evidence.demo import PASSAGES, load_evidence_demo
from newroles.evidence.models import Participant, Segment, Source
from newroles.mapping import services as mapping
from newroles.organisations.models import Organisation


def test_an_engagement_may_be_with_a_body_outside_the_register_and_coverage_ignores_it(rita, sheffield) -> None:
    before = [(r.region.code, r.engaged, r.total) for r in mapping.coverage(phases=["phase2_reflection_group"])]
    nhse = Organisation.objects.create(kind="nhse", name="NHS England")
    engagement = mapping.record_engagement(actor=rita, trust=None, organisation=nhse,
                                           phase="phase2_reflection_group", status="completed",
                                           date="2024-02-20")  # fmt: skip
    assert str(engagement) == "Phase 2 reflection group with NHS England"
    assert [(r.region.code, r.engaged, r.total) for r in mapping.coverage(phases=["phase2_reflection_group"])] == before
    counts = {row["phase"]: row["counts"] for row in mapping.engagement_counts()}
    assert sum(counts["Phase 2 reflection group"]) == 0  # trusts by phase: the body is not a trust
    with pytest.raises(ValidationError):
        mapping.record_engagement(actor=rita, trust=sheffield, organisation=nhse, phase="phase1_interview")
    with pytest.raises(ValidationError):
        mapping.record_engagement(actor=rita, trust=None, phase="phase1_interview")


def test_the_demo_loads_the_briefings_quotes_coded_by_two_coders(rita, admin_user) -> None:
    assert load_evidence_demo(researcher=rita, second_coder=admin_user) == {"sources": len(PASSAGES)}
    assert load_evidence_demo(researcher=rita, second_coder=admin_user) == {"sources": 0}  # once
    assert Source.objects.filter(is_demo=True).count() == 6 and all(s.is_demo for s in Source.objects.all())
    assert set(Participant.objects.values_list("code", flat=True)) == {"2-F", "J1", "G1", "T1", "Z1", "H1&2"}
    text = " ".join(s.text for s in Segment.objects.filter(coder=rita))
    assert "did not land well due to the tight turnaround" in text
    [quote] = public.published_quotes(role_slug="mental_health_wellbeing_practitioner")
    assert quote.attribution == "[Trust H1&2]"
    by_code = {r.code.key: r for r in analysis.agreement_by_code(rita, admin_user)}
    rows = {key: r.result for key, r in by_code.items()}
    assert rows["factors.engagement"].kappa == 1  # both coded J1's passage the same
    # Two paragraphs both coded (J1's, G1's); only the first coder saw oversight structures in G1's: agree on 1 of 2.
    assert rows["factors.structures"].observed == Fraction(1, 2)
    assert [(p.speaker, a, b) for p, a, b in by_code["factors.structures"].disagreements] == [("G1", True, False)]
    assert Organisation.objects.filter(kind="nhse", engagements__phase="phase2_reflection_group").exists()


def test_the_demos_phase_one_interviewed_thirty_one_trusts(db) -> None:
    from newroles.mapping.demo import load_mapping_demo
    from newroles.mapping.models import Engagement

    load_mapping_demo()
    completed = Engagement.objects.filter(phase__in=["phase1_interview", "questionnaire"], status="completed")
    assert completed.count() == 31 and set(completed.values_list("phase", flat=True)) == {"phase1_interview"}
    assert (mapping.coverage().engaged, mapping.coverage().total) == (31, 51)


def test_commands_act_only_as_a_researcher(rita, eve, admin_user, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Say who is acting"):
        call_command("evidence", "seed-codebook")
    with pytest.raises(CommandError, match="no researcher"):
        call_command("evidence", "--as", eve.email, "seed-codebook")
    out = io.StringIO()
    call_command("evidence", "--as", rita.email, "seed-codebook", stdout=out)
    assert "Codebook version 1" in out.getvalue()

    load_evidence_demo(researcher=rita, second_coder=admin_user)
    target = tmp_path / "matrix.xlsx"
    call_command("evidence", "--as", rita.email, "matrix", "-o", str(target), stdout=io.StringIO())
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][0] == "Case" and {r[0] for r in rows[1:]} == {"2-F", "J1", "G1", "T1", "Z1", "H1&2"}

    out = io.StringIO()
    call_command("evidence", "--as", rita.email, "agreement", rita.email, admin_user.email, stdout=out)
    assert "factors.engagement" in out.getvalue() and "kappa 1.000" in out.getvalue()

    call_command("evidence", "--as", rita.email, "withdraw", "T1", stdout=io.StringIO())
    assert not Source.objects.filter(participants__code="T1").exists()
    assert Participant.objects.get(code="T1").consent_status == Participant.WITHDRAWN
    assert policy.reads_evidence(admin_user)
