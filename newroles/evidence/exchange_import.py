"""Importing a REFI-QDA `.qdpx` project or `.qdc` codebook through the evidence services: all or nothing.

What comes in, and how (see `exchange` for the layout the product itself writes):

- Codes go into a new codebook version holding only the file's codes (or into the current version when it has
  no codes yet), with their hierarchy, colours, descriptions and `isCodable`; each keeps its GUID. Keys are made
  from the names (`parent.child`, lower case), numbered when two would clash.
- Each text source becomes a source whose paragraphs are its non-empty lines (CRLF, CR and LF all end a line;
  positions still count them, CRLF as two characters). A line `Speaker: text` gives the paragraph's speaker, as
  for an uploaded transcript. Kind, phase and date come from the product's own variables when the file has
  them; otherwise a source is filed as a phase 1 document, and the report says so.
- A coded text selection becomes a segment per coder on the paragraph it falls in. A selection spanning
  several paragraphs is split into one segment per paragraph (the report counts them); the parts of it on a
  line end or a speaker label are not text of any paragraph and fall away.
- Coders: "Coder <id>" with this installation's GUID maps back to that user (when they still work with the
  evidence); every other coder's codings are recorded as the importing researcher's, and the report names the
  original coder. Segments have no field to keep another tool's coder name.
- Memos on codes, sources, selections and codings become memos (the importer their author).
- Imported text is NOT pseudonymised again: the automatic replacements would change the text's length and move
  every coded position, and REFI-QDA projects from other tools are pseudonymised by the researcher who made
  them. The report counts the name-like words left, so the researcher can check the sources.

Not brought in, and listed in the report: the reader's own list (pictures, audio, video, sets, graphs,
unsupported text encodings, selections outside the text), cases and variables (participants and case studies
are recorded in the product with their consent), selections without codings, codings with a heading that is
not codable, and memos on the project as a whole.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from newroles.accounts import policy
from newroles.accounts.models import User
from newroles.evidence import services
from newroles.evidence.exchange import coder_guid
from newroles.evidence.models import Code, Codebook, Paragraph, Segment, Source
from newroles.evidence.pseudonymise import name_like_words
from newroles.evidence.refi import QdaCode, QdaProject, QdaSource, RefiError, read_qdc, read_qdpx
from newroles.evidence.transcripts import _SPEAKER_LINE, Turn
from newroles.mapping.models import PHASE1_INTERVIEW, PHASE_CHOICES

_LINE_END = re.compile(r"\r\n|\r|\n")
_CODER = re.compile(r"^Coder (\d+)$")
# A participant code as speaker ("2-F: ..."), which the transcript rule (a name-like label) does not take.
_CODE_SPEAKER = re.compile(r"^\s*(?P<speaker>[A-Za-z0-9][A-Za-z0-9&\-]{0,19}):\s+(?P<text>\S.*)$")
_KINDS = {key for key, _ in Source.KIND_CHOICES}
_PHASES = {key for key, _ in PHASE_CHOICES}
DEFAULT_COLOUR = "#005EB8"


@dataclass
class ImportReport:
    """What an import brought in, and, line by line, what it did not."""

    filename: str
    codebook_version: int | None = None
    codes: int = 0
    sources: int = 0
    segments: int = 0
    memos: int = 0
    coders: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        book = f" into codebook version {self.codebook_version}" if self.codebook_version else ""
        return (f"{self.filename}: {self.codes} codes{book}, {self.sources} sources, {self.segments} coded "
                f"segments and {self.memos} memos imported.")  # fmt: skip

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"Coders: {c}" for c in self.coders]
        lines += [f"Note: {n}" for n in self.notes]
        lines += [f"Not imported: {n}" for n in self.not_imported]
        return "\n".join(lines)


def read_file(data: bytes, filename: str) -> Any:
    """The file read by its kind (by its name's ending); a RefiError for anything else."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "qdpx":
        return read_qdpx(data)
    if suffix == "qdc":
        return read_qdc(data)
    raise RefiError(f"{filename}: a REFI-QDA file ends in .qdpx (a project) or .qdc (a codebook).")


def import_project(actor: Any, data: bytes, filename: str) -> ImportReport:
    """Import the file as the acting researcher: everything or, on any error, nothing."""
    services.require_researcher(actor)
    result = read_file(data, filename)
    report = ImportReport(filename=filename, not_imported=list(result.not_imported))
    with transaction.atomic():
        _Importer(actor, report).run(result.project)
    return report


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "code"


def split_lines(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, speaker, text) of each non-empty line's paragraph text, in code points of `text`."""
    found, position = [], 0
    for match in [*_LINE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        line = text[position:end]
        if line.strip():
            start, speaker = position, ""
            said = _SPEAKER_LINE.match(line) or _CODE_SPEAKER.match(line)
            if said and len(said["speaker"].split()) <= 4:
                speaker, start = said["speaker"].strip(), position + said.start("text")
            else:
                start += len(line) - len(line.lstrip())
            stop = position + len(line.rstrip())
            found.append((start, stop, speaker, text[start:stop]))
        position = match.end() if match else end
    return found


class _Importer:
    def __init__(self, actor: Any, report: ImportReport):
        self.actor = actor
        self.report = report
        self.codes: dict[str, Code] = {}
        self.users: dict[str, Any] = {}
        self.memo_targets: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.foreign: dict[str, int] = defaultdict(int)

    def run(self, project: QdaProject) -> None:
        self.variables = project.variables
        self.map_users(project)
        self.import_codes(project.codes)
        turns: list[Turn] = []
        for source in project.sources:
            turns += self.import_source(source)
        self.import_memos(project)
        self.finish(project, turns)

    # Coders -------------------------------------------------------------------------------------

    def map_users(self, project: QdaProject) -> None:
        for qda in project.users:
            found = _CODER.match(qda.name.strip())
            user = User.objects.filter(pk=int(found.group(1)), is_active=True).first() if found else None
            if user is not None and coder_guid(user) == qda.guid and policy.reads_evidence(user):
                self.users[qda.guid] = user
            else:
                self.users[qda.guid] = None  # recorded as the importer's; the name is reported
        self.names = {u.guid: u.name or u.guid for u in project.users}

    def coder(self, guid: str | None) -> Any:
        user = self.users.get(guid) if guid else None
        if user is None:
            self.foreign[self.names.get(guid or "", "no coder named") if guid else "no coder named"] += 1
            return self.actor
        return user

    # Codes --------------------------------------------------------------------------------------

    def import_codes(self, tree: list[QdaCode]) -> None:
        if not tree:
            return
        book = services.current_codebook()
        if book is None or book.codes.exists():
            book = services.new_codebook_version(
                actor=self.actor, title=f"Imported from {self.report.filename}"[:200],
                note=f"Codes imported from the REFI-QDA file {self.report.filename}.", copy=False,
            )  # fmt: skip
        self.report.codebook_version = book.version
        keys: set[str] = set()
        for order, code in enumerate(tree):
            self.import_code(book, code, None, order, keys)

    def import_code(self, book: Codebook, qda: QdaCode, parent: Code | None, order: int, keys: set[str]) -> None:
        stem = _slug(qda.name)[:60]
        key = f"{parent.key}.{stem}" if parent else stem
        key = key[:72] if len(key) > 72 else key
        base, n = key, 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        keys.add(key)
        code = services.save_code(actor=self.actor, codebook=book, key=key, name=qda.name[:200] or key,
                                  parent=parent, definition=qda.description, colour=qda.color or DEFAULT_COLOUR,
                                  is_codable=qda.is_codable, order=order, guid=qda.guid)  # fmt: skip
        self.codes[qda.guid] = code
        self.report.codes += 1
        for ref in qda.note_refs:
            self.memo_targets[ref].append({"code": code})
        for n, child in enumerate(qda.children):
            self.import_code(book, child, code, n, keys)

    # Sources and codings ------------------------------------------------------------------------

    def import_source(self, qda: QdaSource) -> list[Turn]:
        lines = split_lines(qda.text)
        if not lines:
            self.report.not_imported.append(f"Source '{qda.name}': it has no text.")
            return []
        by_name = {v.name: v.guid for v in self.variables}
        values = {name: qda.variables.get(guid) for name, guid in by_name.items()}
        kind, phase = values.get("Source kind"), values.get("Study phase")
        if kind not in _KINDS or phase not in _PHASES:
            kind, phase = "document", PHASE1_INTERVIEW
            self.counts["filed"] += 1
        date = values.get("Source date")
        turns = [Turn(speaker, text) for _, _, speaker, text in lines]
        source = services.create_source(
            actor=self.actor, title=(qda.name or "Imported source")[:200], kind=kind, phase=phase, turns=turns,
            date=date if hasattr(date, "isoformat") else None, is_demo=values.get("Demo data") is True,
        )  # fmt: skip
        self.report.sources += 1
        paragraphs = list(Paragraph.objects.filter(source=source).order_by("index"))
        for ref in qda.note_refs:
            self.memo_targets[ref].append({"source": source})
        for selection in qda.selections:
            parts = [(paragraphs[i], max(selection.start, a) - a, min(selection.end, b) - a)
                     for i, (a, b, _, _) in enumerate(lines) if a < selection.end and selection.start < b]  # fmt: skip
            if not selection.codings:
                self.counts["uncoded"] += 1
                continue
            if not parts:
                self.report.not_imported.append(
                    f"Source '{qda.name}', selection {selection.start}–{selection.end}: it covers no paragraph "
                    "text (only line ends or a speaker label)."
                )
                continue
            if len(parts) > 1:
                self.counts["split"] += 1
            segments = self.code_parts(qda, selection, parts)
            for ref in selection.note_refs + [r for c in selection.codings for r in c.note_refs]:
                if segments:
                    self.memo_targets[ref].append({"segment": segments[0]})
        return turns

    def code_parts(self, qda: QdaSource, selection: Any, parts: list[tuple[Paragraph, int, int]]) -> list[Segment]:
        by_coder: dict[Any, list[Code]] = defaultdict(list)
        for coding in selection.codings:
            code = self.codes.get(coding.code_guid)
            if code is None:
                self.report.not_imported.append(
                    f"Source '{qda.name}', selection {selection.start}–{selection.end}: its code is not in the "
                    "file's codebook."
                )
                continue
            if not code.is_codable:
                self.counts["heading"] += 1
                continue
            coder = self.coder(coding.creating_user or selection.creating_user)
            if code not in by_coder[coder]:
                by_coder[coder].append(code)
        segments = []
        for coder, codes in by_coder.items():
            for paragraph, start, end in parts:
                segments.append(services.code_segment(actor=self.actor, paragraph=paragraph, start=start, end=end,
                                                      codes=codes, summary=selection.description[:300],
                                                      coder=coder))  # fmt: skip
                self.report.segments += 1
        return segments

    # Memos and the report -----------------------------------------------------------------------

    def import_memos(self, project: QdaProject) -> None:
        for note in project.notes:
            targets = self.memo_targets.get(note.guid, [])
            if not note.text.strip():
                continue
            if not targets:
                self.counts["loose_memos"] += 1
            for target in targets:
                services.add_memo(actor=self.actor, text=note.text, **target)
                self.report.memos += 1

    def finish(self, project: QdaProject, turns: list[Turn]) -> None:
        report, counts = self.report, self.counts
        if counts["split"]:
            report.notes.append(f"{counts['split']} selections spanning several paragraphs were split into one "
                                "segment per paragraph.")  # fmt: skip
        if counts["filed"]:
            report.notes.append(f"{counts['filed']} sources did not say their kind and phase: they were filed as "
                                "phase 1 documents.")  # fmt: skip
        if turns:
            words = name_like_words(turns)
            left = f"; {len(words)} name-like words are left in it, check them" if words else ""
            report.notes.append("Imported text is stored as the file gives it, not pseudonymised again (the "
                                f"automatic replacements would move every coded position){left}.")  # fmt: skip
        mapped = {u.pk for u in self.users.values() if u is not None}
        if mapped:
            report.coders.append(f"{len(mapped)} of this product's coders recognised and kept.")
        for name, n in sorted(self.foreign.items()):
            report.coders.append(f"{n} codings by '{name}' are recorded as yours: segments keep no other coder name.")
        if counts["uncoded"]:
            report.not_imported.append(f"{counts['uncoded']} selections without a code.")
        if counts["heading"]:
            report.not_imported.append(f"{counts['heading']} codings with a heading that is not codable.")
        if counts["loose_memos"] or project.note_refs:
            report.not_imported.append(f"{counts['loose_memos']} memos on the project as a whole or on nothing.")
        if project.cases:
            report.not_imported.append(f"{len(project.cases)} cases and their variables: participants and case "
                                       "studies are recorded in the product, with their consent.")  # fmt: skip
