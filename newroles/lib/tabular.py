"""Read an uploaded CSV or XLSX file into a header and rows of text, or say clearly why not.

Used by the one import flow (`newroles.imports`). Encodings: UTF-8 with or without a byte-order mark,
UTF-16 with a byte-order mark, and Windows-1252 (what Excel on Windows writes by default). Delimiters:
comma, semicolon or tab, detected from the first lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from newroles.lib.zipcheck import ZipCheckError, check_zip, limits_from_settings

XLSX_MAGIC = b"PK\x03\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Control characters no cell may hold: C0 controls, DEL and C1 controls. Tab, line feed and carriage
# return are allowed, because a description or a note may span lines in a quoted CSV field or a
# wrapped Excel cell; each field's own validation decides whether it may be multi-line.
CELL_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CELL_CONTROL = re.compile(CELL_CONTROL)


class TabularError(ValueError):
    """The file cannot be read as a table; the message is written for the person who uploaded it."""


@dataclass
class Table:
    """Headers and the data rows; each row keeps its line number in the file (the header is row 1)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[tuple[int, dict[str, str]]]:
        """Rows as {header: value}, padding short rows with empty strings."""
        out = []
        for number, cells in self.rows:
            padded = cells + [""] * (len(self.headers) - len(cells))
            out.append((number, dict(zip(self.headers, padded, strict=False))))
        return out


def normalise_header(text: str) -> str:
    """Loose form of a header for matching: lower case, letters and digits only ("Pay Band" == "pay_band")."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes; return (text, encoding name). Raise TabularError when it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise TabularError("The file says it is UTF-16 text but could not be read as such.") from exc
    if b"\x00" in data[:4096]:
        raise TabularError(
            "This file is not readable text: it looks like a binary file or text in an unsupported "
            "encoding (save it as CSV UTF-8 or as an Excel .xlsx workbook)."
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TabularError(
            f"The file could not be read as UTF-8 or Windows-1252 text (byte {exc.start + 1} is not valid "
            "in either). Save it as 'CSV UTF-8' and upload it again."
        ) from exc
    return text, "Windows-1252"


def _check_text(text: str) -> None:
    if _CONTROL.search(text[:65536]):
        raise TabularError(
            "The file contains control characters, so it is probably not a CSV file or is in an "
            "unsupported encoding. Save it as 'CSV UTF-8' or as an Excel .xlsx workbook."
        )


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:10])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def check_headers(headers: Sequence[object]) -> list[str]:
    """The header row, trimmed and without trailing empty cells; TabularError when a name is missing or repeated.

    The one header check of every import (the tabular import and the staff-record import).
    """
    cleaned = [str(h if h is not None else "").strip() for h in headers]
    while cleaned and cleaned[-1] == "":
        cleaned.pop()
    if not cleaned:
        raise TabularError("The first row is empty: it must hold the column names.")
    seen: dict[str, int] = {}
    for index, header in enumerate(cleaned, start=1):
        if header == "":
            raise TabularError(f"Column {index} has no name in the first row.")
        if _CONTROL.search(header):
            raise TabularError(f"Column {index}'s name contains a control character; retype it.")
        key = normalise_header(header)
        if key in seen:
            raise TabularError(
                f"Columns {seen[key]} and {index} have the same name ('{cleaned[seen[key] - 1]}' and "
                f"'{header}'). Give every column a different name."
            )
        seen[key] = index
    return cleaned


def control_character_message(row: int | str, column: str, text: str) -> str:
    """Where a control character is, and which one (the value itself is not repeated)."""
    found = _CELL_CONTROL.search(text)
    code = f"U+{ord(found.group()):04X}" if found else "a control character"
    return (
        f"Row {row}, column '{column}': the value contains a control character ({code}), which no field may "
        "hold. Remove it (it is often left by copying from another system) and upload the file again."
    )


def _check_cells(number: int, cells: list[str], headers: list[str]) -> None:
    if _CELL_CONTROL.search("".join(cells)):  # one search a row; find the column only when there is one
        index = next(i for i, cell in enumerate(cells) if _CELL_CONTROL.search(cell))
        column = headers[index] if index < len(headers) else f"column {index + 1}"
        raise TabularError(control_character_message(number, column, cells[index]))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_csv(data: bytes, *, max_rows: int | None = None) -> Table:
    text, encoding = decode_text(data)
    _check_text(text)
    if not text.strip():
        raise TabularError("The file is empty.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = check_headers(next(reader))
        rows: list[tuple[int, list[str]]] = []
        for seen, cells in enumerate(reader, start=1):
            number = reader.line_num
            if max_rows is not None and seen > max_rows:  # blank rows count: they cost reading too
                raise TabularError(too_many_rows_message(max_rows))
            if not any(c.strip() for c in cells):
                continue
            _check_cells(number, cells, headers)
            rows.append((number, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise TabularError(f"Row {reader.line_num}: the CSV could not be read ({exc}).") from exc
    return Table(headers, rows, "CSV", encoding=encoding, delimiter=delimiter)


def read_xlsx(data: bytes, *, max_rows: int | None = None) -> Table:
    from openpyxl import load_workbook

    try:  # every member is checked before openpyxl opens the workbook (decompression bombs)
        check_zip(data, limits_from_settings(), what="Excel workbook")
    except ZipCheckError as exc:
        raise TabularError(str(exc)) from exc
    if max_rows is not None and count_sheet_rows(data) > max_rows + 1:  # + 1: the header row
        raise TabularError(too_many_rows_message(max_rows))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TabularError("The file could not be opened as an Excel .xlsx workbook.") from exc
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        first = next(iterator, None)
        if first is None:
            raise TabularError("The workbook's first sheet is empty.")
        headers = check_headers([_cell_text(v) for v in first])
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(iterator, start=2):
            if max_rows is not None and number - 1 > max_rows:  # blank rows count: they cost reading too
                raise TabularError(too_many_rows_message(max_rows))
            cells = [_cell_text(v) for v in values[: len(headers)]]
            if not any(cells):
                continue
            _check_cells(number, cells, headers)
            rows.append((number, cells))
    finally:
        workbook.close()
    notes = []
    if len(workbook.sheetnames) > 1:
        notes.append(f"Only the first sheet ('{workbook.sheetnames[0]}') was read.")
    return Table(headers, rows, "XLSX", notes=notes)


_SHEET_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet_member(archive: zipfile.ZipFile) -> str | None:
    """The archive path of the workbook's first sheet, from workbook.xml and its relationships."""
    from xml.etree import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheet = next((e for e in workbook.iter() if e.tag.endswith("}sheet")), None)
    rel_id = sheet.get(_SHEET_REL) if sheet is not None else None
    target = next((r.get("Target", "") for r in rels if r.get("Id") == rel_id), "")
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def count_sheet_rows(data: bytes) -> int:
    """How many row elements the first sheet's XML holds, empty ones included, counted without parsing.

    openpyxl reads a sheet with no <dimension> twice and spends seconds a hundred thousand rows even
    when they are empty; this scan reads the zip-checked XML at C speed so an oversized sheet is refused
    before openpyxl starts. 0 when the sheet cannot be found (openpyxl then says what is wrong).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = _first_sheet_member(archive)
        if member is None or member not in archive.namelist():
            return 0
        count, carry = 0, b""
        with archive.open(member) as sheet:
            while chunk := sheet.read(1024 * 1024):
                text = carry + chunk
                cut = max(0, len(text) - 8)  # a tag cut between chunks is counted with the next chunk
                count += _count_row_tags(text[:cut])
                carry = text[cut:]
        return count + _count_row_tags(carry)


def _count_row_tags(text: bytes) -> int:
    # bytes.count, not a regex: a million matches must cost no more than a scan. A prefixed tag
    # (<x:row ...>) is counted by its suffix.
    return text.count(b"<row ") + text.count(b"<row>") + text.count(b":row ") + text.count(b":row>")


def read_table(data: bytes, filename: str = "", *, max_rows: int | None = None) -> Table:
    """Read CSV or XLSX bytes (chosen by content, not by the file name) into a Table."""
    if not data or not data.strip():
        raise TabularError("The file is empty.")
    if data.startswith(XLSX_MAGIC):
        table = read_xlsx(data, max_rows=max_rows)
    elif filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise TabularError("The file is named as an Excel workbook but is not one. Upload a .xlsx or a .csv.")
    else:
        table = read_csv(data, max_rows=max_rows)
    if not table.rows:  # for workbooks too, not only CSV
        raise TabularError("The file has column names but no rows of data.")
    return table


# A parsed table kept between the steps of an import, so a page view never parses the file again:
# JSON (headers, rows with their numbers, how the file was read) compressed with zlib behind a marker.
_STORED_MARKER = b"newroles-table-1\n"


def stored_table_bytes(table: Table) -> bytes:
    """The table in the compact form kept between the steps of an import."""
    payload = {
        "headers": table.headers, "rows": table.rows, "file_format": table.file_format,
        "encoding": table.encoding, "delimiter": table.delimiter, "notes": table.notes,
    }  # fmt: skip
    return _STORED_MARKER + zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 1)


def stored_table(data: bytes) -> Table | None:
    """A table kept by `stored_table_bytes`, or None when the bytes are not one (a file kept before)."""
    if not data.startswith(_STORED_MARKER):
        return None
    payload = json.loads(zlib.decompress(data[len(_STORED_MARKER) :]))
    rows = [(number, cells) for number, cells in payload.pop("rows")]
    return Table(rows=rows, **payload)


def size_text(size: int) -> str:
    """A file size for people: '820 bytes', '14 KB', '3.2 MB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1_048_576:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1_048_576:.1f} MB"


def too_many_rows_message(limit: int) -> str:
    return (
        f"The file has more than {limit:,} rows (empty rows count too); the limit is {limit:,}. "
        "Delete the empty rows at the end or split it into smaller files."
    )


def too_large_message(size: int, limit: int) -> str:
    return f"The file is {size_text(size)}; the limit is {size_text(limit)}. Split it into smaller files."
