"""Write REFI-QDA 1.5 files: a codebook (`.qdc`) and a whole project (`.qdpx`).

The `.qdpx` is a zip holding `project.qde` (Project.xsd, namespace `urn:QDA-XML:project:1.0`) and each text
source's plain text as `sources/<guid>.txt`, referred to from its `<TextSource>` as
`plainTextPath="internal://<guid>.txt"` — the form ATLAS.ti, MAXQDA and QualCoder write and read. The text files
are UTF-8 without a byte-order mark and hold the source text exactly, line ends included, so the selections'
`startPosition`/`endPosition` (Unicode code points from 0, end exclusive; see `reader`) stay valid. Memos
(`<Note>`) are written inline as `<PlainTextContent>`; a carriage return there is written as `&#13;` so XML's
line-end normalisation does not drop it.

GUIDs are written in canonical lower-case form without braces, colours as `#RRGGBB`. The writer refuses (ValueError)
a project whose references do not resolve, rather than write a file other tools would misread.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

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
    VariableValue,
    canonical_colour,
    canonical_guid,
)
from newroles.evidence.refi.xmlread import CODEBOOK_NS, PROJECT_NS

# A fixed time stamp for zip members, so the same project gives the same bytes.
_ZIP_TIME = (2019, 3, 18, 0, 0, 0)
# Characters XML 1.0 cannot hold at all, even escaped; they carry no meaning in a memo or description.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_qdc(codes: Iterable[QdaCode], users: Iterable[QdaUser] = (), origin: str = "newroles") -> bytes:
    """The codebook as Codebook.xsd XML (UTF-8).

    Codebook.xsd has no element for users, so `users` cannot be written into a `.qdc`; the parameter is kept so a
    caller can hand over the same arguments as for a project, and it is checked (GUIDs) but not written. Coders
    travel in a `.qdpx`.
    """
    for user in users:
        _guid(user.guid, f"user '{user.name}'")
    codes = list(codes)
    if not codes:
        raise ValueError("A codebook needs at least one code (Codebook.xsd requires <Code> inside <Codes>).")
    writer = _Writer(CODEBOOK_NS)
    root = writer.element(None, "CodeBook", origin=origin)
    writer.codes(root, codes, with_notes=False)
    return _serialise(root)


def write_qdpx(project: QdaProject) -> bytes:
    """The whole project as a `.qdpx` zip: `project.qde` plus `sources/<guid>.txt` per text source."""
    writer = _Writer(PROJECT_NS)
    writer.check_references(project)
    root = writer.project(project)
    qde = _serialise(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", _ZIP_TIME), qde, zipfile.ZIP_DEFLATED)
        for source in project.sources:
            name = f"sources/{_guid(source.guid, 'source')}.txt"
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), source.text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _serialise(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _guid(value: str, what: str) -> str:
    guid = canonical_guid(value)
    if guid is None:
        raise ValueError(f"The {what} has '{value}' as its GUID, which is not a GUID.")
    return guid


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Writer:
    def __init__(self, namespace: str):
        self.ns = namespace
        self.variable_types: dict[str, str] = {}

    def element(self, parent: Any, name: str, text: str | None = None, /, **attributes: Any) -> Any:
        tag = f"{{{self.ns}}}{name}"
        node = etree.Element(tag, nsmap={None: self.ns}) if parent is None else etree.SubElement(parent, tag)
        for key, value in attributes.items():
            if value is not None and value != "":
                node.set(key, _xml_text(str(value)))
        if text is not None:
            node.text = _xml_text(text)
        return node

    def description(self, parent: Any, text: str) -> None:
        if text:
            self.element(parent, "Description", text)

    def note_refs(self, parent: Any, refs: Iterable[str]) -> None:
        for ref in refs:
            self.element(parent, "NoteRef", targetGUID=_guid(ref, "note reference"))

    def codes(self, parent: Any, codes: list[QdaCode], *, with_notes: bool) -> None:
        holder = self.element(parent, "Codes")
        for code in codes:
            self.code(holder, code, with_notes=with_notes)

    def code(self, parent: Any, code: QdaCode, *, with_notes: bool) -> None:
        colour = None
        if code.color:
            colour = canonical_colour(code.color)
            if colour is None:
                raise ValueError(f"The code '{code.name}' has '{code.color}' as its colour, which is not #RRGGBB.")
        node = self.element(
            parent,
            "Code",
            guid=_guid(code.guid, f"code '{code.name}'"),
            name=code.name,
            isCodable="true" if code.is_codable else "false",
            color=colour,
        )
        self.description(node, code.description)
        if with_notes:
            self.note_refs(node, code.note_refs)
        for child in code.children:
            self.code(node, child, with_notes=with_notes)

    def project(self, project: QdaProject) -> Any:
        root = self.element(
            None,
            "Project",
            name=project.name or "Project",
            origin=project.origin,
            creatingUserGUID=_guid(project.creating_user, "project's creating user") if project.creating_user else None,
            creationDateTime=_when(project.created),
        )
        if project.users:
            holder = self.element(root, "Users")
            for user in project.users:
                self.element(holder, "User", guid=_guid(user.guid, f"user '{user.name}'"), name=user.name)
        if project.codes:
            self.codes(self.element(root, "CodeBook"), project.codes, with_notes=True)
        if project.variables:
            holder = self.element(root, "Variables")
            for variable in project.variables:
                self.variable(holder, variable)
        if project.cases:
            holder = self.element(root, "Cases")
            for case in project.cases:
                self.case(holder, case)
        if project.sources:
            holder = self.element(root, "Sources")
            for source in project.sources:
                self.source(holder, source)
        if project.notes:
            holder = self.element(root, "Notes")
            for note in project.notes:
                self.note(holder, note)
        self.description(root, project.description)
        self.note_refs(root, project.note_refs)
        return root

    def variable(self, parent: Any, variable: QdaVariable) -> None:
        if variable.type_of_variable not in VARIABLE_TYPES:
            raise ValueError(
                f"The variable '{variable.name}' has the type '{variable.type_of_variable}'; REFI-QDA types are "
                + ", ".join(VARIABLE_TYPES)
                + "."
            )
        guid = _guid(variable.guid, f"variable '{variable.name}'")
        self.variable_types[guid] = variable.type_of_variable
        node = self.element(parent, "Variable", guid=guid, name=variable.name, typeOfVariable=variable.type_of_variable)
        self.description(node, variable.description)

    def variable_values(self, parent: Any, values: dict[str, VariableValue], owner: str) -> None:
        for ref, value in values.items():
            guid = _guid(ref, f"variable of {owner}")
            kind = self.variable_types.get(guid)
            if kind is None:
                raise ValueError(f"The {owner} has a value for variable {ref}, which is not in the project.")
            node = self.element(parent, "VariableValue")
            self.element(node, "VariableRef", targetGUID=guid)
            self.element(node, f"{kind}Value", _lexical(value, kind, owner))

    def case(self, parent: Any, case: QdaCase) -> None:
        node = self.element(parent, "Case", guid=_guid(case.guid, f"case '{case.name}'"), name=case.name)
        self.description(node, case.description)
        for ref in case.code_refs:
            self.element(node, "CodeRef", targetGUID=_guid(ref, "code reference"))
        self.variable_values(node, case.variables, f"case '{case.name}'")
        for ref in case.source_refs:
            self.element(node, "SourceRef", targetGUID=_guid(ref, "source reference"))
        for ref in case.selection_refs:
            self.element(node, "SelectionRef", targetGUID=_guid(ref, "selection reference"))

    def source(self, parent: Any, source: QdaSource) -> None:
        guid = _guid(source.guid, f"source '{source.name}'")
        node = self.element(
            parent,
            "TextSource",
            guid=guid,
            name=source.name,
            plainTextPath=f"internal://{guid}.txt",
            creatingUser=_guid(source.creating_user, "user") if source.creating_user else None,
            creationDateTime=_when(source.created),
        )
        self.description(node, source.description)
        for selection in source.selections:
            self.selection(node, selection, source)
        self.note_refs(node, source.note_refs)
        self.variable_values(node, source.variables, f"source '{source.name}'")

    def selection(self, parent: Any, selection: QdaSelection, source: QdaSource) -> None:
        if not 0 <= selection.start <= selection.end <= len(source.text):
            raise ValueError(
                f"The selection {selection.start}–{selection.end} in source '{source.name}' lies outside its "
                f"text of {len(source.text)} characters."
            )
        node = self.element(
            parent,
            "PlainTextSelection",
            guid=_guid(selection.guid, f"selection in source '{source.name}'"),
            name=selection.name,
            startPosition=selection.start,
            endPosition=selection.end,
            creatingUser=_guid(selection.creating_user, "user") if selection.creating_user else None,
            creationDateTime=_when(selection.created),
        )
        self.description(node, selection.description)
        for coding in selection.codings:
            self.coding(node, coding)
        self.note_refs(node, selection.note_refs)

    def coding(self, parent: Any, coding: QdaCoding) -> None:
        node = self.element(
            parent,
            "Coding",
            guid=_guid(coding.guid, "coding"),
            creatingUser=_guid(coding.creating_user, "user") if coding.creating_user else None,
            creationDateTime=_when(coding.created),
        )
        self.element(node, "CodeRef", targetGUID=_guid(coding.code_guid, "coded code"))
        self.note_refs(node, coding.note_refs)

    def note(self, parent: Any, note: QdaNote) -> None:
        node = self.element(
            parent,
            "Note",
            guid=_guid(note.guid, f"note '{note.name}'"),
            name=note.name,
            creatingUser=_guid(note.creating_user, "user") if note.creating_user else None,
            creationDateTime=_when(note.created),
        )
        self.element(node, "PlainTextContent", note.text)

    def check_references(self, project: QdaProject) -> None:
        """Refuse references to codes, notes, users, sources or selections the project does not hold."""
        codes = {_guid(code.guid, f"code '{code.name}'") for code in project.all_codes()}
        notes = {_guid(note.guid, "note") for note in project.notes}
        users = {_guid(user.guid, "user") for user in project.users}
        sources = {_guid(source.guid, "source") for source in project.sources}
        selections = {_guid(sel.guid, "selection") for source in project.sources for sel in source.selections}
        problems: list[str] = []

        def need(refs: Iterable[str | None], known: set[str], what: str, owner: str) -> None:
            for ref in refs:
                if ref is not None and canonical_guid(ref) not in known:
                    problems.append(f"{owner} refers to {what} {ref}, which is not in the project")

        need([project.creating_user], users, "user", "the project")
        need(project.note_refs, notes, "note", "the project")
        for code in project.all_codes():
            need(code.note_refs, notes, "note", f"code '{code.name}'")
        for note in project.notes:
            need([note.creating_user], users, "user", f"note '{note.name}'")
        for source in project.sources:
            owner = f"source '{source.name}'"
            need([source.creating_user], users, "user", owner)
            need(source.note_refs, notes, "note", owner)
            for selection in source.selections:
                need([selection.creating_user], users, "user", owner)
                need(selection.note_refs, notes, "note", owner)
                for coding in selection.codings:
                    need([coding.code_guid], codes, "code", owner)
                    need([coding.creating_user], users, "user", owner)
                    need(coding.note_refs, notes, "note", owner)
        for case in project.cases:
            owner = f"case '{case.name}'"
            need(case.code_refs, codes, "code", owner)
            need(case.source_refs, sources, "source", owner)
            need(case.selection_refs, selections, "selection", owner)
        if problems:
            raise ValueError("The project cannot be exported: " + "; ".join(problems) + ".")


def _lexical(value: VariableValue, kind: str, owner: str) -> str:
    """The XML Schema lexical form of a variable value of REFI type `kind`."""
    expected = VARIABLE_TYPES[kind]
    # bool is an int and datetime is a date in Python: check the exact kind the variable declares.
    ok = isinstance(value, expected) and not (
        (kind == "Integer" and isinstance(value, bool)) or (kind == "Date" and isinstance(value, datetime))
    )
    if kind == "Float" and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise ValueError(f"The {owner} has {value!r} for a {kind} variable.")
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Float":
        return format(Decimal(repr(float(value))), "f")  # xsd:decimal has no exponent form
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
