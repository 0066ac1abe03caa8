"""The research evidence as a REFI-QDA project (`.qdpx`) or codebook (`.qdc`), for NVivo, ATLAS.ti, MAXQDA, QualCoder.

Export maps the live evidence onto the plain dataclasses of `refi`; import (`exchange_import`) brings a file back
through the evidence services. Researchers and administrators only (`services.require_researcher`).

How the product's text becomes a REFI-QDA source, and back:

- A source's plain text is its paragraphs in order, one a line, joined by `SEPARATOR` ("\\n", a single line
  feed). A paragraph with a speaker is written `Speaker: text`, the way transcripts are uploaded, so the speaker
  survives; a paragraph without one is its text alone.
- A selection's `startPosition`/`endPosition` are the paragraph's offset in that joined text (after the speaker
  label) plus the segment's own start and end. Like every count in the product they are Unicode code points
  (a character outside the Basic Multilingual Plane counts once).
- Coders are pseudonymous: a user appears as "Coder <id>" (the user's database id), with a GUID derived from the
  id and the installation's secret key, never an email or a name. Importing the file into the same
  installation maps "Coder <id>" back to the same user; another installation's coders do not match.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone

from newroles.evidence import services
from newroles.evidence.models import CaseStudy, Code, Memo, Participant, Segment, Source
from newroles.evidence.refi import (
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    write_qdc,
    write_qdpx,
)

SEPARATOR = "\n"
CONTENT_TYPES = {"qdpx": "application/zip", "qdc": "application/xml"}

# The variables the export declares: (key, name, REFI type, description). Sources carry kind/phase/date so an
# exported project comes back with them; cases carry what the product records of participants and case studies.
VARIABLES = [
    ("source_kind", "Source kind", "Text", "interview, reflection_group, questionnaire, observation or document"),
    ("study_phase", "Study phase", "Text", "phase1_interview, phase1_questionnaire, phase2_reflection_group, "
     "phase3_case_study"),
    ("source_date", "Source date", "Date", "When the interview, group or observation took place"),
    ("demo", "Demo data", "Boolean", "Demonstration material, not the study's"),
    ("post_category", "Post category", "Text", "The participant's post, by category"),
    ("organisation_kind", "Organisation kind", "Text", "The kind of organisation the participant works in"),
    ("consent_status", "Consent status", "Text", "Whether the participant's consent is recorded"),
    ("site", "Site", "Text", "The case study's site"),
    ("team", "Team", "Text", "The team the case study follows"),
    ("role", "Role studied", "Text", "The new role the case study follows"),
    ("period_start", "Period start", "Date", "When the case study started"),
    ("period_end", "Period end", "Date", "When the case study ended"),
    ("status", "Case study status", "Text", "Planned, under way or complete"),
    ("measures", "Measures", "Text", "The measures the case study collects, with their units"),
]  # fmt: skip


def _namespace() -> uuid.UUID:
    """A namespace for this installation's GUIDs: stable across exports, different for every secret key."""
    return uuid.UUID(bytes=hashlib.sha256(f"newroles-refi:{settings.SECRET_KEY}".encode()).digest()[:16])


def guid_for(kind: str, pk: Any) -> str:
    """The stable GUID of one of the product's rows in an exported file."""
    return str(uuid.uuid5(_namespace(), f"{kind}:{pk}"))


def coder_name(user: Any) -> str:
    """A coder's pseudonym in exchanged files: never an email or a real name."""
    return f"Coder {user.pk}"


def coder_guid(user: Any) -> str:
    return guid_for("user", user.pk)


def paragraph_lines(source: Source) -> list[tuple[Any, int, str]]:
    """(paragraph, offset of its text in the joined source text, the line written) for each paragraph, in order."""
    out, offset = [], 0
    for paragraph in source.paragraphs.order_by("index"):
        prefix = f"{paragraph.speaker}: " if paragraph.speaker else ""
        line = prefix + paragraph.text
        out.append((paragraph, offset + len(prefix), line))
        offset += len(line) + len(SEPARATOR)
    return out


class _Exporter:
    """Builds the QdaProject; `users` collects every coder and memo author met on the way."""

    def __init__(self, actor: Any):
        self.actor = actor
        self.users: dict[int, QdaUser] = {}
        self.variables = {key: QdaVariable(guid_for("variable", key), name, kind, description)
                          for key, name, kind, description in VARIABLES}  # fmt: skip
        self.code_guids: dict[int, str] = {}
        self.codes: dict[int, QdaCode] = {}

    def user(self, user: Any) -> str:
        if user.pk not in self.users:
            self.users[user.pk] = QdaUser(coder_guid(user), coder_name(user))
        return self.users[user.pk].guid

    def value(self, values: dict[str, Any], key: str, value: Any) -> None:
        if value not in (None, ""):
            values[self.variables[key].guid] = value

    def codebook(self) -> list[QdaCode]:
        """The current version's codes as a tree; codes of earlier versions still on segments map by key."""
        book = services.current_codebook()
        if book is None:
            return []
        rows = list(book.codes.order_by("order", "name"))
        by_parent: dict[int | None, list[Code]] = defaultdict(list)
        for code in rows:
            by_parent[code.parent_id].append(code)

        def build(code: Code) -> QdaCode:
            guid = code.guid or guid_for("code", code.pk)
            node = QdaCode(guid, code.name, color=code.colour.upper(), description=code.definition,
                           is_codable=code.is_codable, children=[build(c) for c in by_parent[code.pk]])  # fmt: skip
            self.code_guids[code.pk] = guid
            self.codes[code.pk] = node
            return node

        tree = [build(code) for code in by_parent[None]]
        by_key = {code.key: code for code in rows}
        # A segment coded under an earlier codebook version keeps that code: it is exported as the current
        # version's code with the same key, or, when the current version dropped the key, as a code of its own.
        for old in Code.objects.exclude(codebook=book).filter(segments__isnull=False).distinct():
            if old.key in by_key:
                self.code_guids[old.pk] = self.code_guids[by_key[old.key].pk]
            else:
                guid = old.guid or guid_for("code", old.pk)
                self.code_guids[old.pk] = guid
                self.codes[old.pk] = QdaCode(guid, f"{old.name} (codebook version {old.codebook.version})",
                                             color=old.colour.upper(), description=old.definition)  # fmt: skip
                tree.append(self.codes[old.pk])
        return tree

    def source(self, source: Source, selections_of: dict[int, QdaSelection]) -> QdaSource:
        lines = paragraph_lines(source)
        values: dict[str, Any] = {}
        self.value(values, "source_kind", source.kind)
        self.value(values, "study_phase", source.phase)
        self.value(values, "source_date", source.date)
        if source.is_demo:  # demo material stays labelled as demo wherever it goes
            self.value(values, "demo", True)
        selections = []
        segments = Segment.objects.filter(paragraph__source=source).select_related("coder").prefetch_related("codes")
        offsets = {paragraph.pk: offset for paragraph, offset, _ in lines}
        for segment in segments.order_by("paragraph__index", "start", "pk"):
            coder = self.user(segment.coder)
            base = offsets[segment.paragraph_id]
            selection = QdaSelection(
                guid_for("segment", segment.pk), f"Segment {segment.pk}", base + segment.start, base + segment.end,
                codings=[QdaCoding(guid_for("coding", f"{segment.pk}:{code.pk}"), self.code_guids[code.pk], coder,
                                   segment.created_at) for code in segment.codes.all()],
                creating_user=coder, created=segment.created_at, description=segment.summary,
            )  # fmt: skip
            selections_of[segment.pk] = selection
            selections.append(selection)
        return QdaSource(guid_for("source", source.pk), source.title, SEPARATOR.join(line for _, _, line in lines),
                         selections=selections, description=source.get_kind_display(),
                         created=source.created_at, variables=values)  # fmt: skip

    def cases(self, source_guids: dict[int, str]) -> list[QdaCase]:
        cases = []
        for p in Participant.objects.prefetch_related("sources"):
            values: dict[str, Any] = {}
            self.value(values, "post_category", p.get_post_category_display())
            self.value(values, "organisation_kind", p.get_organisation_kind_display())
            self.value(values, "consent_status", p.get_consent_status_display())
            cases.append(QdaCase(guid_for("participant", p.pk), p.code, "Participant", values,
                                 source_refs=[source_guids[s.pk] for s in p.sources.all()]))  # fmt: skip
        for study in CaseStudy.objects.select_related("role", "site_trust", "site_organisation"):
            values = {}
            self.value(values, "site", study.site_name)
            self.value(values, "team", study.team)
            self.value(values, "role", study.role.name)
            self.value(values, "period_start", study.period_start)
            self.value(values, "period_end", study.period_end)
            self.value(values, "status", study.get_status_display())
            measures = "; ".join(f"{m.name} ({m.unit})" if m.unit else m.name for m in study.measures.all())
            self.value(values, "measures", measures)
            cases.append(QdaCase(guid_for("case_study", study.pk), f"Case study {study.pk}", "Case study", values,
                                 source_refs=[source_guids[s.pk] for s in study.sources.all()]))  # fmt: skip
        return cases

    def notes(self, project: QdaProject, sources: dict[int, QdaSource], selections: dict[int, QdaSelection]) -> None:
        for memo in Memo.objects.select_related("author").order_by("created_at", "pk"):
            note = QdaNote(guid_for("memo", memo.pk), f"Memo {memo.pk}", memo.text, self.user(memo.author),
                           memo.created_at)  # fmt: skip
            project.notes.append(note)
            if memo.source_id is not None:
                holder: Any = sources.get(memo.source_id)
            elif memo.segment_id is not None:
                holder = selections.get(memo.segment_id)
            else:
                holder = self.codes.get(memo.code_id)
            (holder.note_refs if holder is not None else project.note_refs).append(note.guid)


def project_for_export(actor: Any) -> QdaProject:
    """The whole evidence as a REFI-QDA project: codebook, sources, segments by coder, memos, cases."""
    services.require_researcher(actor)
    exporter = _Exporter(actor)
    codes = exporter.codebook()
    selections: dict[int, QdaSelection] = {}
    sources = {s.pk: exporter.source(s, selections) for s in Source.objects.order_by("pk")}
    project = QdaProject(
        name="New roles in mental health: research evidence",
        creating_user=exporter.user(actor) if getattr(actor, "pk", None) else None,
        codes=codes,
        sources=list(sources.values()),
        variables=list(exporter.variables.values()),
        created=timezone.now(),
        description="Exported by newroles. A source's paragraphs are its lines, joined by a line feed; positions "
        "count Unicode code points; coders are pseudonymous ('Coder <id>').",
    )
    project.cases = exporter.cases({pk: s.guid for pk, s in sources.items()})
    exporter.notes(project, sources, selections)
    project.users = list(exporter.users.values())
    return project


def export_bytes(actor: Any, fmt: str) -> bytes:
    """The project as `.qdpx` bytes, or the current codebook as `.qdc` bytes."""
    project = project_for_export(actor)
    if fmt == "qdpx":
        return write_qdpx(project)
    if fmt == "qdc":
        return write_qdc(project.codes, project.users)
    raise ValueError(f"Unknown REFI-QDA format '{fmt}': choose qdpx or qdc.")


def import_project(actor: Any, data: bytes, filename: str) -> Any:
    """Bring a `.qdpx` or `.qdc` file in (see `exchange_import.import_project`)."""
    from newroles.evidence.exchange_import import import_project as run

    return run(actor, data, filename)
