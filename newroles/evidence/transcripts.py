"""Reading a transcript file into speaker turns: plain text, DOCX (headers and footers too) and WebVTT (Teams).

Pure functions on bytes, no models. Nothing read here is stored as it stands: the turns go through
`pseudonymise.pseudonymise` first, and the file itself is never written anywhere.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024  # a long interview is well under 1 MB of text; 10 MB is generous for a DOCX


class TranscriptError(ValueError):
    """A file that cannot be read as a transcript, with a reason to show."""


@dataclass(frozen=True)
class Turn:
    """One speaker turn: who spoke (as written in the file, perhaps a name) and what they said."""

    speaker: str
    text: str


# "Jane Smith: text", "J1: text", "Interviewer - text"; a speaker label is short and has no sentence in it.
_SPEAKER_LINE = re.compile(r"^\s*(?P<speaker>[A-Za-z][\w .&'’()\-]{0,38}?)\s*[:：]\s+(?P<text>\S.*)$")
_VTT_TIME = re.compile(r"^\s*(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}")
_VTT_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
_TAG = re.compile(r"</?[^>]+>")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), then UTF-16 with a mark, then Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def kind_of(filename: str, data: bytes) -> str:
    """ "txt", "docx" or "vtt", from the content first and the file name second."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if decode_text(data[:64]).lstrip().startswith("WEBVTT") or name.endswith(".vtt"):
        return "vtt"
    if name.endswith((".txt", ".text", ".md")) or not name.rpartition(".")[1]:
        return "txt"
    raise TranscriptError(f"{filename}: a transcript is a .txt, .docx or .vtt file.")


def read_transcript(filename: str, data: bytes) -> list[Turn]:
    """The file's speaker turns, in order; raises TranscriptError with a reason when it cannot be read."""
    if not data:
        raise TranscriptError(f"{filename}: the file is empty.")
    if len(data) > MAX_BYTES:
        raise TranscriptError(f"{filename}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    kind = kind_of(filename, data)
    turns = {"txt": read_txt, "docx": read_docx, "vtt": read_vtt}[kind](data)
    if not turns:
        raise TranscriptError(f"{filename}: no text was found in the file.")
    return turns


def _lines_to_turns(lines: list[str]) -> list[Turn]:
    """Each non-empty line a turn; a line starting 'Speaker:' names its speaker; others continue no one."""
    turns: list[Turn] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        match = _SPEAKER_LINE.match(line)
        if match and len(match["speaker"].split()) <= 4:
            turns.append(Turn(match["speaker"].strip(), match["text"].strip()))
        else:
            turns.append(Turn("", line))
    return turns


def read_txt(data: bytes) -> list[Turn]:
    return _lines_to_turns(decode_text(data).replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def read_docx(data: bytes) -> list[Turn]:
    """Body paragraphs and table cells, and every section's headers and footers (they carry names too)."""
    import docx  # python-docx: loaded only when a DOCX comes in
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TranscriptError(f"The file is not a readable DOCX document ({exc}).") from exc
    turns: list[Turn] = []
    for section in document.sections:
        for part, label in ((section.header, "[header]"), (section.first_page_header, "[header]"),
                            (section.footer, "[footer]"), (section.first_page_footer, "[footer]")):  # fmt: skip
            if part is None or part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                if paragraph.text.strip():
                    turns.append(Turn(label, paragraph.text.strip()))
    turns.extend(_lines_to_turns([p.text for p in document.paragraphs]))
    for table in document.tables:
        for row in table.rows:
            turns.extend(_lines_to_turns([cell.text for cell in row.cells]))
    return turns


def read_vtt(data: bytes) -> list[Turn]:
    """WebVTT cues, `<v Speaker>` voice tags (as Teams writes them) or 'Speaker: ' lines; consecutive cues of
    one speaker join into one turn."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.lstrip().startswith("WEBVTT"):
        raise TranscriptError("A WebVTT file starts with the line WEBVTT.")
    turns: list[Turn] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        times = [i for i, line in enumerate(lines) if _VTT_TIME.match(line)]
        if not times:
            continue  # the header, a NOTE, a STYLE or REGION block
        body = "\n".join(lines[times[0] + 1 :])
        voices = _VTT_VOICE.findall(body)
        pieces = [(s.strip(), _TAG.sub("", t)) for s, t in voices] if voices else []
        if not pieces:
            for turn in _lines_to_turns([_TAG.sub("", line) for line in body.split("\n")]):
                pieces.append((turn.speaker, turn.text))
        for speaker, said in pieces:
            said = " ".join(said.split())
            if not said:
                continue
            if turns and turns[-1].speaker == speaker:
                turns[-1] = Turn(speaker, f"{turns[-1].text} {said}")
            else:
                turns.append(Turn(speaker, said))
    return turns
