"""Shared helpers for the REFI-QDA tests: the official schemas, a zip builder and a project using every feature."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import xmlschema

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
)

# The schemas live beside the repository (../shared), never inside the product.
STANDARDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "standards" / "refi-qda"


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(STANDARDS / name))


def assert_valid(xml: bytes, name: str) -> None:
    """Fail with the schema's own reasons when `xml` does not validate against `name` (Project.xsd, Codebook.xsd)."""
    errors = [str(error.reason) for error in schema(name).iter_errors(xml.decode("utf-8"))]
    assert not errors, errors


def make_zip(members: dict[str, bytes | str]) -> bytes:
    """A zip with the given members (text is encoded as UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def g(n: int) -> str:
    """A readable canonical GUID for test objects: g(7) -> '00000000-0000-4000-8000-000000000007'."""
    return f"00000000-0000-4000-8000-{n:012d}"


# A text with every trap for positions: CRLF line ends, characters outside the BMP (each one code point, two
# UTF-16 units), accents and a tab.
TRAPS_TEXT = "J1: We had no \U0001f600 staff.\r\nT1: The 𝔘nit café\twas short.\r\nJ1: Peer support helped."


def passage(text: str, words: str) -> tuple[int, int]:
    """(start, end) in code points of the first occurrence of `words` in `text`."""
    start = text.index(words)
    return start, start + len(words)


def sample_project() -> QdaProject:
    """A project using everything the writer writes: nested codes, coders, memos, variables, cases."""
    created = datetime(2026, 3, 18, 10, 30, tzinfo=UTC)
    users = [QdaUser(g(1), "Coder A"), QdaUser(g(2), "Coder B")]
    codes = [
        QdaCode(
            g(10),
            "Reasons for new roles",
            color="#1D70B8",
            description="The seven reasons",
            is_codable=False,
            children=[
                QdaCode(g(11), "Staff shortage", color="#D4351C", description="Cannot recruit", note_refs=[g(50)]),
                QdaCode(g(12), "New model of care", children=[QdaCode(g(13), "Peer support", color="#00703C")]),
            ],
        ),
        QdaCode(g(14), "Funding problems"),
    ]
    start, end = passage(TRAPS_TEXT, "no \U0001f600 staff")
    start2, end2 = passage(TRAPS_TEXT, "𝔘nit café\twas")
    start3, end3 = passage(TRAPS_TEXT, "Peer support helped.")
    source = QdaSource(
        g(20),
        "Interview J1",
        TRAPS_TEXT,
        selections=[
            QdaSelection(
                g(30),
                "shortage",
                start,
                end,
                codings=[QdaCoding(g(40), g(11), g(1), created), QdaCoding(g(41), g(11), g(2), created)],
                creating_user=g(1),
                created=created,
                note_refs=[g(51)],
                description="Said twice",
            ),
            QdaSelection(g(31), "unit", start2, end2, codings=[QdaCoding(g(42), g(14), g(2), None)]),
            QdaSelection(g(32), "", start3, end3, codings=[QdaCoding(g(43), g(13), g(1), created, [g(52)])]),
        ],
        description="Phase 1 interview",
        creating_user=g(1),
        created=created,
        variables={g(60): "Phase 1", g(61): 3, g(62): True, g(63): 2.5, g(64): date(2026, 1, 5), g(65): created},
        note_refs=[g(50)],
    )
    group = QdaSource(g(21), "Reflection group G1", "G1: Funding was short-term.\nG2: And backfill was left out.")
    notes = [
        QdaNote(g(50), "Code memo", "Shortage shows in every trust.\r\nCheck phase 2.", g(1), created),
        QdaNote(g(51), "Selection memo", "Emoji kept 😀", g(2), None),
        QdaNote(g(52), "", "Coding memo", None, None),
    ]
    variables = [
        QdaVariable(g(60), "Phase", "Text", "Study phase"),
        QdaVariable(g(61), "Team size", "Integer"),
        QdaVariable(g(62), "Consented", "Boolean"),
        QdaVariable(g(63), "WTE", "Float"),
        QdaVariable(g(64), "Interview date", "Date"),
        QdaVariable(g(65), "Coded at", "DateTime"),
    ]
    cases = [
        QdaCase(
            g(70),
            "Case study: Team A",
            "Peer support workers in a community team",
            variables={g(60): "Phase 3", g(61): 12},
            source_refs=[g(20)],
            selection_refs=[g(30)],
            code_refs=[g(13)],
        )
    ]
    return QdaProject(
        name="New roles study",
        origin="newroles",
        creating_user=g(1),
        users=users,
        codes=codes,
        sources=[source, group],
        notes=notes,
        cases=cases,
        variables=variables,
        description="Demo project",
        created=created,
        note_refs=[g(50)],
    )
