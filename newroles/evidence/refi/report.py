"""The plain-English list of what a REFI-QDA import could not bring in (`RefiImport.not_imported`)."""

from __future__ import annotations

# kind -> (one, many, why): "2 picture sources (Photo 1, Photo 2) were not imported: <why>."
KINDS: dict[str, tuple[str, str, str]] = {
    "picture": ("picture source", "picture sources", "the product holds text sources only"),
    "audio": ("audio source", "audio sources", "the product holds text sources only (transcripts included)"),
    "video": ("video source", "video sources", "the product holds text sources only (transcripts included)"),
    "pdf": (
        "PDF source without a text representation",
        "PDF sources without a text representation",
        "the product holds text only; export PDFs with their text from the other tool",
    ),
    "pdf_area": (
        "selection of a page area in a PDF",
        "selections of page areas in PDFs",
        "only selections of text can be brought in",
    ),
    "set": ("set", "sets", "the product does not keep sets of codes or sources"),
    "graph": ("graph", "graphs", "the product does not keep graphs (network views)"),
    "link": ("link", "links", "the product does not keep links between items"),
    "source_coding": (
        "coding of a whole source",
        "codings of whole sources",
        "the product codes passages of text, not whole sources",
    ),
    "dangling_coding": (
        "coding of a code that is not in the codebook",
        "codings of codes that are not in the codebook",
        "there is no code to attach them to",
    ),
    "note_selection": (
        "selection inside a memo",
        "selections inside memos",
        "memos are kept as text; selections in them are not",
    ),
    "case_ref": ("reference from a case", "references from cases", "they point to items that were not imported"),
    "foreign": (
        "element from another tool's own extension",
        "elements from other tools' own extensions",
        "they are not part of the REFI-QDA standard",
    ),
}
SHOWN = 10  # names listed in full before "and N more"


class Report:
    """Collects what was left out, grouped by kind, with free-form lines for one-off problems."""

    def __init__(self) -> None:
        self.groups: dict[str, list[str]] = {}
        self.free: list[str] = []

    def add(self, kind: str, name: str) -> None:
        self.groups.setdefault(kind, []).append(name)

    def line(self, text: str) -> None:
        self.free.append(text)

    def foreign(self, elements: list[str]) -> None:
        for element in elements:
            self.add("foreign", element)

    def lines(self) -> list[str]:
        out = []
        for kind, names in self.groups.items():
            one, many, why = KINDS[kind]
            count = len(names)
            distinct = list(dict.fromkeys(names))
            shown = ", ".join(distinct[:SHOWN]) + (
                f" and {len(distinct) - SHOWN} more" if len(distinct) > SHOWN else ""
            )
            label = one if count == 1 else many
            out.append(f"{count} {label} ({shown}) {'was' if count == 1 else 'were'} not imported: {why}.")
        return out + self.free
