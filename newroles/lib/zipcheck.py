"""Check a zip-based upload (XLSX, DOCX, ODT, a role pack zip) before any parser opens it.

A zip member can inflate a thousandfold: a 1 MB file can hold a gigabyte, and the parsers (openpyxl,
python-docx, calamine, ElementTree) read whole members into memory. `check_zip` refuses an archive with
too many members, too much uncompressed data in all, or a large member compressed far beyond what
real documents compress to. It does not trust the sizes an archive declares: every member is inflated
once, in small chunks, counting what comes out, and must end exactly where its entry says it does; so a
member that claims to be small and is not is refused too, and memory stays at a chunk or two.

Only the methods real documents use (stored and deflated) are read; encrypted members are refused.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 256 * 1024
# Members smaller than this are not held to the ratio: a few hundred kilobytes of repetitive XML
# compress very well in ordinary documents and cannot exhaust memory.
RATIO_FLOOR = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the 30-byte local file header
_END_RECORD = b"PK\x05\x06"
_END_RECORD_64 = b"PK\x06\x06"


class ZipCheckError(ValueError):
    """The archive is refused; the message is written for the person who uploaded it."""


@dataclass(frozen=True)
class ZipLimits:
    """How much a zip-based upload may hold once inflated."""

    max_members: int
    max_total_bytes: int
    max_ratio: int


def limits_from_settings(total_setting: str = "ZIP_MAX_UNCOMPRESSED_BYTES") -> ZipLimits:
    """The configured limits; `total_setting` names the setting for the total (imports differ in size)."""
    from django.conf import settings

    return ZipLimits(
        max_members=settings.ZIP_MAX_MEMBERS,
        max_total_bytes=getattr(settings, total_setting),
        max_ratio=settings.ZIP_MAX_RATIO,
    )


def _size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GB"
    if count >= 1024**2:
        return f"{count / 1024**2:.0f} MB"
    return f"{count / 1024:.0f} KB"


def _declared_members(handle: BinaryIO) -> int | None:
    """The member count the end-of-archive record declares, read before zipfile builds an entry per member."""
    handle.seek(0, io.SEEK_END)
    length = handle.tell()
    handle.seek(max(0, length - 66_000))  # the record is within the last 22 + 65,535 bytes
    tail = handle.read()
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) < at + 22:
        return None
    count = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if count == 0xFFFF:  # zip64: the real count is in the zip64 end record, if it is in the tail
        at64 = tail.rfind(_END_RECORD_64, 0, at)
        if at64 >= 0 and len(tail) >= at64 + 40:
            count = struct.unpack("<Q", tail[at64 + 32 : at64 + 40])[0]
    return count


def check_zip(source: bytes | str | Path | BinaryIO, limits: ZipLimits, *, what: str = "file") -> None:
    """Refuse (ZipCheckError) an archive that is damaged or inflates beyond `limits`; return quietly if fine."""
    if isinstance(source, bytes):
        handle: BinaryIO = io.BytesIO(source)
    elif isinstance(source, str | Path):
        handle = open(source, "rb")  # noqa: SIM115 - closed below
    else:
        handle = source
    try:
        _check(handle, limits, what)
    finally:
        if isinstance(source, str | Path):
            handle.close()


def _check(handle: BinaryIO, limits: ZipLimits, what: str) -> None:
    declared = _declared_members(handle)
    if declared is not None and declared > limits.max_members:
        raise ZipCheckError(_too_many(what, declared, limits))
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ZipCheckError(f"The {what} is damaged: it could not be opened as a zip archive.") from exc
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ZipCheckError(_too_many(what, len(members), limits))
    declared_total = sum(m.file_size for m in members)
    if declared_total > limits.max_total_bytes:
        raise ZipCheckError(_too_big(what, declared_total, limits))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ZipCheckError(
                f"The {what} is password-protected ('{member.filename}'). Upload it without a password."
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ZipCheckError(
                f"The {what} uses a kind of compression this service does not read ('{member.filename}'). "
                "Save it again from the application that made it."
            )
        _check_ratio(member.filename, member.file_size, member.compress_size, limits, what)
        total += _inflated_size(handle, member, limits.max_total_bytes - total, what)
        if total > limits.max_total_bytes:
            raise ZipCheckError(_too_big(what, total, limits))


def _check_ratio(name: str, size: int, compressed: int, limits: ZipLimits, what: str) -> None:
    if size > RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
        raise ZipCheckError(
            f"The {what} looks like a decompression bomb: its part '{name}' would grow from "
            f"{_size(compressed)} to {_size(size)}, more than {limits.max_ratio} times its stored size. "
            "It was not opened."
        )


def _inflated_size(handle: BinaryIO, member: zipfile.ZipInfo, allowance: int, what: str) -> int:
    """Inflate one member in chunks, without keeping the output; its true size, or ZipCheckError."""
    damaged = ZipCheckError(f"The {what} is damaged: its part '{member.filename}' is not what the archive says.")
    handle.seek(member.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != ZIP_MAGIC:
        raise damaged
    fields = _LOCAL_HEADER.unpack(header)
    handle.seek(member.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])  # after name and extra
    remaining = member.compress_size
    if member.compress_type == zipfile.ZIP_STORED:
        if member.file_size != member.compress_size:
            raise damaged
        return member.file_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    pending = b""
    while not inflater.eof:
        if not pending and remaining > 0:
            pending = handle.read(min(CHUNK, remaining))
            if not pending:
                raise damaged  # the archive ends inside the member
            remaining -= len(pending)
        try:
            out = inflater.decompress(pending, CHUNK)
        except zlib.error as exc:
            raise damaged from exc
        pending = inflater.unconsumed_tail
        if not out and not pending and remaining <= 0 and not inflater.eof:
            raise damaged  # the stream does not end where the entry says it does
        produced += len(out)
        if produced > member.file_size:
            raise damaged  # more than declared: a parser trusting the stream would inflate it all
        if produced > allowance:
            return produced  # over the total limit: the caller refuses with that message
    if produced != member.file_size:
        raise damaged
    return produced


def _too_many(what: str, count: int, limits: ZipLimits) -> str:
    return (
        f"The {what} holds {count:,} parts; the limit is {limits.max_members:,}. It was not opened "
        "(an ordinary spreadsheet or document holds a few dozen)."
    )


def _too_big(what: str, size: int, limits: ZipLimits) -> str:
    return (
        f"The {what} would take more than {_size(size)} once unpacked; the limit is "
        f"{_size(limits.max_total_bytes)}. It was not opened: split it into smaller files."
    )
