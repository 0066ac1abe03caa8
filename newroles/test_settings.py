"""Settings for the test suite: the normal settings with debug-only defaults and tasks run inline."""

import os
import tempfile

os.environ.setdefault("NEWROLES_DEBUG", "True")
os.environ.setdefault("NEWROLES_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("NEWROLES_VAR_DIR", tempfile.mkdtemp(prefix="newroles-test-"))

from newroles.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
DEBUG = False
