"""Signals the evidence sends to the apps above it (reports), which must not be imported from here."""

from django.dispatch import Signal

# Sent inside the withdrawal's transaction, after the participant's sources, segments and quotes are deleted.
# Arguments: participant_code (str), quote_ids (list[int]: the deleted quotes, published or not), so a receiver
# can flag frozen snapshots that quoted them and redact the quote text.
participant_withdrawn = Signal()
