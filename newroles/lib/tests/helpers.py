"""Helpers for tests of the pure helpers: files built in memory."""

from __future__ import annotations

import io


def xlsx(rows: list[list[object]], *, extra_sheet: bool = False) -> bytes:
    """An Excel workbook built in memory with openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Teams"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notes").append(["ignored"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
