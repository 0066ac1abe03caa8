"""Put the request id on every log record, so a log line, an audit record and a response tie together.

The id is the one RequestIdMiddleware gives each request (and echoes as `X-Request-ID`); outside a request
(the worker, the CLI) the field is empty.
"""

from __future__ import annotations

import logging

from newroles.audit.context import request_id_var


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True
