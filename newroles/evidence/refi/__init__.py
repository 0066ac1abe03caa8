"""REFI-QDA 1.5 exchange: codebooks (`.qdc`) and projects (`.qdpx`) to and from NVivo, ATLAS.ti, MAXQDA, QualCoder.

Pure Python over plain dataclasses (`model`); no Django models. `write_qdc`/`write_qdpx` make files valid against
the official Codebook.xsd/Project.xsd; `read_qdc`/`read_qdpx` return a `RefiImport` (the project and a list of what
could not be brought in) or raise `RefiError`. Selection positions count Unicode code points (see `reader`).
"""

from newroles.evidence.refi.errors import RefiError
from newroles.evidence.refi.model import (
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    RefiImport,
    canonical_guid,
    new_guid,
)
from newroles.evidence.refi.reader import read_qdc, read_qdpx
from newroles.evidence.refi.writer import write_qdc, write_qdpx

__all__ = [
    "QdaCase",
    "QdaCode",
    "QdaCoding",
    "QdaNote",
    "QdaProject",
    "QdaSelection",
    "QdaSource",
    "QdaUser",
    "QdaVariable",
    "RefiError",
    "RefiImport",
    "canonical_guid",
    "new_guid",
    "read_qdc",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]
