"""Reading a staff-record extract with polars, touching only the columns the import needs.

An extract carries personal data (names, dates of birth, NI numbers, assignment numbers). The import
never reads those columns: headers that name personal data are found from the header row, and when a
file is opened for mapping a sample of the other columns' values (`SAMPLE_SIZE` rows) is looked at
once, so a column of names or NI numbers under an innocent header ("Employee", "NI") is found too; the
values are dropped at once and only the column's name and the reason are kept. After that polars is
asked for the mapped columns only (`read_columns`), so the other columns are skipped by the parser and
never become values in memory. The one exception is the assignment number, when mapped: it is read to
count duplicated assignments, hashed at once and dropped (`pipeline.py`).

CSV in UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark or Windows-1252
(transcoded to a temporary UTF-8 copy first, since polars reads UTF-8 only); XLSX through polars'
calamine engine (fastexcel). Separators: comma, semicolon or tab.

Pure Python and polars (the zip limits are read from Django's settings): the importer, the CLI and the
benchmark share it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from newroles.lib.personal import SAMPLE_SIZE, looks_personal, personal_values_reason
from newroles.lib.tabular import (
    CELL_CONTROL,
    XLSX_MAGIC,
    TabularError,
    check_headers,
    control_character_message,
    normalise_header,
    sniff_delimiter,
)
from newroles.lib.zipcheck import ZipCheckError, check_zip, limits_from_settings

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 8 * 1024 * 1024


class ExtractError(ValueError):
    """The file cannot be read as an extract; the message is written for the person who uploaded it."""


# --------------------------------------------------------------------------------------------------
# Personal-data columns
# --------------------------------------------------------------------------------------------------

# Which headers name personal data, and which values look like it, is decided in lib/personal.py
# (`looks_personal`, `personal_values_reason`), shared by every import.


_ASSIGNMENT_HEADERS = frozenset(
    {"assignment", "assignmentnumber", "assignmentno", "assignmentnum", "assignmentid", "assignmentref", "asgnno"}
)


def is_assignment_header(header: str) -> bool:
    """An assignment number column: personal, but read (and hashed at once) to count duplicates."""
    return normalise_header(header) in _ASSIGNMENT_HEADERS


# --------------------------------------------------------------------------------------------------
# Opening a file
# --------------------------------------------------------------------------------------------------


@dataclass
class ExtractFile:
    """An extract on disk, ready to read: its format, headers and, for CSV, how to parse it.

    `read_path` differs from `path` when the CSV had to be transcoded to UTF-8; `temporary_paths`
    lists files made on the way, which `cleanup()` deletes (the original is the caller's to delete).
    """

    path: Path
    file_format: str  # "CSV" or "XLSX"
    headers: list[str]
    read_path: Path
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    temporary_paths: list[Path] = field(default_factory=list)
    # Columns whose header looks harmless but whose sampled values look personal: header -> what they look like.
    personal_by_content: dict[str, str] = field(default_factory=dict)
    # The first rows of the columns that are not personal, for the mapping page (taken with the sample).
    preview: list[dict[str, str]] = field(default_factory=list)

    def personal_headers(self) -> list[str]:
        return [h for h in self.headers if looks_personal(h) or h in self.personal_by_content]

    def cleanup(self) -> None:
        for path in self.temporary_paths:
            path.unlink(missing_ok=True)
        self.temporary_paths.clear()


def _check_headers(headers: Sequence[str]) -> list[str]:
    try:
        return check_headers(headers)
    except TabularError as exc:
        raise ExtractError(str(exc)) from exc


def _transcode(source: Path, encoding: str) -> Path:
    """Write a UTF-8 copy of a text file, chunk by chunk (an extract can be hundreds of megabytes)."""
    target = source.with_name(source.name + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(source, "rb") as reader, open(target, "w", encoding="utf-8", newline="") as writer:
            while chunk := reader.read(CHUNK_BYTES):
                writer.write(decoder.decode(chunk))
            writer.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        target.unlink(missing_ok=True)
        raise ExtractError(
            f"The file could not be read as UTF-8 or Windows-1252 text (a byte near position {exc.start + 1:,} is "
            "not valid in either). Save it as 'CSV UTF-8' and upload it again."
        ) from exc
    return target


def _first_line(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read(HEAD_BYTES)
    return text


def open_extract(path: str | Path, filename: str = "", *, sample: bool = True) -> ExtractFile:
    """Check a file is a readable extract, read its header row and (with `sample`) look at a sample of the
    values of the columns whose headers look harmless, for personal data and a preview. Raises ExtractError."""
    extract = _open(Path(path), filename)
    if sample:
        try:
            _sample(extract)
        except ExtractError:
            extract.cleanup()
            raise
    return extract


PREVIEW_ROWS = 5


def _sample(extract: ExtractFile) -> None:
    """Find personal data by content in the first SAMPLE_SIZE rows and keep a preview of the other columns."""
    harmless = [h for h in extract.headers if not looks_personal(h)]
    if not harmless:
        return
    frame = read_columns(extract, {h: h for h in harmless}, n_rows=SAMPLE_SIZE)
    for header in harmless:
        reason = personal_values_reason(frame.get_column(header).to_list())
        if reason:
            extract.personal_by_content[header] = reason
    shown = [h for h in harmless if h not in extract.personal_by_content]
    extract.preview = [
        {h: ("" if row[h] is None else str(row[h])) for h in shown}
        for row in frame.head(PREVIEW_ROWS).iter_rows(named=True)
    ]


def _open(path: Path, filename: str) -> ExtractFile:
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise ExtractError(f"The file could not be opened ({exc.strerror}).") from exc
    if size == 0 or not head.strip():
        raise ExtractError("The file is empty.")
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(path)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ExtractError("The file is named as an Excel workbook but is not one. Upload a .xlsx or a .csv.")
    return _open_csv(path, head)


def _open_csv(path: Path, head: bytes) -> ExtractFile:
    extract = ExtractFile(path, "CSV", [], path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        extract.read_path = _transcode(path, "utf-16")
        extract.temporary_paths.append(extract.read_path)
        extract.encoding = "UTF-16"
    elif b"\x00" in head:
        raise ExtractError(
            "This file is not readable text: it looks like a binary file or text in an unsupported encoding "
            "(save it as CSV UTF-8 or as an Excel .xlsx workbook)."
        )
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
            extract.encoding = "UTF-8"
        except UnicodeDecodeError:
            extract.read_path = _transcode(path, "cp1252")
            extract.temporary_paths.append(extract.read_path)
            extract.encoding = "Windows-1252"
    text = _first_line(extract.read_path).lstrip("\ufeff")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text):
        extract.cleanup()
        raise ExtractError(
            "The file contains control characters, so it is probably not a CSV file or is in an unsupported "
            "encoding. Save it as 'CSV UTF-8' or as an Excel .xlsx workbook."
        )
    extract.delimiter = sniff_delimiter(text)
    try:
        header_row = pl.read_csv(
            extract.read_path, separator=extract.delimiter, n_rows=0, infer_schema=False, truncate_ragged_lines=True
        ).columns
    except pl.exceptions.PolarsError as exc:
        extract.cleanup()
        raise ExtractError(f"The CSV header row could not be read ({_short(exc)}).") from exc
    try:
        extract.headers = _check_headers(header_row)
    except ExtractError:
        extract.cleanup()
        raise
    return extract


def _open_xlsx(path: Path) -> ExtractFile:
    import fastexcel

    try:  # every member is checked before calamine opens the workbook (decompression bombs)
        check_zip(path, limits_from_settings("WORKFORCE_ZIP_MAX_UNCOMPRESSED_BYTES"), what="Excel workbook")
    except ZipCheckError as exc:
        raise ExtractError(str(exc)) from exc
    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(0, n_rows=0)
        headers = [column.name for column in sheet.available_columns()]
    except Exception as exc:  # fastexcel raises its own error types for broken workbooks
        raise ExtractError("The file could not be opened as an Excel .xlsx workbook.") from exc
    # calamine names unnamed columns "__UNNAMED__n"; they are empty columns, not data.
    headers = [h for h in headers if not h.startswith("__UNNAMED__")]
    extract = ExtractFile(path, "XLSX", _check_headers(headers), path)
    if len(reader.sheet_names) > 1:
        extract.notes.append(f"Only the first sheet ('{reader.sheet_names[0]}') was read.")
    return extract


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def read_columns(extract: ExtractFile, columns: Mapping[str, str], *, n_rows: int | None = None) -> pl.DataFrame:
    """Read only `columns` (field name -> header), as text, renamed to the field names.

    Every other column, personal or not, is skipped by the parser: projection happens inside polars,
    so those cells never become values.
    """
    headers = list(dict.fromkeys(columns.values()))
    missing = [h for h in headers if h not in extract.headers]
    if missing:
        raise ExtractError(f"The file has no column called {', '.join(repr(m) for m in missing)}.")
    try:
        if extract.file_format == "XLSX":
            frame = pl.read_excel(
                extract.read_path,
                engine="calamine",
                sheet_id=1,
                columns=headers,
                read_options={"dtypes": "string", **({"n_rows": n_rows} if n_rows is not None else {})},
                drop_empty_rows=True,
                raise_if_empty=False,
            )
        else:
            frame = (
                pl.scan_csv(
                    extract.read_path,
                    separator=extract.delimiter or ",",
                    infer_schema=False,
                    truncate_ragged_lines=True,
                    n_rows=n_rows,
                    raise_if_empty=False,
                )
                .select(headers)
                .collect()
            )
    except pl.exceptions.PolarsError as exc:
        raise ExtractError(f"The file could not be read ({_short(exc)}).") from exc
    except Exception as exc:  # calamine errors on a corrupt sheet surface as fastexcel exceptions
        if extract.file_format != "XLSX":
            raise
        raise ExtractError(f"The workbook could not be read ({_short(exc)}).") from exc
    _check_cells(frame)
    return frame.select([pl.col(header).alias(name) for name, header in columns.items()])


def _check_cells(frame: pl.DataFrame) -> None:
    """Refuse control characters in any cell read (NUL bytes would otherwise reach the stored titles)."""
    for header in frame.columns:
        column = frame.get_column(header)
        found = column.str.contains(CELL_CONTROL)
        if found.any():
            index = int(found.arg_true()[0])
            # Rows count from the header row as 1; empty rows the reader skipped are not counted.
            raise ExtractError(control_character_message(index + 2, header, str(column[index])))


def read_preview(extract: ExtractFile, headers: Iterable[str], rows: int = 5) -> list[dict[str, str]]:
    """The first rows of the given (non-personal) columns, for the mapping page."""
    personal = set(extract.personal_headers())
    wanted = [h for h in headers if h in extract.headers and h not in personal]
    if not wanted:
        return []
    frame = read_columns(extract, {h: h for h in wanted}, n_rows=rows)
    return [{h: ("" if v is None else str(v)) for h, v in row.items()} for row in frame.iter_rows(named=True)]
