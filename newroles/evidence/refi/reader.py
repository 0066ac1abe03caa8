"""Read REFI-QDA 1.5 codebooks (`.qdc`) and projects (`.qdpx`) written by NVivo, ATLAS.ti, MAXQDA, QualCoder & co.

What is read: users, codes (nesting, colours, `isCodable`, descriptions, memos), variables, cases, text sources
(and PDF sources that carry a text `<Representation>`), their `<PlainTextSelection>`s with codings by coder, and
notes (memos). Everything else the standard allows — picture, audio and video sources, selections by page area,
sets, graphs, links, codings of whole sources, other tools' extension elements — is listed in plain English in
`RefiImport.not_imported`, never dropped silently. A file that is damaged or breaks the schema's structure is
refused with a `RefiError` and nothing is returned (see `xmlread` for the checks).

Positions. REFI-QDA `startPosition`/`endPosition` on `<PlainTextSelection>` are offsets into the source's plain
text, counted from 0, the end exclusive. Project.xsd itself only types them as `xsd:integer` (it carries no
documentation comment on the unit: checked against ../shared/standards/refi-qda/Project.xsd); the REFI-QDA 1.5
exchange documentation describes them as character positions in the plain text. This product counts a
character as one Unicode code point — which is what a Python `str` indexes (as QualCoder, itself Python, does),
so `text[start:end]` is the selection. A character outside the Basic Multilingual Plane (an emoji, U+1D518
MATHEMATICAL FRAKTUR CAPITAL U) counts once, not twice as in a reader counting UTF-16 code units. The rules
applied to the text so counts stay valid:

- the plain text is kept exactly as stored: no trimming, no Unicode normalisation, no line-end conversion;
- a UTF-8 byte-order mark at the start of a separate text file is not text and is not counted;
  text files in other encodings (UTF-16, Windows-1252) are reported and the source not imported, since REFI-QDA
  requires UTF-8 and guessing would shift every position;
- CRLF counts as two characters (CR and LF are two code points). Real tools differ here — some count a line end
  as one — so a text with CRLF is kept as it is and a selection whose end falls beyond the text is reported, not
  clipped. Inline `<PlainTextContent>` is subject to XML's own line-end normalisation (XML 1.0 §2.11: a literal
  CRLF reads as LF); a writer that wants CR kept writes `&#13;`, as the `writer` here does.

Text may be inline (`<PlainTextContent>`) or in a separate file (`plainTextPath`): `internal://name.txt` is the
file `sources/name.txt` inside the `.qdpx` (ATLAS.ti, MAXQDA, QualCoder), and a bare relative path is looked up as
given and then under `sources/`. Paths to files outside the archive (`relative://`, `file://`, absolute paths)
cannot be followed and are reported. Several sources may share one text file. GUIDs are read in upper or lower
case, with or without braces, and held in lower case.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from typing import Any
from urllib.parse import unquote

from lxml import etree

from newroles.evidence.refi.errors import RefiError
from newroles.evidence.refi.model import (
    VARIABLE_TYPES,
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    RefiImport,
    VariableValue,
)
from newroles.evidence.refi.report import Report
from newroles.evidence.refi.xmlread import (
    CHILDREN,
    CODEBOOK_CHILDREN,
    CODEBOOK_NS,
    PROJECT_NS,
    Checker,
    local_name,
    parse_xml,
)
from newroles.lib.zipcheck import ZipCheckError, ZipLimits, check_zip, limits_from_settings

_OUTSIDE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:|[\\/])")  # a URL scheme, a drive letter or an absolute path
_MEDIA = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}


def read_qdc(data: bytes) -> RefiImport:
    """The codes of a REFI-QDA codebook; the project returned holds only codes."""
    what = "The codebook (.qdc)"
    if data.startswith(b"PK\x03\x04"):
        raise RefiError(f"{what} is a zip archive, not codebook XML: it may be a whole project (.qdpx).")
    root = parse_xml(data, what)
    _expect_root(root, what, CODEBOOK_NS, "CodeBook")
    checker = Checker(what, CODEBOOK_NS, CODEBOOK_CHILDREN)
    checker.check(root)
    report = Report()
    codes = [_code(checker, element, with_notes=False) for element in _codes_of(checker, root)]
    _refuse_duplicates(what, [(code.guid, f"code '{code.name}'") for top in codes for code in top.walk()])
    for sets in checker.find(root, "Sets"):
        for element in _sets(checker, sets):
            report.add("set", element)
    origin = root.get("origin") or ""
    project = QdaProject(name=f"Codebook from {origin}" if origin else "Imported codebook", origin=origin, codes=codes)
    report.foreign(checker.foreign)
    return RefiImport(project=project, not_imported=report.lines())


def read_qdpx(data: bytes, limits: ZipLimits | None = None) -> RefiImport:
    """The project in a `.qdpx` archive. `limits` bound the unpacked size (the configured zip limits by default)."""
    what = "project file (.qdpx)"
    if not data.startswith(b"PK\x03\x04"):
        hint = " It looks like XML: a codebook (.qdc) is imported as a codebook." if data.lstrip()[:1] == b"<" else ""
        raise RefiError(f"The {what} is not a zip archive, so it is not a REFI-QDA project.{hint}")
    try:
        check_zip(data, limits or limits_from_settings(), what=what)
    except ZipCheckError as exc:
        raise RefiError(str(exc)) from exc
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RefiError(f"The {what} is damaged: it could not be opened as a zip archive.") from exc
    for name in names:
        _refuse_outside(name, what)
    qde = _project_member(names, what)
    try:
        xml = archive.read(qde)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RefiError(f"The {what} is damaged: its part '{qde}' could not be read.") from exc
    root = parse_xml(xml, f"The {qde} in the {what}")
    _expect_root(root, f"The {qde} in the {what}", PROJECT_NS, "Project")
    return _ProjectReader(Checker(qde, PROJECT_NS, CHILDREN), archive).read(root)


def _expect_root(root: Any, what: str, namespace: str, name: str) -> None:
    qname = etree.QName(root)
    if qname.namespace != namespace or qname.localname != name:
        found = f"<{qname.localname}>" + (
            f" in namespace '{qname.namespace}'" if qname.namespace else " (no namespace)"
        )
        raise RefiError(
            f"{what} is not a REFI-QDA file: its root element is {found}; expected <{name}> in '{namespace}'."
        )


def _refuse_outside(name: str, what: str) -> None:
    """Refuse an archive member whose name is absolute or climbs out of the archive (`..`)."""
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or ".." in path.split("/"):
        raise RefiError(
            f"The {what} holds a part named '{name}', which points outside the archive (an absolute path or "
            "'..'). Such files are used to overwrite files on a server, so it was not read."
        )


def _project_member(names: list[str], what: str) -> str:
    if "project.qde" in names:
        return "project.qde"
    at_root = [name for name in names if "/" not in name and name.lower().endswith(".qde")]
    if len(at_root) == 1:
        return at_root[0]
    if len(at_root) > 1:
        raise RefiError(f"The {what} holds {len(at_root)} project documents ({', '.join(at_root)}); expected one.")
    raise RefiError(f"The {what} has no project.qde at its top level, so it is not a REFI-QDA project.")


def _codes_of(checker: Checker, holder: Any) -> list[Any]:
    codes = checker.first(holder, "Codes")
    checker.check(codes)
    return checker.find(codes, "Code")


def _code(checker: Checker, element: Any, *, with_notes: bool) -> QdaCode:
    checker.check(element)
    return QdaCode(
        guid=checker.guid(element, "guid") or "",
        name=checker.required(element, "name"),
        color=checker.colour(element, "color"),
        description=checker.text_of(element, "Description"),
        is_codable=checker.boolean(element, "isCodable"),
        children=[_code(checker, child, with_notes=with_notes) for child in checker.find(element, "Code")],
        note_refs=_refs(checker, element, "NoteRef") if with_notes else [],
    )


def _refs(checker: Checker, element: Any, name: str) -> list[str]:
    return [checker.guid(ref, "targetGUID") or "" for ref in checker.find(element, name)]


def _sets(checker: Checker, holder: Any) -> list[str]:
    """The names of the sets in a <Sets>, checked for what the schema requires of each set."""
    found = checker.find(holder, "Set")
    if not found:
        raise checker.fail(holder, "has no <Set>, which the REFI-QDA schema requires.")
    names = []
    for element in found:
        checker.guid(element, "guid")
        names.append(checker.required(element, "name"))
    return names


def _refuse_duplicates(what: str, items: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for guid, label in items:
        if guid in seen:
            raise RefiError(f"{what}: {seen[guid]} and {label} share the GUID {guid}; every GUID must be unique.")
        seen[guid] = label


class _ProjectReader:
    """Walks one project.qde, reading what the product keeps and reporting the rest."""

    def __init__(self, checker: Checker, archive: zipfile.ZipFile):
        self.c = checker
        self.archive = archive
        self.members = set(archive.namelist())
        self.report = Report()
        self.variable_types: dict[str, str] = {}
        # member name -> (text, or None and the reason it could not be read); sources may share a file
        self.files: dict[str, tuple[str | None, str]] = {}

    def read(self, root: Any) -> RefiImport:
        c = self.c
        c.check(root)
        users = [self._user(element) for holder in c.find(root, "Users") for element in self._items(holder, "User")]
        codes: list[QdaCode] = []
        for book in c.find(root, "CodeBook"):
            c.check(book)
            codes = [_code(c, element, with_notes=True) for element in _codes_of(c, book)]
        variables = [
            self._variable(element)
            for holder in c.find(root, "Variables")
            for element in self._items(holder, "Variable")
        ]
        cases = [self._case(element) for holder in c.find(root, "Cases") for element in self._items(holder, "Case")]
        sources: list[QdaSource] = []
        for holder in c.find(root, "Sources"):
            c.check(holder)
            for element in holder.iterchildren(*(c.tag(name) for name in CHILDREN["Sources"])):
                source = self._source(element)
                if source is not None:
                    sources.append(source)
        notes = [
            note
            for holder in c.find(root, "Notes")
            for element in self._items(holder, "Note")
            if (note := self._note(element)) is not None
        ]
        self._unsupported(root)
        project = QdaProject(
            name=c.required(root, "name"),
            origin=root.get("origin") or "",
            creating_user=c.guid(root, "creatingUserGUID", required=False),
            users=users,
            codes=codes,
            sources=sources,
            notes=notes,
            cases=cases,
            variables=variables,
            description=c.text_of(root, "Description"),
            created=c.when(root, "creationDateTime"),
            note_refs=_refs(c, root, "NoteRef"),
        )
        _refuse_duplicates(
            c.what,
            [(code.guid, f"code '{code.name}'") for code in project.all_codes()]
            + [(source.guid, f"source '{source.name}'") for source in sources]
            + [(user.guid, f"user '{user.name}'") for user in users],
        )
        self._resolve(project)
        self.report.foreign(c.foreign)
        return RefiImport(project=project, not_imported=self.report.lines())

    def _items(self, holder: Any, name: str) -> list[Any]:
        self.c.check(holder)
        return self.c.find(holder, name)

    def _user(self, element: Any) -> QdaUser:
        self.c.check(element)
        return QdaUser(guid=self.c.guid(element, "guid") or "", name=element.get("name") or element.get("id") or "")

    def _variable(self, element: Any) -> QdaVariable:
        c = self.c
        c.check(element)
        kind = c.required(element, "typeOfVariable").strip()
        if kind not in VARIABLE_TYPES:
            raise c.fail(element, f'has typeOfVariable="{kind}"; the REFI-QDA types are {", ".join(VARIABLE_TYPES)}.')
        variable = QdaVariable(
            guid=c.guid(element, "guid") or "",
            name=c.required(element, "name"),
            type_of_variable=kind,
            description=c.text_of(element, "Description"),
        )
        self.variable_types[variable.guid] = kind
        return variable

    def _values(self, element: Any, owner: str) -> dict[str, VariableValue]:
        values: dict[str, VariableValue] = {}
        for holder in self.c.find(element, "VariableValue"):
            self.c.check(holder)
            ref = self.c.guid(self.c.first(holder, "VariableRef"), "targetGUID") or ""
            found = self.c.value(holder)
            if found is None:
                continue  # the schema allows a variable reference with no value: nothing to keep
            kind, value = found
            declared = self.variable_types.get(ref)
            if declared is None:
                self.report.line(
                    f"The {owner} has a value for a variable ({ref}) that is not in the project; it was not imported."
                )
            elif declared != kind and not (declared == "Float" and kind == "Integer"):
                self.report.line(
                    f"The {owner} has a {kind.lower()} value for a {declared.lower()} variable; it was not imported."
                )
            else:
                values[ref] = float(value) if declared == "Float" else value  # type: ignore[arg-type]
        return values

    def _case(self, element: Any) -> QdaCase:
        c = self.c
        c.check(element)
        name = element.get("name") or ""
        return QdaCase(
            guid=c.guid(element, "guid") or "",
            name=name,
            description=c.text_of(element, "Description"),
            variables=self._values(element, f"case '{name}'"),
            source_refs=_refs(c, element, "SourceRef"),
            selection_refs=_refs(c, element, "SelectionRef"),
            code_refs=_refs(c, element, "CodeRef"),
        )

    def _source(self, element: Any) -> QdaSource | None:
        c = self.c
        kind = local_name(element)
        guid = c.guid(element, "guid") or ""
        name = element.get("name") or guid
        if kind == "TextSource":
            return self._text_source(element, guid, name, "TextSource")
        if kind in _MEDIA:
            self.report.add(_MEDIA[kind], name)
            return None
        # A PDF: its text <Representation>, when present, is a text source whose positions refer to that text.
        for _ in c.find(element, "PDFSelection"):
            self.report.add("pdf_area", name)  # one entry per item: the line counts items, names each PDF once
        for _ in c.find(element, "Coding"):
            self.report.add("source_coding", name)
        representation = c.first(element, "Representation")
        if representation is None:
            self.report.add("pdf", name)
            return None
        c.guid(representation, "guid")
        source = self._text_source(representation, guid, name, "Representation")
        if source is not None:
            source.description = c.text_of(element, "Description") or source.description
            source.variables = {**self._values(element, f"source '{name}'"), **source.variables}
            source.note_refs = _refs(c, element, "NoteRef") + source.note_refs
            source.creating_user = source.creating_user or c.guid(element, "creatingUser", required=False)
            source.created = source.created or c.when(element, "creationDateTime")
        return source

    def _text_source(self, element: Any, guid: str, name: str, spec: str) -> QdaSource | None:
        c = self.c
        c.check(element, spec)
        owner = f"source '{name}'"
        selections = [self._selection(selection) for selection in c.find(element, "PlainTextSelection")]
        for coding in c.find(element, "Coding"):
            self._coding(coding)  # checked like any coding, then reported: the product codes passages only
            self.report.add("source_coding", name)
        text = self._plain_text(element, owner, len(selections))
        if text is None:
            return None
        kept = []
        for selection in selections:
            if 0 <= selection.start <= selection.end <= len(text):
                kept.append(selection)
            else:
                self.report.line(
                    f"The selection '{selection.name or selection.guid}' in {owner} runs from character "
                    f"{selection.start} to {selection.end}, outside its text of {len(text)} characters; it and its "
                    f"{len(selection.codings)} coding(s) were not imported."
                )
        return QdaSource(
            guid=guid,
            name=name,
            text=text,
            selections=kept,
            description=c.text_of(element, "Description"),
            creating_user=c.guid(element, "creatingUser", required=False),
            created=c.when(element, "creationDateTime"),
            variables=self._values(element, owner),
            note_refs=_refs(c, element, "NoteRef"),
        )

    def _selection(self, element: Any) -> QdaSelection:
        c = self.c
        c.check(element)
        return QdaSelection(
            guid=c.guid(element, "guid") or "",
            name=element.get("name") or "",
            start=c.integer(element, "startPosition"),
            end=c.integer(element, "endPosition"),
            codings=[self._coding(coding) for coding in c.find(element, "Coding")],
            creating_user=c.guid(element, "creatingUser", required=False),
            created=c.when(element, "creationDateTime"),
            note_refs=_refs(c, element, "NoteRef"),
            description=c.text_of(element, "Description"),
        )

    def _coding(self, element: Any) -> QdaCoding:
        c = self.c
        c.check(element)
        return QdaCoding(
            guid=c.guid(element, "guid") or "",
            code_guid=c.guid(c.first(element, "CodeRef"), "targetGUID") or "",
            creating_user=c.guid(element, "creatingUser", required=False),
            created=c.when(element, "creationDateTime"),
            note_refs=_refs(c, element, "NoteRef"),
        )

    def _note(self, element: Any) -> QdaNote | None:
        c = self.c
        c.check(element, "Note")
        guid = c.guid(element, "guid") or ""
        name = element.get("name") or ""
        for _ in c.find(element, "PlainTextSelection"):
            self.report.add("note_selection", name or guid)
        text = self._plain_text(element, f"memo '{name or guid}'", 0)
        if text is None:
            return None
        return QdaNote(
            guid=guid,
            name=name,
            text=text,
            creating_user=c.guid(element, "creatingUser", required=False),
            created=c.when(element, "creationDateTime"),
        )

    def _plain_text(self, element: Any, owner: str, selections: int) -> str | None:
        """The plain text of a TextSource-like element, or None (reported) when it cannot be had."""
        lost = f" and its {selections} selection(s)" if selections else ""
        content = self.c.first(element, "PlainTextContent")
        path = (element.get("plainTextPath") or "").strip()
        if content is not None and (content.text or not path):
            return self.c.text_of(element, "PlainTextContent")
        if path:
            member = self._member(element, path, owner, lost)
            if member is None:
                return None
            text, reason = self._file(member)
            if text is None:
                self.report.line(f"The {owner}{lost} could not be imported: its text file '{member}' {reason}.")
            return text
        kind = "only rich text (richTextPath), no plain text" if element.get("richTextPath") else "no text"
        self.report.line(f"The {owner}{lost} could not be imported: it has {kind}.")
        return None

    def _member(self, element: Any, path: str, owner: str, lost: str) -> str | None:
        """The archive member a plainTextPath names, None (reported) when it is outside or missing."""
        if path.lower().startswith("internal://"):
            relative = path[len("internal://") :]
            candidates = [f"sources/{relative}"]
        elif _OUTSIDE.match(path):
            self.report.line(
                f"The {owner}{lost} could not be imported: its text is in a file outside the project file "
                f"('{path}'). Export the project again with its sources included."
            )
            return None
        else:
            relative = path
            candidates = [relative, f"sources/{relative}"]
        parts = relative.replace("\\", "/").split("/")
        if ".." in parts or relative.startswith(("/", "\\")):
            raise self.c.fail(
                element, f"points its text at '{path}', outside the project's sources folder; the file was refused."
            )
        candidates += [unquote(name) for name in candidates]  # some tools percent-encode spaces in paths
        for name in candidates:
            if name in self.members:
                return name
        by_case = {member.lower(): member for member in self.members}  # tools on Windows ignore case
        for name in candidates:
            if name.lower() in by_case:
                return by_case[name.lower()]
        self.report.line(f"The {owner}{lost} could not be imported: its text file '{path}' is not in the project file.")
        return None

    def _file(self, member: str) -> tuple[str | None, str]:
        if member not in self.files:
            try:
                data = self.archive.read(member)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:  # e.g. a checksum that does not match
                raise RefiError(f"The project file (.qdpx) is damaged: its part '{member}' could not be read.") from exc
            self.files[member] = _decode(data)
        return self.files[member]

    def _unsupported(self, root: Any) -> None:
        c = self.c
        for holder in c.find(root, "Sets"):
            for name in _sets(c, holder):
                self.report.add("set", name)
        for kind, container, item in (("graph", "Graphs", "Graph"), ("link", "Links", "Link")):
            for holder in c.find(root, container):
                found = c.find(holder, item)
                if not found:
                    raise c.fail(holder, f"has no <{item}>, which the REFI-QDA schema requires.")
                for element in found:
                    self.report.add(kind, element.get("name") or c.guid(element, "guid") or "")

    def _resolve(self, project: QdaProject) -> None:
        """Drop references to things that are not in the project (or were not imported), and say so."""
        codes = {code.guid for code in project.all_codes()}
        notes = {note.guid for note in project.notes}
        users = {user.guid for user in project.users}
        sources = {source.guid for source in project.sources}
        selections = {sel.guid for source in project.sources for sel in source.selections}
        dropped_notes = 0
        unlisted: list[str] = []

        def keep_notes(refs: list[str]) -> list[str]:
            nonlocal dropped_notes
            kept = [ref for ref in refs if ref in notes]
            dropped_notes += len(refs) - len(kept)
            return kept

        def user(guid: str | None) -> None:
            if guid is not None and guid not in users and guid not in unlisted:
                unlisted.append(guid)

        project.note_refs = keep_notes(project.note_refs)
        user(project.creating_user)
        for code in project.all_codes():
            code.note_refs = keep_notes(code.note_refs)
        for note in project.notes:
            user(note.creating_user)
        for source in project.sources:
            source.note_refs = keep_notes(source.note_refs)
            user(source.creating_user)
            for selection in source.selections:
                selection.note_refs = keep_notes(selection.note_refs)
                user(selection.creating_user)
                kept = []
                for coding in selection.codings:
                    if coding.code_guid in codes:
                        coding.note_refs = keep_notes(coding.note_refs)
                        user(coding.creating_user)
                        kept.append(coding)
                    else:
                        self.report.add("dangling_coding", source.name)
                selection.codings = kept
        for case in project.cases:
            before = len(case.source_refs) + len(case.selection_refs) + len(case.code_refs)
            case.source_refs = [ref for ref in case.source_refs if ref in sources]
            case.selection_refs = [ref for ref in case.selection_refs if ref in selections]
            case.code_refs = [ref for ref in case.code_refs if ref in codes]
            after = len(case.source_refs) + len(case.selection_refs) + len(case.code_refs)
            for _ in range(before - after):
                self.report.add("case_ref", case.name or case.guid)
        if dropped_notes:
            self.report.line(
                f"{dropped_notes} reference(s) to memos that are not in the project (or could not be imported) "
                "were left out."
            )
        if unlisted:
            # Codings keep their coder: a coder missing from <Users> is added without a name rather than lost.
            project.users.extend(QdaUser(guid=guid, name="") for guid in unlisted)
            self.report.line(
                f"{len(unlisted)} coder(s) named on codings or sources are not in the project's user list; they "
                "were added without a name."
            )


def _decode(data: bytes) -> tuple[str | None, str]:
    """A separate text file's text (UTF-8, a leading byte-order mark removed), or None and the reason."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None, "is UTF-32 text; REFI-QDA text files are UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, "is UTF-16 text; REFI-QDA text files are UTF-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]  # a mark, not text: positions count from after it
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, (
            f"is not UTF-8 (byte {exc.start} cannot be read; it may be Windows-1252 or Latin-1); REFI-QDA text "
            "files are UTF-8"
        )
