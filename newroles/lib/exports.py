"""CSV and XLSX downloads that spreadsheets cannot turn into formulas.

A cell that starts with =, +, -, @, tab or carriage return can run as a formula when a spreadsheet opens
the file (CSV injection). Every exported text cell goes through `safe_cell`, which prefixes such values
with an apostrophe, the convention spreadsheets show as plain text. In a CSV, a text cell that holds a
separator of any locale (`,` `;` tab `|`) is also quoted, so no reader splits it into a formula cell.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Quoted in a CSV: the list separators of every locale, and the characters CSV itself needs quoted.
_QUOTE_WHEN = (",", ";", "\t", "|", '"', "\r", "\n")
# A formula start after a separator or a line break (and any quotes): where another locale's reader
# would begin a cell.
_FORMULA_AFTER_SEPARATOR = re.compile(r'([,;\t|\r\n]"*)([=+\-@])')
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would read as a formula; leave numbers alone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_field(value: Any) -> str:
    """One CSV field: neutralised by `safe_cell`, formulas after a separator neutralised too, and quoted
    when it holds a separator of any locale.

    Excel splits a CSV on the list separator of the reader's locale (a comma, a semicolon in much of Europe,
    sometimes a tab or a bar), so `x;=cmd|' /C calc'!A0` left unquoted becomes a formula cell for a reader
    whose separator is a semicolon. Quoting makes the field one cell for a reader that honours the quotes
    where they stand; a reader splitting on another separator may not see a quote in the middle of a row,
    so a formula start after any separator or line break inside the text also gets an apostrophe.
    """
    cell = safe_cell(value)
    text = cell if isinstance(cell, str) else str(cell)
    if not isinstance(cell, str):
        return text
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)
    if any(c in text for c in _QUOTE_WHEN):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    lines = [",".join(csv_field(h) for h in headers)]
    lines.extend(",".join(csv_field(v) for v in row) for row in rows)
    # BOM so Excel opens UTF-8 (trust names with accents, en dashes) correctly; CRLF as RFC 4180 says.
    return ("\ufeff" + "".join(line + "\r\n" for line in lines)).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Data") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], file_format: str = "csv") -> bytes:
    """The table as the bytes of a CSV or XLSX file."""
    return xlsx_bytes(headers, rows) if file_format == "xlsx" else csv_bytes(headers, rows)


def file_response(filename: str, content: bytes, file_format: str = "csv") -> HttpResponse:
    """An HttpResponse carrying `content` (made by `table_bytes`) as a CSV or XLSX attachment."""
    content_type, ext = (XLSX_TYPE, "xlsx") if file_format == "xlsx" else ("text/csv; charset=utf-8", "csv")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{ext}"'
    return response


def download(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], file_format: str = "csv"
) -> HttpResponse:
    """An HttpResponse with the table as a CSV or XLSX attachment."""
    return file_response(filename, table_bytes(headers, rows, file_format), file_format)
