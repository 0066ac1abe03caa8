"""Role packs in Word: a pack, or one component, written as a DOCX file, and a Word document (a trust's
job description, say) read into a component as Markdown.

Trusts draft and approve job descriptions in Word, so the round trip keeps what a reader sees:
headings, bulleted and numbered lists, bold and italic text and tables. Links are written as their text
followed by the address, since a printed copy must still say where a source is.

A Word file comes from outside, so it is checked like every upload before python-docx opens it: its
size, that it is a Word document by its content (`lib.documents.sniff_type`, which checks the zip for
decompression bombs with `lib.zipcheck`), and that no text holds a control character.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from newroles.accounts import policy
from newroles.lib.documents import DocumentError, sniff_type
from newroles.lib.tabular import CELL_CONTROL, too_large_message
from newroles.roles.models import PackComponent, RolePack
from newroles.roles.services import edit_component

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = re.compile(r"(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)")
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_CONTROL = re.compile(CELL_CONTROL)


class DocxImportError(ValueError):
    """The Word file cannot be read into a component; the message says why and what to do."""


# Writing ------------------------------------------------------------------------------------------


def file_stem(pack: RolePack) -> str:
    """Exports are named by role, owner and version, so a trust's copy and the national pack differ."""
    owner = pack.trust.ods_code if pack.trust_id else "national"
    return f"role-pack-{pack.role.slug}-{owner}-v{pack.version}"


def _plain_inline(text: str) -> str:
    return _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) else m.group(2), text).replace("`", "")


def _add_inline(paragraph: Any, text: str) -> None:
    for part in _INLINE.split(_plain_inline(text)):
        if not part:
            continue
        if part[:2] in ("**", "__") and part[-2:] == part[:2] and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif part[0] in "*_" and part[-1] == part[0] and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part)


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]


def _add_table(document: Any, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            _add_inline(paragraph, row[c] if c < len(row) else "")
            if r == 0:
                for run in paragraph.runs:
                    run.bold = True


def add_markdown(document: Any, text: str, *, top_level: int = 2) -> None:
    """Write Markdown as Word paragraphs; the text's largest heading becomes a heading of `top_level`."""
    lines = text.replace("\r\n", "\n").split("\n")
    levels = [len(m.group(1)) for m in map(_HEADING.match, lines) if m]
    shift = top_level - min(levels) if levels else 0
    paragraph_lines: list[str] = []
    item_lines: list[str] = []  # the list item being read: its text goes on over the lines that follow it
    item_style = ""

    def flush() -> None:
        if paragraph_lines:
            _add_inline(document.add_paragraph(), " ".join(paragraph_lines))
            paragraph_lines.clear()
        if item_lines:
            _add_inline(document.add_paragraph(style=item_style), " ".join(item_lines))
            item_lines.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith("|") and index + 1 < len(lines) and _TABLE_RULE.match(lines[index + 1]):
            flush()
            rows = [_cells(line)]
            index += 2
            while index < len(lines) and lines[index].strip().startswith("|"):
                rows.append(_cells(lines[index]))
                index += 1
            _add_table(document, rows)
            continue
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = min(9, len(heading.group(1)) + shift)
            document.add_heading(_plain_inline(heading.group(2)).replace("*", ""), level=level)
        elif bullet or numbered:
            flush()
            item_style = "List Bullet" if bullet else "List Number"
            item_lines.append((bullet or numbered).group(1).strip())  # type: ignore[union-attr]
        elif item_lines:
            item_lines.append(line.strip())
        else:
            paragraph_lines.append(line.strip().lstrip("> "))
        index += 1
    flush()


def _add_component(document: Any, component: PackComponent, level: int) -> None:
    document.add_heading(component.get_key_display(), level=level)
    if component.not_yet_written:
        document.add_paragraph("This part of the pack has not been written yet.").runs[0].italic = True
    add_markdown(document, component.text, top_level=level + 1)
    steps = component.data.get("steps") if isinstance(component.data, dict) else None
    if component.key == "career_pathway" and steps:
        for step in steps:
            label = step.get("title") or step.get("role", "")
            band = f" – band {step['band']}" if step.get("band") else ""
            training = " (in training)" if step.get("in_training") else ""
            document.add_paragraph(f"{label}{band}{training}", style="List Number")
    profile = component.data.get("job_profile") if isinstance(component.data, dict) else None
    if component.key == "pay_and_banding" and profile:
        paragraph = document.add_paragraph()
        paragraph.add_run("National job profile: ").bold = True
        paragraph.add_run(str(profile))


def _new_document(pack: RolePack, title: str) -> Any:
    import docx

    document = docx.Document()
    document.core_properties.title = title[:255]
    document.add_heading(title, level=0)
    owner = (
        f"National role pack, version {pack.version}"
        if pack.is_national
        else (f"{pack.trust.name}, version {pack.version} ({pack.get_status_display().lower()})")
    )
    document.add_paragraph(owner)
    if pack.adopted_from_id:
        document.add_paragraph(f"Adapted from version {pack.adopted_version} of the national pack.")
    document.add_paragraph(f"Due to be checked against its sources by {pack.review_by:%-d %B %Y}.")
    return document


def _bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pack_docx(pack: RolePack) -> bytes:
    """The whole pack as one Word document: a heading per component, in the pack's order."""
    document = _new_document(pack, pack.title)
    for component in sorted(pack.components.all(), key=lambda c: c.order):
        _add_component(document, component, level=1)
    return _bytes(document)


def component_docx(component: PackComponent) -> bytes:
    """One component as a Word document, titled with the component and the pack."""
    pack = component.pack
    document = _new_document(pack, f"{component.get_key_display()}: {pack.title}")
    _add_component(document, component, level=1)
    return _bytes(document)


# Reading ------------------------------------------------------------------------------------------


def _check_text(text: str, where: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise DocxImportError(
            f"{where} contains a control character (U+{ord(found.group()):04X}), which a job description cannot "
            "hold. Copy the text into a new Word document and try again."
        )
    return text


def _runs_markdown(paragraph: Any) -> str:
    parts = []
    for run in paragraph.runs:
        text = run.text
        if run.bold and text.strip():
            parts.append(f"**{text.strip()}**" + (" " if text.endswith(" ") else ""))
        else:
            parts.append(text)
    text = "".join(parts)
    if "".join(run.text for run in paragraph.runs) != paragraph.text:
        text = paragraph.text  # links and fields hold runs of their own: keep all the words, plain
    return " ".join(text.replace("****", "").split())


def _paragraph_markdown(paragraph: Any) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    text = _runs_markdown(paragraph)
    if not text:
        return ""
    if style == "Title" or style.startswith("Heading"):
        number = re.search(r"\d+", style)
        # The pack page shows a component under its own second-level heading, so Word's first level is third.
        level = min(6, (int(number.group()) if number else 1) + 2)
        return f"{'#' * level} {text.replace('**', '')}"
    if style.startswith("List Number"):
        return f"1. {text}"
    if style.startswith("List"):
        return f"- {text}"
    return text


def _table_markdown(table: Any) -> str:
    rows = []
    for row in table.rows:
        rows.append([" ".join(cell.text.split()).replace("|", "\\|") for cell in row.cells])
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def docx_to_markdown(data: bytes) -> str:
    """A Word document's text as Markdown, after the upload checks (DocxImportError says what is wrong)."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise DocxImportError(too_large_message(len(data), settings.MAX_UPLOAD_BYTES))
    try:
        file_type = sniff_type(data)  # checks the zip's members before anything opens it
    except DocumentError as exc:
        raise DocxImportError(str(exc)) from exc
    if file_type != "docx":
        raise DocxImportError("The file is not a Word document. Save it as Word (.docx) and upload it again.")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise DocxImportError("The Word document is damaged and cannot be read. Save it again and retry.") from exc
    blocks: list[str] = []
    number = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            text = _check_text(_paragraph_markdown(Paragraph(element, document)), f"Paragraph {number}")
        elif tag == "tbl":
            text = _check_text(_table_markdown(Table(element, document)), f"The table after paragraph {number}")
        else:
            continue
        if text:
            blocks.append(text)
    markdown = _join_blocks(blocks)
    if not markdown.strip():
        raise DocxImportError("The Word document has no text to import.")
    return markdown


def _join_blocks(blocks: list[str]) -> str:
    """Blank lines between blocks, except between items of one list (so they stay one list)."""
    out: list[str] = []
    for block in blocks:
        if out and _is_item(out[-1]) and _is_item(block):
            out[-1] += "\n" + block
        else:
            out.append(block)
    return "\n\n".join(out) + "\n"


def _is_item(block: str) -> bool:
    last = block.rsplit("\n", 1)[-1]
    return last.startswith(("- ", "1. "))


def import_component_docx(*, actor: Any, component: PackComponent, data: bytes) -> RolePack:
    """Replace a component's text with a Word document's (the pack's owners only). Returns the pack that
    now holds it: a trust's copy in place, or a new version of a national pack."""
    if not policy.can_edit_pack(actor, component.pack):
        raise PermissionDenied("Only the pack's owners import into it.")
    return edit_component(actor=actor, component=component, text=docx_to_markdown(data))
