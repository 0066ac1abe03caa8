"""The one error the REFI-QDA library raises for a file it refuses."""

from __future__ import annotations


class RefiError(ValueError):
    """A REFI-QDA file is refused; the message names the file or element and the reason, for the researcher."""
