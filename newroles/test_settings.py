"""Settings for the test suite: the normal settings with debug-only defaults and tasks run inline."""

import os
import tempfile

# A developer's .env must not change what the tests see (an empty path turns the file off).
os.environ.setdefault("NEWROLES_ENV_FILE", "")
os.environ.setdefault("NEWROLES_DEBUG", "True")
os.environ.setdefault("NEWROLES_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Each test process gets its own files folder. Not setdefault: xdist workers inherit the controller's
# environment, and two workers sharing one folder overwrite each other's uploads (named by row id).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["NEWROLES_VAR_DIR"] = tempfile.mkdtemp(prefix=f"newroles-test-{_worker}-")

from newroles.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
DEBUG = False
DEMO_STAFF_RECORD_BREADTH = False  # its own test (workforce/tests/test_demo_breadth.py) loads it small
PAGE_CACHE = False  # test data made outside the services writes no change record; cache tests turn it on
