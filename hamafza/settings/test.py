"""Fast settings for the test suite (DATABASE_URL still chooses the database)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HAMAFZA_INGEST_SECRET = "test-ingest-secret"
HAMAFZA_RECONNECT_GRACE_SECONDS = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server answers nginx-rtmp's callbacks from
    # several threads at once, and threads sharing one in-memory database
    # lock each other out ("database table is locked").
    # One per process, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"hamafza-test-{os.getpid()}.sqlite3")
    }
# Private files of the tests: a directory per process, never var/private.
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(tempfile.gettempdir()) / f"hamafza-test-private-{os.getpid()}",
            "base_url": None,
        },
    },
}
