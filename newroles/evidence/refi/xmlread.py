"""Safe parsing of REFI-QDA XML and the structural checks the XSDs would make, written in code.

The official schemas are not shipped with the product: instead each element the reader walks is checked here
against what Project.xsd / Codebook.xsd require of it — which children it may have and how many (`CHILDREN`),
which attributes must be present, and the lexical form of GUIDs, integers, booleans, dates and colours. A file
that fails is refused with a `RefiError` naming the file, the element, its line and the reason. The order of
children within a sequence is not checked: tools disagree on it and it changes no meaning.

Elements from other XML namespaces (extension data some tools add) are not refused but listed as not imported.

Parsing never resolves entities and never touches the network; a document that declares a DTD (the vehicle of
"billion laughs" and external-entity attacks) is refused outright, as no REFI-QDA tool writes one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from lxml import etree

from newroles.evidence.refi.errors import RefiError
from newroles.evidence.refi.model import canonical_colour, canonical_guid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

UNBOUNDED = None
# Element -> {allowed child: (minimum, maximum)}, from Project.xsd (Codebook.xsd where it differs, below).
# Only elements whose content the product reads are listed; unsupported parts are checked for their GUID only.
_TEXT_SOURCE = {
    "Description": (0, 1),
    "PlainTextContent": (0, 1),
    "PlainTextSelection": (0, UNBOUNDED),
    "Coding": (0, UNBOUNDED),
    "NoteRef": (0, UNBOUNDED),
    "VariableValue": (0, UNBOUNDED),
}
CHILDREN: dict[str, dict[str, tuple[int, int | None]]] = {
    "Project": {
        "Users": (0, 1),
        "CodeBook": (0, 1),
        "Variables": (0, 1),
        "Cases": (0, 1),
        "Sources": (0, 1),
        "Notes": (0, 1),
        "Links": (0, 1),
        "Sets": (0, 1),
        "Graphs": (0, 1),
        "Description": (0, 1),
        "NoteRef": (0, UNBOUNDED),
    },
    "Users": {"User": (1, UNBOUNDED)},
    "User": {},
    "CodeBook": {"Codes": (1, 1)},
    "Codes": {"Code": (1, UNBOUNDED)},
    "Code": {"Description": (0, 1), "NoteRef": (0, UNBOUNDED), "Code": (0, UNBOUNDED)},
    "Variables": {"Variable": (1, UNBOUNDED)},
    "Variable": {"Description": (0, 1)},
    "Cases": {"Case": (1, UNBOUNDED)},
    "Case": {
        "Description": (0, 1),
        "CodeRef": (0, UNBOUNDED),
        "VariableValue": (0, UNBOUNDED),
        "SourceRef": (0, UNBOUNDED),
        "SelectionRef": (0, UNBOUNDED),
    },
    "VariableValue": {
        "VariableRef": (1, 1),
        "TextValue": (0, 1),
        "BooleanValue": (0, 1),
        "IntegerValue": (0, 1),
        "FloatValue": (0, 1),
        "DateValue": (0, 1),
        "DateTimeValue": (0, 1),
    },
    "Sources": {
        "TextSource": (0, UNBOUNDED),
        "PictureSource": (0, UNBOUNDED),
        "PDFSource": (0, UNBOUNDED),
        "AudioSource": (0, UNBOUNDED),
        "VideoSource": (0, UNBOUNDED),
    },
    "TextSource": _TEXT_SOURCE,
    "Note": _TEXT_SOURCE,
    "Representation": _TEXT_SOURCE,
    "PlainTextSelection": {"Description": (0, 1), "Coding": (0, UNBOUNDED), "NoteRef": (0, UNBOUNDED)},
    "Coding": {"CodeRef": (1, 1), "NoteRef": (0, UNBOUNDED)},
    "Notes": {"Note": (1, UNBOUNDED)},
}
# Codebook.xsd: the root has Codes and Sets; a code has no NoteRef there.
CODEBOOK_CHILDREN: dict[str, dict[str, tuple[int, int | None]]] = {
    "CodeBook": {"Codes": (1, 1), "Sets": (0, 1)},
    "Codes": {"Code": (1, UNBOUNDED)},
    "Code": {"Description": (0, 1), "Code": (0, UNBOUNDED)},
}
VALUE_ELEMENTS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_FRACTION = re.compile(r"(\.\d{6})\d+")
_DOCTYPE_MARKS = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def parse_xml(data: bytes, what: str) -> Any:
    """The root element of `data`, parsed without entities, DTDs or network; RefiError if it is not XML."""
    if not data.strip():
        raise RefiError(f"{what} is empty.")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    refused = RefiError(
        f"{what} declares a DOCTYPE (entity or DTD declarations). REFI-QDA files never do, and such "
        "declarations can be used to attack the server, so the file was not read."
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # libxml2 stops at an unresolved entity before we could look at the DOCTYPE: name the real reason.
        if any(mark in data for mark in _DOCTYPE_MARKS):
            raise refused from exc
        raise RefiError(f"{what} is not well-formed XML: {exc.msg} (line {exc.lineno}).") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise refused
    return root


def local_name(element: Any) -> str:
    """The element's name without its namespace."""
    return etree.QName(element).localname


class Checker:
    """Structural checks and typed attribute reads for one document, with messages naming the file and line."""

    def __init__(self, what: str, namespace: str, children: dict[str, dict[str, tuple[int, int | None]]]):
        self.what = what
        self.ns = namespace
        self.children_spec = children
        self.foreign: list[str] = []  # names of elements from other namespaces, reported not imported

    def tag(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def where(self, element: Any) -> str:
        return f"{self.what}: <{local_name(element)}> on line {element.sourceline}"

    def fail(self, element: Any, reason: str) -> RefiError:
        return RefiError(f"{self.where(element)} {reason}")

    def check(self, element: Any, spec_name: str | None = None) -> None:
        """Refuse unknown REFI children and wrong counts of the allowed ones (see `CHILDREN`)."""
        spec = self.children_spec[spec_name or local_name(element)]
        counts = dict.fromkeys(spec, 0)
        for child in element:
            qname = etree.QName(child)
            if qname.namespace != self.ns:
                self.foreign.append(f"<{qname.localname}> in <{local_name(element)}>")
                continue
            if qname.localname not in spec:
                raise RefiError(
                    f"{self.what}: <{qname.localname}> on line {child.sourceline} is not allowed inside "
                    f"<{local_name(element)}> by the REFI-QDA schema."
                )
            counts[qname.localname] += 1
        if local_name(element) == "Sources" and not any(counts.values()):
            # <Sources> is a choice of one or more source kinds: at least one source must be there.
            raise self.fail(element, "holds no source, which the REFI-QDA schema requires.")
        for name, (least, most) in spec.items():
            if counts[name] < least:
                raise self.fail(element, f"has no <{name}>, which the REFI-QDA schema requires.")
            if most is not None and counts[name] > most:
                raise self.fail(element, f"has {counts[name]} <{name}> elements; the REFI-QDA schema allows {most}.")

    def find(self, element: Any, name: str) -> list[Any]:
        """The children called `name` in this document's namespace."""
        return list(element.iterchildren(self.tag(name)))

    def first(self, element: Any, name: str) -> Any | None:
        found = self.find(element, name)
        return found[0] if found else None

    def text_of(self, element: Any, name: str) -> str:
        """The text of the first child called `name`, or "" when it is left out."""
        child = self.first(element, name)
        if child is None:
            return ""
        if len(child):
            raise self.fail(child, "holds elements; the REFI-QDA schema allows only text there.")
        return child.text or ""

    def required(self, element: Any, attribute: str) -> str:
        value = element.get(attribute)
        if value is None:
            raise self.fail(element, f"has no '{attribute}' attribute, which the REFI-QDA schema requires.")
        return value

    def guid(self, element: Any, attribute: str, *, required: bool = True) -> str | None:
        """The GUID attribute in canonical form (lower case, no braces)."""
        value = self.required(element, attribute) if required else element.get(attribute)
        if value is None:
            return None
        guid = canonical_guid(value)
        if guid is None:
            raise self.fail(element, f"has '{attribute}=\"{value}\"', which is not a GUID.")
        return guid

    def integer(self, element: Any, attribute: str) -> int:
        value = self.required(element, attribute).strip()
        if not _INTEGER.match(value):
            raise self.fail(element, f"has '{attribute}=\"{value}\"', which is not a whole number.")
        return int(value)

    def boolean(self, element: Any, attribute: str) -> bool:
        value = self.required(element, attribute).strip()
        if value not in ("true", "false", "1", "0"):
            raise self.fail(element, f"has '{attribute}=\"{value}\"'; it must be true or false.")
        return value in ("true", "1")

    def colour(self, element: Any, attribute: str) -> str | None:
        value = element.get(attribute)
        if value is None:
            return None
        colour = canonical_colour(value)
        if colour is None:
            raise self.fail(element, f"has '{attribute}=\"{value}\"', which is not a colour like #RRGGBB.")
        return colour

    def when(self, element: Any, attribute: str) -> datetime | None:
        value = element.get(attribute)
        if value is None:
            return None
        return self._datetime(element, attribute, value)

    def _datetime(self, element: Any, attribute: str, value: str) -> datetime:
        # Python reads at most microseconds; xsd:dateTime allows any fraction of a second.
        text = _FRACTION.sub(r"\1", value.strip())
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(element, f"has '{attribute}=\"{value}\"', which is not a date and time.") from None

    def value(self, element: Any) -> tuple[str, bool | int | float | str | date | datetime] | None:
        """(kind, value) of a VariableValue's value element, or None when it holds none."""
        present = [child for name in VALUE_ELEMENTS for child in self.find(element, name)]
        if not present:
            return None
        if len(present) > 1:
            raise self.fail(element, "holds more than one value; the REFI-QDA schema allows one.")
        child = present[0]
        kind = local_name(child)
        raw = (child.text or "").strip() if kind != "TextValue" else child.text or ""
        try:
            if kind == "TextValue":
                return "Text", raw
            if kind == "BooleanValue":
                if raw not in ("true", "false", "1", "0"):
                    raise ValueError
                return "Boolean", raw in ("true", "1")
            if kind == "IntegerValue":
                if not _INTEGER.match(raw):
                    raise ValueError
                return "Integer", int(raw)
            if kind == "FloatValue":
                if not _DECIMAL.match(raw):
                    raise ValueError
                return "Float", float(raw)
            if kind == "DateValue":
                return "Date", date.fromisoformat(raw)
            return "DateTime", self._datetime(child, "value", raw)
        except (ValueError, RefiError):
            raise self.fail(child, f"holds '{raw}', which is not a valid {kind[:-5].lower()} value.") from None
