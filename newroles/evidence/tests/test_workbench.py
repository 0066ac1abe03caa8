"""The codebook, coding, retrieval, the matrix, quotes reaching role pages, and consent withdrawal."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.evidence import analysis, public, services
from newroles.evidence.models import Code, Memo, Paragraph, Participant, Quote, Segment, Source
from newroles.evidence.signals import participant_withdrawn
from newroles.evidence.tests.conftest import code
from newroles.evidence.transcripts import Turn
from newroles.roles.models import Role


def test_the_codebook_is_seeded_from_the_briefings_structure(codebook) -> None:
    headings = list(codebook.codes.filter(parent=None).values_list("key", flat=True))
    assert headings == ["reasons", "newness", "kinds", "factors", "national_asks", "funding"]
    assert codebook.codes.filter(parent__key="reasons").count() == 7  # staff shortages and six more
    assert codebook.codes.filter(parent__key="kinds").count() == 5
    assert codebook.codes.filter(parent__key="national_asks").count() == 4
    assert codebook.codes.filter(parent__key="funding").count() == 6
    delegation = code("kinds.delegation")
    assert delegation.definition.startswith("Adoption of tasks across occupational boundaries")
    assert not code("kinds").is_codable
    assert services.seed_codebook(actor=policy.SYSTEM) == codebook  # seeding again changes nothing


def test_a_new_version_copies_the_hierarchy(rita, codebook) -> None:
    v2 = services.new_codebook_version(actor=rita)
    assert v2.version == 2 and v2.codes.count() == codebook.codes.count()
    copied = v2.codes.get(key="kinds.delegation")
    assert copied.parent.key == "kinds" and copied.parent.codebook == v2
    assert services.current_codebook() == v2


def test_coding_needs_codable_codes_and_a_span_inside_the_paragraph(rita, interview, codebook) -> None:
    paragraph = interview.paragraphs.get(index=1)
    with pytest.raises(ValidationError, match="heading"):
        services.code_segment(actor=rita, paragraph=paragraph, start=0, end=5, codes=[code("kinds")])
    with pytest.raises(ValidationError, match="beyond"):
        services.code_segment(actor=rita, paragraph=paragraph, start=0, end=999, codes=[code("kinds.delegation")])
    with pytest.raises(ValidationError):
        services.code_segment(actor=rita, paragraph=paragraph, start=5, end=5, codes=[code("kinds.delegation")])
    assert not Segment.objects.exists()


def test_coding_through_the_no_script_form(rita, interview, codebook) -> None:
    client = client_for(rita)
    shortages = code("reasons.staff_shortages")
    response = client.post(
        reverse("evidence:code_span", args=[interview.pk]),
        {"paragraph": 1, "start": 0, "end": 15, "codes": [shortages.pk], "summary": "Shortages"},
    )
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.text == "Staff shortages" and segment.coder == rita and list(segment.codes.all()) == [shortages]
    page = client.get(reverse("evidence:source", args=[interview.pk])).content.decode()
    assert '<mark class="newroles-coded"' in page and "coding.js" in page and "<script>" not in page
    bad = client.post(reverse("evidence:code_span", args=[interview.pk]),
                      {"paragraph": 9, "start": 0, "end": 3, "codes": [shortages.pk]})  # fmt: skip
    assert bad.status_code == 400 and "This source has no paragraph 9" in bad.content.decode()


def test_retrieval_includes_sub_codes_and_filters(rita, interview, codebook, sheffield) -> None:
    paragraph = interview.paragraphs.get(index=1)
    segment = services.code_segment(actor=rita, paragraph=paragraph, start=0, end=15,
                                    codes=[code("reasons.staff_shortages")])  # fmt: skip
    assert analysis.segments_for_code(code("reasons")) == [segment]  # the heading gathers its codes
    assert analysis.segments_for_code(code("reasons"), analysis.Filters(phase="phase1_interview")) == [segment]
    assert analysis.segments_for_code(code("reasons"), analysis.Filters(phase="phase3_case_study")) == []
    assert analysis.segments_for_code(code("reasons"), analysis.Filters(region=sheffield.region.code)) == [segment]
    assert analysis.segments_for_code(code("reasons"), analysis.Filters(organisation_kind="national")) == []
    page = client_for(rita).get(reverse("evidence:code", args=[code("reasons").pk]), {"phase": "phase1_interview"})
    assert "Staff shortages" in page.content.decode()


def test_the_framework_matrix_and_its_export(rita, interview, codebook) -> None:
    paragraphs = {p.index: p for p in interview.paragraphs.all()}
    services.code_segment(actor=rita, paragraph=paragraphs[1], start=0, end=15,
                          codes=[code("reasons.staff_shortages")], summary="Shortages drove it")  # fmt: skip
    services.code_segment(
        actor=rita, paragraph=paragraphs[4], start=0, end=7, codes=[code("funding.backfill_supervision")]
    )
    matrix = analysis.framework_matrix("participant")
    assert matrix.cases == ["J1"]
    cells = dict(zip([t.key for t in matrix.themes], matrix.row("J1"), strict=True))
    assert cells["reasons"].count == 1 and cells["reasons"].summaries == ["Shortages drove it"]
    assert cells["funding"].count == 1 and cells["kinds"].count == 0
    by_trust = analysis.framework_matrix("trust")
    assert by_trust.cases == [interview.participants.get().trust.name]

    response = client_for(rita).get(reverse("evidence:matrix_export"), {"by": "participant"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Case", "Reasons for bringing in a new role", "What counts as new")
    assert rows[1][0] == "J1" and rows[1][1] == "1: Shortages drove it"


def test_a_published_quote_shows_on_its_role_page_and_nowhere_before(rita, bob, interview, codebook) -> None:
    role = Role.objects.get(slug="nursing_associate")
    segment = services.code_segment(actor=rita, paragraph=interview.paragraphs.get(index=2), start=0, end=21,
                                    codes=[code("factors.engagement")])  # fmt: skip
    quote = services.make_quote(actor=rita, segment=segment, attribution="[Trust J1]", role=role,
                                theme=code("factors.engagement"))  # fmt: skip
    url = reverse("roles:role", args=[role.slug])
    assert "People are so busy" not in client_for(bob).get(url).content.decode()
    assert public.published_quotes(role_slug=role.slug) == []

    services.publish_quote(actor=rita, quote=quote)
    page = client_for(bob).get(url).content.decode()
    assert "People are so busy" in page and "[Trust J1]" in page
    [published] = public.published_quotes(role_slug=role.slug)
    assert (published.text, published.attribution, published.theme, published.phase) == (
        "People are so busy, w", "[Trust J1]", "factors.engagement", "phase1_interview")  # fmt: skip
    assert public.published_quotes(theme="factors") == [published]  # a theme answers for the codes under it
    assert public.quotes_for_readiness_item("engagement") == [published]

    services.publish_quote(actor=rita, quote=quote, published=False)
    assert "People are so busy" not in client_for(bob).get(url).content.decode()


def test_case_studies_for_reports(rita, sheffield) -> None:
    from newroles.organisations.models import Organisation

    provider = Organisation.objects.create(kind="provider", name="A community children's provider")
    with pytest.raises(ValidationError):
        services.create_case_study(
            actor=rita,
            site_trust=sheffield,
            site_organisation=provider,
            team="T",
            role=Role.objects.get(slug="nursing_associate"),
            period_start=dt.date(2024, 4, 1),
        )
    case = services.create_case_study(
        actor=rita,
        site_organisation=provider,
        team="Crisis team",
        role=Role.objects.get(slug="nursing_associate"),
        period_start=dt.date(2024, 4, 1),
    )
    measure = services.add_measure(actor=rita, case_study=case, kind="staff_experience", name="Staff turnover")
    services.record_measure_value(actor=rita, measure=measure, date=dt.date(2024, 6, 1), value="12.5")
    services.record_measure_value(actor=rita, measure=measure, date=dt.date(2024, 6, 1), value="11")  # replaces
    assert [str(v.value) for v in measure.values.all()] == ["11.000"]
    [summary] = public.case_studies()
    assert (summary.site, summary.team, summary.role_slug, summary.period) == (
        "A community children's provider", "Crisis team", "nursing_associate", "Apr 2024 to ongoing")  # fmt: skip


# Consent withdrawal --------------------------------------------------------------------------------


@pytest.fixture
def group(rita, j1):  # type: ignore[no-untyped-def]
    g1 = services.create_participant(actor=rita, code="G1", post_category="policymaker", organisation_kind="national",
                                     consent_status=Participant.GIVEN, consent_date=dt.date(2023, 9, 1))  # fmt: skip
    return services.create_source(
        actor=rita, title="Reflection group 1", kind="reflection_group", phase="phase2_reflection_group",
        participants=[j1, g1],
        turns=[Turn("G1", "Guidance would help every trust."), Turn("J1", "We wrote our own SOPs from scratch.")],
    )  # fmt: skip


def test_withdrawing_consent_deletes_the_participants_material_everywhere(rita, j1, interview, group, codebook) -> None:
    own = services.code_segment(actor=rita, paragraph=interview.paragraphs.get(index=2), start=0, end=10,
                                codes=[code("factors.engagement")])  # fmt: skip
    services.add_memo(actor=rita, segment=own, text="Strong example")
    in_group = services.code_segment(actor=rita, paragraph=group.paragraphs.get(index=1), start=0, end=10,
                                     codes=[code("national_asks.guidance")])  # fmt: skip
    others = services.code_segment(actor=rita, paragraph=group.paragraphs.get(index=0), start=0, end=8,
                                   codes=[code("national_asks.guidance")])  # fmt: skip
    q1 = services.publish_quote(
        actor=rita, quote=services.make_quote(actor=rita, segment=own, attribution="[Trust J1]")
    )
    q2 = services.make_quote(actor=rita, segment=in_group, attribution="[Trust J1]")
    q3 = services.make_quote(actor=rita, segment=others, attribution="[Reflection Group Participant G1]")
    heard: list[dict] = []

    def receiver(sender, **kwargs):  # type: ignore[no-untyped-def]
        heard.append(kwargs)

    participant_withdrawn.connect(receiver)
    try:
        ids = services.withdraw_consent(actor=rita, participant=j1, on=dt.date(2025, 1, 10))
    finally:
        participant_withdrawn.disconnect(receiver)

    assert sorted(ids) == sorted([q1.pk, q2.pk])
    assert heard[0]["participant_code"] == "J1" and sorted(heard[0]["quote_ids"]) == sorted(ids)
    assert not Source.objects.filter(pk=interview.pk).exists()  # theirs alone: gone
    assert list(group.paragraphs.values_list("speaker", flat=True)) == ["G1"]  # their turns gone from the group
    assert list(Segment.objects.all()) == [others] and list(Quote.objects.all()) == [q3]
    assert not Memo.objects.exists()
    j1.refresh_from_db()
    assert (j1.consent_status, j1.consent_date) == (Participant.WITHDRAWN, dt.date(2025, 1, 10))
    assert public.published_quotes() == []
    assert analysis.framework_matrix("participant").cases == ["G1"]
    deletions = ChangeRecord.objects.filter(action=ChangeRecord.DELETE, content_type__app_label="evidence")
    assert deletions.filter(message__contains="consent withdrawn").count() >= 6
    assert "We wrote our own SOPs" not in str(list(deletions.values_list("before", "object_repr")))


def test_a_failing_receiver_undoes_the_withdrawal(rita, j1, interview) -> None:
    def failing(sender, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("snapshot store unavailable")

    participant_withdrawn.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            services.withdraw_consent(actor=rita, participant=j1)
    finally:
        participant_withdrawn.disconnect(failing)
    assert Source.objects.filter(pk=interview.pk).exists() and Paragraph.objects.filter(source=interview).count() == 5


def test_withdrawal_through_the_page_needs_confirmation(rita, j1, interview) -> None:
    client = client_for(rita)
    url = reverse("evidence:withdraw", args=[j1.pk])
    assert client.post(url, {"on": "2025-01-10"}).status_code == 200 and Source.objects.exists()
    assert client.post(url, {"on": "2025-01-10", "confirm": "on"}).status_code == 302
    assert not Source.objects.exists()


def test_memos_need_one_target(rita, interview, codebook) -> None:
    with pytest.raises(ValidationError):
        services.add_memo(actor=rita, text="x", source=interview, code=code("kinds"))
    services.add_memo(actor=rita, text="A memo on the code", code=code("kinds"))
    assert Code.objects.get(key="kinds").memos.count() == 1


def test_theme_frequencies_by_region_draw_a_chart_with_its_table(rita, interview, codebook, sheffield) -> None:
    services.code_segment(actor=rita, paragraph=interview.paragraphs.get(index=1), start=0, end=15,
                          codes=[code("reasons.staff_shortages")])  # fmt: skip
    themes, table = analysis.theme_frequencies("region")
    reasons = next(t for t in themes if t.key == "reasons")
    assert table == {sheffield.region.name: {reasons.pk: 1}}
    page = client_for(rita).get(reverse("evidence:frequencies")).content.decode()
    assert "<svg" in page and "The chart's figures: segments per theme, by region" in page
