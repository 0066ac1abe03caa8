"""The REFI-QDA project in plain dataclasses: what the reader returns and the writer takes.

The shapes follow the REFI-QDA 1.5 Project.xsd (`urn:QDA-XML:project:1.0`) closely, keeping only what the product
exchanges: users, codes (nested), variables, cases, text sources with their selections and codings, and notes
(memos). Every GUID held here is in canonical form: lower case, no braces (`canonical_guid`), so the same object
from NVivo's `{ABC...}` and QualCoder's `abc...` compares equal.

References between objects are GUIDs, as in the files:

- `QdaCoding.code_guid` names a code in `QdaProject.codes` (anywhere in the tree);
- `creating_user` fields name a `QdaUser.guid`;
- `note_refs` list the GUIDs of `QdaNote`s (memos) attached to a code, source, selection or the project;
- `QdaSource.variables` and `QdaCase.variables` map a `QdaVariable.guid` to its value, whose Python type follows
  the variable's `type_of_variable` (see `VARIABLE_TYPES`).

Positions (`QdaSelection.start`/`end`) count characters, i.e. Unicode code points, of `QdaSource.text`, from 0, end
exclusive: `text[start:end]` is the selected passage. See `newroles.evidence.refi.reader` for how the text is read.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

VariableValue = str | bool | int | float | date | datetime

# REFI-QDA typeOfVariable -> the Python type a value of that variable has here.
VARIABLE_TYPES: dict[str, type] = {
    "Text": str,
    "Boolean": bool,
    "Integer": int,
    "Float": float,
    "Date": date,
    "DateTime": datetime,
}

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_COLOUR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def canonical_guid(value: str) -> str | None:
    """The GUID in lower case without braces, or None when `value` is not a GUID the schema allows."""
    found = _GUID.match(value.strip())
    if not found or (value.strip().startswith("{") != value.strip().endswith("}")):
        return None
    return found.group(1).lower()


def new_guid() -> str:
    """A fresh random GUID in canonical form."""
    return str(uuid.uuid4())


def canonical_colour(value: str) -> str | None:
    """`#RRGGBB` in upper case (a `#RGB` short form is widened), or None when `value` is not a colour."""
    found = _COLOUR.match(value.strip())
    if not found:
        return None
    digits = found.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits.upper()


@dataclass
class QdaUser:
    """A person who coded; in this product a pseudonymous coder name, never a real name."""

    guid: str
    name: str = ""


@dataclass
class QdaCode:
    """A code in the codebook; `is_codable=False` is a heading that groups codes and is not applied itself."""

    guid: str
    name: str
    color: str | None = None
    description: str = ""
    is_codable: bool = True
    children: list[QdaCode] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)

    def walk(self) -> Iterator[QdaCode]:
        """This code and every code below it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class QdaCoding:
    """One code applied to a selection, by a coder."""

    guid: str
    code_guid: str
    creating_user: str | None = None
    created: datetime | None = None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class QdaSelection:
    """A passage of a text source: characters `start` to `end` (exclusive) of the source's text."""

    guid: str
    name: str
    start: int
    end: int
    codings: list[QdaCoding] = field(default_factory=list)
    creating_user: str | None = None
    created: datetime | None = None
    note_refs: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class QdaSource:
    """A text source (transcript, document) with its plain text, kept exactly as exchanged."""

    guid: str
    name: str
    text: str
    selections: list[QdaSelection] = field(default_factory=list)
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    variables: dict[str, VariableValue] = field(default_factory=dict)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class QdaNote:
    """A memo. It is attached to codes, sources, selections, codings or the project through their `note_refs`."""

    guid: str
    name: str = ""
    text: str = ""
    creating_user: str | None = None
    created: datetime | None = None


@dataclass
class QdaVariable:
    """An attribute of sources or cases (e.g. a case study's site or period); `type_of_variable` is a REFI type."""

    guid: str
    name: str
    type_of_variable: str = "Text"
    description: str = ""


@dataclass
class QdaCase:
    """A case (a participant, a trust, a case study) grouping sources and selections, with variable values."""

    guid: str
    name: str = ""
    description: str = ""
    variables: dict[str, VariableValue] = field(default_factory=dict)
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)
    code_refs: list[str] = field(default_factory=list)


@dataclass
class QdaProject:
    """A whole REFI-QDA project: what a `.qdpx` holds."""

    name: str
    origin: str = "newroles"
    creating_user: str | None = None
    users: list[QdaUser] = field(default_factory=list)
    codes: list[QdaCode] = field(default_factory=list)
    sources: list[QdaSource] = field(default_factory=list)
    notes: list[QdaNote] = field(default_factory=list)
    cases: list[QdaCase] = field(default_factory=list)
    variables: list[QdaVariable] = field(default_factory=list)
    description: str = ""
    created: datetime | None = None
    note_refs: list[str] = field(default_factory=list)

    def all_codes(self) -> Iterator[QdaCode]:
        """Every code in the tree, parents first."""
        for code in self.codes:
            yield from code.walk()


@dataclass
class RefiImport:
    """What a `.qdc` or `.qdpx` gave: the project, and plain-English lines on what could not be brought in.

    A `.qdc` gives a project holding only codes (named after the file's origin).
    """

    project: QdaProject
    not_imported: list[str] = field(default_factory=list)
