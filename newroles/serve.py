"""`newroles serve`: the production server, gunicorn's web workers plus the background job worker.

One process to start, stop and reload (a systemd unit or `make serve`):

- SIGHUP: graceful restart. gunicorn starts new web workers and lets the old ones finish their requests;
  a new job worker starts at once and the old one finishes the job it is running, then exits.
- SIGTERM or SIGINT: graceful stop. Both are asked to finish (gunicorn's graceful timeout; the job worker
  finishes its current job) and are killed after NEWROLES_STOP_TIMEOUT seconds plus a margin.
- A job worker that dies is started again (after a short, growing pause); if gunicorn dies, everything
  stops with its exit code, so the service manager restarts the whole server.

Children run in their own session so a Ctrl-C in a terminal reaches them once, through this process,
not twice (a second signal would make the job worker abandon its job).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

logger = logging.getLogger("newroles.serve")

POLL_SECONDS = 0.2
# A job worker that keeps dying is restarted after 1, 2, 4 … seconds, at most this many; one that ran for
# a while before dying is restarted after a second again.
MAX_RESTART_PAUSE = 30.0
STABLE_SECONDS = 60.0


class Server:
    """Start and supervise gunicorn and the job worker; see the module docstring for the signals."""

    def __init__(self, *, stop_timeout: float) -> None:
        self.stop_timeout = stop_timeout
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.retiring: list[subprocess.Popen[bytes]] = []  # old job workers finishing their job after a reload
        self.worker_started_at = 0.0
        self.restart_pause = 0.5  # doubled when a young worker dies, so the first pause is a second
        self.worker_died_at: float | None = None
        self.stopping = False
        self.reload_requested = False

    def _spawn(self, args: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, *args], start_new_session=True)

    def start_web(self) -> None:
        self.web = self._spawn(["-m", "gunicorn", "--config", "python:newroles.gunicorn_conf"])
        logger.info("web server started", extra={"pid": self.web.pid})

    def start_worker(self) -> None:
        self.worker = self._spawn(["-m", "newroles.cli", "worker", "--no-reload"])
        self.worker_started_at = time.monotonic()
        logger.info("job worker started", extra={"pid": self.worker.pid})

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def request_reload(self, signum: int, frame: FrameType | None) -> None:
        self.reload_requested = True

    def reload(self) -> None:
        self.reload_requested = False
        logger.info("reloading: new web and job workers, old ones finish what they are doing")
        assert self.web is not None
        self.web.send_signal(signal.SIGHUP)
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGTERM)  # graceful: the worker finishes its current job
            self.retiring.append(self.worker)
        self.start_worker()

    def stop(self) -> None:
        logger.info("stopping: web and job workers finish what they are doing")
        children = [p for p in (self.web, self.worker, *self.retiring) if p is not None and p.poll() is None]
        for child in children:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout + 5
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("killing a child that did not stop in time", extra={"pid": child.pid})
                child.kill()
                child.wait()

    def check_worker(self) -> None:
        """Start the job worker again if it died, pausing longer each time it dies young."""
        assert self.worker is not None
        self.retiring = [p for p in self.retiring if p.poll() is None]
        if self.worker.poll() is None:
            return
        now = time.monotonic()
        if self.worker_died_at is None:
            logger.error("the job worker exited", extra={"returncode": self.worker.returncode})
            self.worker_died_at = now
            lived = now - self.worker_started_at
            self.restart_pause = 1.0 if lived > STABLE_SECONDS else min(self.restart_pause * 2, MAX_RESTART_PAUSE)
        elif now - self.worker_died_at >= self.restart_pause:
            self.worker_died_at = None
            self.start_worker()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGHUP, self.request_reload)
        self.start_web()
        self.start_worker()
        while True:
            time.sleep(POLL_SECONDS)
            if self.stopping:
                self.stop()
                return 0
            if self.reload_requested:
                self.reload()
            assert self.web is not None
            if self.web.poll() is not None:
                logger.error("the web server exited; stopping", extra={"returncode": self.web.returncode})
                self.stop()
                return self.web.returncode or 1
            self.check_worker()


def main() -> int:
    """Check the settings (loading the .env), then run the server until it is stopped."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newroles.settings")
    import django

    django.setup()  # configures logging as the web workers do, and fails fast on bad settings
    from newroles.lib.env import env_int

    logger.setLevel(logging.INFO)  # starts, stops and restarts belong in the log whatever the level

    return Server(stop_timeout=env_int("NEWROLES_STOP_TIMEOUT", 30)).run()


if __name__ == "__main__":
    sys.exit(main())
