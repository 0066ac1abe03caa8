"""Signals the catalogue sends for the apps built on it.

The catalogue sits below the staff record (workforce) and the map, so it may not call them; when a
change to the catalogue matters to them, it sends a signal and they connect to it in their
AppConfig.ready. A plain Django signal rather than a registry of our own: the receivers are few and
need nothing but the call.
"""

from __future__ import annotations

from django.dispatch import Signal

# A curator approved a trust's proposed title as a national alias (kwargs: alias, actor). Every
# trust's staff-record titles may now resolve differently, so the staff record recounts them.
national_alias_approved = Signal()
