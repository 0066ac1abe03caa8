"""Signals the staff record sends for the apps built on it.

The map (mapping) sits above the staff record and shows its figures beside each deployment; the
staff record may not import it. After writing a month's per-role figures it sends `month_counted`,
and the map connects its update in MappingConfig.ready. Sent inside the import's transaction, so a
receiver's writes land with the month or not at all, and an exception in one fails the import.
"""

from __future__ import annotations

from django.dispatch import Signal

# A trust's month of staff-record figures was written (kwargs: extract_import, the current import of
# the month; figures, role id -> {"headcount", "wte", "training"}; actor).
month_counted = Signal()

# A trust decided what one or more titles mean (kwargs: trust; actor). A trust's decisions are one set,
# wherever they are made: the map answers by matching its unmatched local titles again.
titles_decided = Signal()
