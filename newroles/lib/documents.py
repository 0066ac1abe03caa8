"""Check an uploaded document's type from its content, and extract its text for search.

Accepted: PDF, DOCX, XLSX, ODT and plain text. The file name's extension is never trusted: a renamed
executable or a corrupt document is refused with a message saying what it is not.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from newroles.lib.zipcheck import ZipCheckError, check_zip, limits_from_settings

ACCEPTED = ("pdf", "docx", "xlsx", "odt", "txt")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",
}
MAX_TEXT = 200_000  # characters of extracted text kept for search
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class DocumentError(ValueError):
    """The upload is not an accepted document; the message is for the person who uploaded it."""


def sniff_type(data: bytes) -> str:
    """The document type from the bytes: pdf, docx, xlsx, odt or txt."""
    if not data:
        raise DocumentError("The file is empty.")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:  # every member is checked before any parser opens the archive (decompression bombs)
            check_zip(data, limits_from_settings(), what="document")
        except ZipCheckError as exc:
            raise DocumentError(str(exc)) from exc
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if (
                    "mimetype" in names
                    and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text"
                ):
                    return "odt"
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise DocumentError("The file looks like a Word, Excel or OpenDocument file but is damaged.") from exc
        raise DocumentError("The file is a zip archive but not a Word (.docx), Excel (.xlsx) or OpenDocument text.")
    if data.startswith((b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        raise DocumentError("The file is a program, not a document. Upload a PDF, DOCX, XLSX, ODT or TXT file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(
            "The file is not a PDF, DOCX, XLSX, ODT or plain-text document (it may be an old .doc or .xls: "
            "save it in a newer format)."
        ) from None
    if _CONTROL.search(text[:65536]):
        raise DocumentError("The file is not a PDF, DOCX, XLSX, ODT or plain-text document.")
    return "txt"


def extract_text(data: bytes, file_type: str) -> str:
    """Text of the document for search. Raises DocumentError when the document cannot be read."""
    try:
        if file_type == "pdf":
            text = _pdf_text(data)
        elif file_type == "docx":
            text = _docx_text(data)
        elif file_type == "xlsx":
            text = _xlsx_text(data)
        elif file_type == "odt":
            text = _odt_text(data)
        else:
            text = data.decode("utf-8-sig")
    except DocumentError:
        raise
    except Exception as exc:  # the parsers raise many types for damaged files; all mean the same to a user
        raise DocumentError(f"The {file_type.upper()} file could not be read: it may be damaged.") from exc
    return re.sub(r"\s+", " ", text).strip()[:MAX_TEXT]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join((page.extract_text() or "") for page in reader.pages[:200])


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(parts)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True, max_row=5000):
            parts.extend(str(v) for v in row if v is not None)
    workbook.close()
    return " ".join(parts)


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    return " ".join(t.strip() for t in root.itertext() if t.strip())
