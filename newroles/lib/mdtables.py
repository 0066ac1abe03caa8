"""Markdown text split into its prose and its pipe tables, so a form can edit a table as a table.

A pack component such as a person specification is a Markdown pipe table with some prose around it. The
edit page shows the prose in text boxes and each table as rows of input boxes; what it posts is put back
together here into the same Markdown the component stores, so the pipeline (render_markdown, exports,
DOCX) sees no difference between a table typed by hand and one edited cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")

# How many rows and segments a posted form may describe: far more than any pack has, and a bound on the
# work a hand-made post can ask for.
MAX_ROWS = 200
MAX_COLUMNS = 12
MAX_SEGMENTS = 60


@dataclass
class Segment:
    """Prose (`text`) or a table (`rows`, the first row being the header)."""

    kind: str  # "text" or "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip() for cell in _UNESCAPED_PIPE.split(body)]


def _is_table_start(lines: list[str], i: int) -> bool:
    return (
        i + 1 < len(lines)
        and lines[i].lstrip().startswith("|")
        and bool(_SEPARATOR.match(lines[i + 1]))
        and "-" in lines[i + 1]
    )


def split(text: str) -> list[Segment]:
    """The text as prose and table segments, in order. Prose is kept as written (trimmed of blank edges)."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    segments: list[Segment] = []
    prose: list[str] = []
    i = 0

    def flush() -> None:
        chunk = "\n".join(prose).strip("\n")
        if chunk.strip():
            segments.append(Segment("text", text=chunk))
        prose.clear()

    while i < len(lines):
        if _is_table_start(lines, i):
            flush()
            rows = [_cells(lines[i])]
            i += 2  # the header and the separator line
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            width = max(len(r) for r in rows)
            segments.append(Segment("table", rows=[r + [""] * (width - len(r)) for r in rows]))
            continue
        prose.append(lines[i])
        i += 1
    flush()
    return segments


def _cell(text: str) -> str:
    # A cell is one line, and a pipe inside it is escaped so it does not start a new cell.
    flat = " ".join(str(text).split())
    flat = _UNESCAPED_PIPE.sub(r"\\|", flat)
    return f" {flat} " if flat else " "


def table_markdown(rows: list[list[str]]) -> str:
    """A Markdown pipe table: the first row is the header."""
    rows = [r for r in rows if r]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["|" + "|".join(_cell(c) for c in rows[0]) + "|", "|" + "|".join(["---"] * width) + "|"]
    lines += ["|" + "|".join(_cell(c) for c in row) + "|" for row in rows[1:]]
    return "\n".join(lines)


def join(segments: list[Segment]) -> str:
    """The segments back as one Markdown text.

    A blank line separates segments, except that a heading followed by its table keeps them on adjacent
    lines as the packs are written, so an unchanged page saves the very text it showed.
    """
    out = ""
    previous: Segment | None = None
    for segment in segments:
        chunk = segment.text.strip("\n") if segment.kind == "text" else table_markdown(segment.rows)
        if not chunk.strip():
            continue
        if previous is not None:
            last_line = previous.text.rstrip().split("\n")[-1] if previous.kind == "text" else ""
            out += "\n" if segment.kind == "table" and last_line.lstrip().startswith("#") else "\n\n"
        out += chunk
        previous = segment
    return out


def has_table(text: str) -> bool:
    return any(s.kind == "table" for s in split(text))


def bounded_int(value: Any, limit: int) -> int:
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 0
    return limit if len(text) > 6 else min(int(text), limit)


def from_post(data: Mapping[str, Any], prefix: str = "seg") -> list[Segment]:
    """The segments a posted edit form describes.

    Fields: `seg-count`; per segment `seg-N-kind` ("text" or "table"); prose in `seg-N-text`; a table's size in
    `seg-N-rows` and `seg-N-cols`, its cells in `seg-N-R-C` (row 0 is the header), and a row whose
    `seg-N-R-remove` was pressed or ticked is dropped.
    """
    segments = []
    for n in range(bounded_int(data.get(f"{prefix}-count"), MAX_SEGMENTS)):
        key = f"{prefix}-{n}"
        if data.get(f"{key}-kind") == "table":
            rows_n = bounded_int(data.get(f"{key}-rows"), MAX_ROWS)
            cols_n = bounded_int(data.get(f"{key}-cols"), MAX_COLUMNS)
            rows = []
            for r in range(rows_n):
                if r > 0 and data.get(f"{key}-{r}-remove"):
                    continue
                rows.append([str(data.get(f"{key}-{r}-{c}", "") or "") for c in range(cols_n)])
            segments.append(Segment("table", rows=rows))
        else:
            segments.append(Segment("text", text=str(data.get(f"{key}-text", "") or "").replace("\r\n", "\n")))
    return segments


def add_row(segments: list[Segment], index: int) -> None:
    """An empty row at the end of the table at `index` (the no-script way to grow a table)."""
    if 0 <= index < len(segments) and segments[index].kind == "table" and len(segments[index].rows) < MAX_ROWS:
        segments[index].rows.append([""] * max(segments[index].columns, 1))
