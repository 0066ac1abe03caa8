"""Hostile zip files built in memory for tests: members that inflate to a gigabyte from a megabyte.

The inflated data is never held in memory: a deflate block of 1 MiB of spaces is compressed once and
repeated (after a full flush each block stands alone), so a 1 GiB member costs about 1 MB to build.
Archives are written by hand so a member's declared size can also lie about what it inflates to.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MIB = 1024 * 1024
_BLOCK_INPUT = b" " * MIB


def _block() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(_BLOCK_INPUT) + compressor.flush(zlib.Z_FULL_FLUSH)


_BLOCK = _block()
_END = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()  # an empty final block


@functools.cache
def _spaces_crc(mebibytes: int) -> int:
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(_BLOCK_INPUT, crc)
    return crc


@dataclass
class Member:
    """One archive member: raw deflate data, the CRC and size it really has, and the size it declares."""

    name: str
    data: bytes
    crc: int
    size: int
    declared_size: int | None = None
    method: int = zipfile.ZIP_DEFLATED


def plain(name: str, content: bytes | str, *, stored: bool = False) -> Member:
    raw = content.encode() if isinstance(content, str) else content
    if stored:
        return Member(name, raw, zlib.crc32(raw), len(raw), method=zipfile.ZIP_STORED)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Member(name, compressor.compress(raw) + compressor.flush(), zlib.crc32(raw), len(raw))


def spaces(name: str, mebibytes: int, *, declared_mebibytes: int | None = None) -> Member:
    """A member of `mebibytes` MiB of spaces, about 1 KB stored per MiB; optionally declaring another size
    (with the CRC of what it declares, so a reader that stops at the declared size finds nothing wrong)."""
    declared = mebibytes if declared_mebibytes is None else declared_mebibytes
    return Member(name, _BLOCK * mebibytes + _END, _spaces_crc(declared), mebibytes * MIB, declared * MIB)


def build(members: list[Member]) -> bytes:
    """A zip archive of the members, written by hand (no zip64: every size stays under 4 GiB)."""
    out = io.BytesIO()
    central = []
    for m in members:
        offset = out.tell()
        name = m.name.encode()
        size = m.size if m.declared_size is None else m.declared_size
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, m.method, 0, 0x21, m.crc, len(m.data), size,
                              len(name), 0))  # fmt: skip
        out.write(name)
        out.write(m.data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                m.method,
                0,
                0x21,
                m.crc,
                len(m.data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), out.tell() - start, start, 0))
    return out.getvalue()


def odt_bomb(mebibytes: int = 1024) -> bytes:
    """An OpenDocument text whose content.xml inflates to `mebibytes` MiB (1 GiB from about 1 MB)."""
    return build([plain("mimetype", "application/vnd.oasis.opendocument.text", stored=True),
                  spaces("content.xml", mebibytes)])  # fmt: skip


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(archive: bytes, extra: Member) -> bytes:
    """A copy of a real archive with one more (or one replaced) member."""
    members = []
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        for info in source.infolist():
            if info.filename != extra.name:
                members.append(plain(info.filename, source.read(info)))
    return build([*members, extra])


def xlsx_bomb(mebibytes: int = 1024, part: str = "xl/sharedStrings.xml") -> bytes:
    """A real small workbook plus a part that inflates to `mebibytes` MiB."""
    return with_member(xlsx_bytes([["Name", "Service type"], ["Team A", "community"]]), spaces(part, mebibytes))


def blank_rows_xlsx(rows: int = 1_048_575, header: tuple[str, ...] = ("Name", "Service type")) -> bytes:
    """A workbook with a header row and `rows` rows whose only cell is a space (8-9 MB for Excel's maximum).

    The sheet XML is written to the archive in chunks, so the ~70 MB of XML is never held at once.
    """
    template = xlsx_bytes([list(header)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, source.read(info))
                continue
            xml = source.read(info).decode()
            head, tail = xml.split("</sheetData>")
            with out.open(info.filename, "w") as sheet:
                sheet.write(head.encode())
                for start in range(2, rows + 2, 10_000):
                    sheet.write("".join(
                        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>'
                        for n in range(start, min(start + 10_000, rows + 2))
                    ).encode())  # fmt: skip
                sheet.write(("</sheetData>" + tail).encode())
    return buffer.getvalue()
