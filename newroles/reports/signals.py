"""Hearing from the evidence app when a participant withdraws consent: their quotes leave every snapshot."""

from __future__ import annotations

from typing import Any

from newroles.accounts import policy
from newroles.reports import services


def participant_withdrawn(sender: Any, participant_code: str = "", quote_ids: Any = (), **kwargs: Any) -> None:
    """Receiver for `newroles.evidence.signals.participant_withdrawn`: redact the quotes, as the system."""
    services.redact_withdrawn(actor=policy.SYSTEM, quote_ids=list(quote_ids or ()), participant_code=participant_code)


def connect_evidence() -> bool:
    """Connect the receiver when the evidence app provides the signal; False when it does not (yet)."""
    try:
        from newroles.evidence.signals import participant_withdrawn as signal  # type: ignore[import-not-found]
    except ImportError:
        return False
    signal.connect(participant_withdrawn, dispatch_uid="reports.redact_withdrawn")
    return True
