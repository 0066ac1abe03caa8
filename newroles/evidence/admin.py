"""Read-only admin for the evidence: administrators may see it (as they see all evidence pages); changes go
through the services. Transcript and memo text is not listed."""

from django.contrib import admin

from newroles.evidence.models import CaseStudy, Code, Codebook, Participant, Quote, Segment, Source
from newroles.lib.admin import ReadOnlyAdmin


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["code", "post_category", "organisation_kind", "consent_status", "consent_date"]
    list_filter = ["consent_status", "organisation_kind"]


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "phase", "date", "is_demo"]
    list_filter = ["kind", "phase", "is_demo"]
    exclude = ["participants"]


@admin.register(Codebook)
class CodebookAdmin(ReadOnlyAdmin):
    list_display = ["version", "title", "created_at"]


@admin.register(Code)
class CodeAdmin(ReadOnlyAdmin):
    list_display = ["name", "key", "codebook", "parent", "is_codable"]
    list_filter = ["codebook"]


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "paragraph", "start", "end", "coder"]


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ["pk", "attribution", "published", "published_at"]


@admin.register(CaseStudy)
class CaseStudyAdmin(ReadOnlyAdmin):
    list_display = ["team", "role", "period_start", "period_end", "status"]
