"""gunicorn's settings for `newroles serve`, from NEWROLES_* variables (and the project's `.env`).

See docs/deploy.md. gunicorn restarts its web workers gracefully on SIGHUP (new workers start with the
new code, old ones finish their requests), which is why the application is not preloaded.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings

from newroles.lib.env import env_bool, env_int, env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newroles.settings")
_JSON = settings.LOGGING["formatters"]["json"]  # reading settings loads the .env and fails fast if it is wrong

wsgi_app = "newroles.wsgi:application"
bind = env_str("NEWROLES_BIND", "127.0.0.1:8000").split(",")
workers = env_int("NEWROLES_WEB_WORKERS", 2)
threads = env_int("NEWROLES_WEB_THREADS", 1)
# A request still running after a minute is stuck: long jobs belong to the background worker.
timeout = env_int("NEWROLES_WEB_TIMEOUT", 60)
graceful_timeout = env_int("NEWROLES_STOP_TIMEOUT", 30)
preload_app = False
# The process is managed by signals (newroles serve, systemd); no control socket in the user's home.
control_socket_disable = True
# Only the reverse proxy on this host may set X-Forwarded-For/-Proto for gunicorn (its default, spelt out).
forwarded_allow_ips = env_str("NEWROLES_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
ACCESS_LOG = env_bool("NEWROLES_ACCESS_LOG", True)
# The message of an access line; the fields below carry the rest. The path leaves out the query string,
# which may hold search terms.
access_log_format = "%(m)s %(U)s %(s)s"


class AccessLogFields(logging.Filter):
    """Turn gunicorn's access-log atoms into JSON fields, including the response's request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else {}
        record.method = atoms.get("m", "")
        record.path = atoms.get("U", "")
        record.status = atoms.get("s", "")
        record.bytes = atoms.get("B") or 0
        record.duration_ms = round(int(atoms.get("D") or 0) / 1000, 1)
        record.remote_addr = atoms.get("h", "")
        record.request_id = atoms.get("{x-request-id}o", "") if atoms.get("{x-request-id}o") != "-" else ""
        return True


_ACCESS_FIELDS = " %(method)s %(path)s %(status)s %(bytes)s %(duration_ms)s %(remote_addr)s %(request_id)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "access": {"()": "newroles.gunicorn_conf.AccessLogFields"},
        "request_id": {"()": "newroles.audit.logfilters.RequestIdFilter"},
    },
    "formatters": {
        "json": _JSON,
        "access": {**_JSON, "fmt": _JSON["fmt"] + _ACCESS_FIELDS},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["access"],
            "stream": "ext://sys.stdout",
        },
    },
    # gunicorn merges this over its own defaults key by key, so the root logger is named here too.
    "root": {"level": "WARNING", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        # With a logging dict gunicorn always logs access lines at INFO; the level is the on/off switch.
        "gunicorn.access": {"level": "INFO" if ACCESS_LOG else "WARNING", "handlers": ["access"], "propagate": False},
    },
}
