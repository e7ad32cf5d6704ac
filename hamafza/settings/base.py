"""Settings read from the environment.

Every deployment-specific value comes from an environment variable with a
safe development default; ``production.py`` removes the defaults that must
never reach a public server.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HAMAFZA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-do-not-deploy")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "hamafza.core",
    "hamafza.accounts",
    "hamafza.directory",
    "hamafza.broadcast",
    "hamafza.followups",
    "hamafza.agreements",
    "hamafza.events",
    "hamafza.fieldops",
    "hamafza.publishing",
    "hamafza.reports",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hamafza.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hamafza.urls"
WSGI_APPLICATION = "hamafza.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hamafza" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hamafza.core.context_processors.preferences",
                "hamafza.accounts.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hamafza.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions. With synchronous=NORMAL
    # a commit does not wait for the disk; the checkpoint that copies the WAL back
    # does (two fsyncs, about 4 ms here), and it runs inside whichever commit crosses
    # wal_autocheckpoint. At 4,000 pages (a WAL of up to 16 MB) rather than SQLite's
    # 1,000, a short write such as the ingest's publish callback meets it 4 times
    # less often: its p99 fell from 8 to 4-5 ms (bench/bench_broadcast.py, decision 7).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=4000; "
            "PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's included (non-key) columns are a PostgreSQL addition; SQLite makes the
# index with its key columns only, which is what we want there (directory's
# directory_org_name_key_search).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "directory:list"
LOGOUT_REDIRECT_URL = "directory:list"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The cache is shared by every process of a machine (the web workers, later the
# worker): invalidations (facets, places, lunar month table) must reach them all.
# Files under var/ need no server; use Redis at scale (docs/operations.md).
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
        ),
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}

# Languages: Persian first. Any language listed here must have a catalogue
# under locale/ and a column in the language tests.
LANGUAGE_CODE = "fa"
LANGUAGES = [
    ("fa", _("Persian")),
    ("ar", _("Arabic")),
    ("en", _("English")),
]
LANGUAGE_COOKIE_NAME = "hamafza_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
HAMAFZA_DEFAULT_TIME_ZONE = os.environ.get("HAMAFZA_DEFAULT_TIME_ZONE", "Asia/Tehran")

# Calendars: the default calendar per language; a user's own choice wins.
HAMAFZA_CALENDAR_BY_LANGUAGE = {"fa": "solar", "ar": "lunar", "en": "gregorian"}
HAMAFZA_CALENDAR_COOKIE_NAME = "hamafza_calendar"
# The lunar Hijri region whose month starts are used when none is chosen.
HAMAFZA_LUNAR_REGION_BY_LANGUAGE = {"fa": "IR", "ar": "IQ", "en": "IR"}

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "hamafza" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/vazirmatn", NODE_MODULES / "vazirmatn"),
    ("vendor/noto-naskh-arabic", NODE_MODULES / "@fontsource" / "noto-naskh-arabic"),
    ("vendor/hls.js", NODE_MODULES / "hls.js" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Files only some users may read (scanned agreements, evidence of progress): outside
# MEDIA_ROOT, so no web server serves them; views check the policy and stream them.
PRIVATE_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: logos are small images; anything larger is refused by the form.
HAMAFZA_LOGO_MAX_BYTES = int(os.environ.get("HAMAFZA_LOGO_MAX_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bulk import (reports): the largest file and the most rows one import takes; an uploaded file
# waits here, bound to its user, between the dry run and the confirmation (a day at most).
HAMAFZA_IMPORT_MAX_BYTES = int(os.environ.get("HAMAFZA_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
HAMAFZA_IMPORT_MAX_ROWS = int(os.environ.get("HAMAFZA_IMPORT_MAX_ROWS", "5000"))
HAMAFZA_IMPORT_DIR = Path(os.environ.get("HAMAFZA_IMPORT_DIR", VAR_DIR / "imports"))

# Background work: django-tasks with the database backend; `manage.py db_worker`
# runs it (the Procfile's worker). At scale, a Redis-backed backend takes its place.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("HAMAFZA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Live ingest (nginx-rtmp) and packaging (ffmpeg). `manage.py ingest_config`
# writes nginx's configuration from these; every address is loopback by default.
HAMAFZA_INGEST_DIR = Path(os.environ.get("HAMAFZA_INGEST_DIR", VAR_DIR / "ingest"))
HAMAFZA_INGEST_RTMP_HOST = os.environ.get("HAMAFZA_INGEST_RTMP_HOST", "127.0.0.1")
HAMAFZA_INGEST_RTMP_PORT = int(os.environ.get("HAMAFZA_INGEST_RTMP_PORT", "1935"))
# The address encoders are told to publish to (a public name in production).
HAMAFZA_INGEST_PUBLIC_URL = os.environ.get(
    "HAMAFZA_INGEST_PUBLIC_URL", f"rtmp://127.0.0.1:{HAMAFZA_INGEST_RTMP_PORT}/live"
)
# nginx's HTTP side: HLS, archive files, the RTMP stat page and control.
HAMAFZA_INGEST_HTTP_HOST = os.environ.get("HAMAFZA_INGEST_HTTP_HOST", "127.0.0.1")
HAMAFZA_INGEST_HTTP_PORT = int(os.environ.get("HAMAFZA_INGEST_HTTP_PORT", "8081"))
# Where nginx-rtmp calls Django back (on_publish and the rest).
HAMAFZA_INGEST_CALLBACK_URL = os.environ.get("HAMAFZA_INGEST_CALLBACK_URL", "http://127.0.0.1:8000")
# Shared secret for the callbacks; the endpoint also refuses non-loopback callers
# unless HAMAFZA_INGEST_ALLOWED_ADDRESSES names them.
HAMAFZA_INGEST_SECRET = os.environ.get("HAMAFZA_INGEST_SECRET", "")
HAMAFZA_INGEST_ALLOWED_ADDRESSES = [
    a for a in os.environ.get("HAMAFZA_INGEST_ALLOWED_ADDRESSES", "127.0.0.1,::1").split(",") if a
]
# Packaging output: live HLS, recordings and the archive, each in its own tree
# (never under an nginx hls_path, whose cleanup deletes recursively).
HAMAFZA_LIVE_DIR = Path(os.environ.get("HAMAFZA_LIVE_DIR", VAR_DIR / "live"))
HAMAFZA_RECORDINGS_DIR = Path(os.environ.get("HAMAFZA_RECORDINGS_DIR", VAR_DIR / "recordings"))
HAMAFZA_ARCHIVE_DIR = Path(os.environ.get("HAMAFZA_ARCHIVE_DIR", VAR_DIR / "archive"))
HAMAFZA_FFMPEG = os.environ.get("HAMAFZA_FFMPEG", "ffmpeg")
HAMAFZA_FFPROBE = os.environ.get("HAMAFZA_FFPROBE", "ffprobe")
HAMAFZA_NGINX = os.environ.get("HAMAFZA_NGINX", "nginx")
HAMAFZA_HLS_SEGMENT_SECONDS = float(os.environ.get("HAMAFZA_HLS_SEGMENT_SECONDS", "1"))
HAMAFZA_HLS_PLAYLIST_SEGMENTS = int(os.environ.get("HAMAFZA_HLS_PLAYLIST_SEGMENTS", "8"))
HAMAFZA_AUDIO_BITRATE = os.environ.get("HAMAFZA_AUDIO_BITRATE", "64k")
# Extra transcoded renditions beside the source copy, e.g. "360,720". Off by default.
HAMAFZA_TRANSCODE_HEIGHTS = [
    int(h) for h in os.environ.get("HAMAFZA_TRANSCODE_HEIGHTS", "").split(",") if h.strip()
]
# Delivery: HLS and archive files come from nginx (or edges in front of it), never
# from Python. Viewers inside HAMAFZA_DOMESTIC_COUNTRIES get the domestic base URL,
# others the international one; the country comes from a header the edge sets.
_DELIVERY_DEFAULT = f"http://{HAMAFZA_INGEST_HTTP_HOST}:{HAMAFZA_INGEST_HTTP_PORT}"
HAMAFZA_DELIVERY_DOMESTIC_URL = os.environ.get("HAMAFZA_DELIVERY_DOMESTIC_URL", _DELIVERY_DEFAULT)
HAMAFZA_DELIVERY_INTERNATIONAL_URL = os.environ.get(
    "HAMAFZA_DELIVERY_INTERNATIONAL_URL", HAMAFZA_DELIVERY_DOMESTIC_URL
)
HAMAFZA_DOMESTIC_COUNTRIES = os.environ.get("HAMAFZA_DOMESTIC_COUNTRIES", "IR").split(",")
HAMAFZA_VIEWER_COUNTRY_HEADER = os.environ.get("HAMAFZA_VIEWER_COUNTRY_HEADER", "X-Viewer-Country")
# Players send a heartbeat this often; a viewer counts for three heartbeats.
HAMAFZA_HEARTBEAT_SECONDS = int(os.environ.get("HAMAFZA_HEARTBEAT_SECONDS", "15"))
# A key not limited to one broadcast feeds the channel's scheduled broadcast
# starting within this many minutes of now; otherwise a new broadcast is opened.
HAMAFZA_SCHEDULE_MATCH_MINUTES = int(os.environ.get("HAMAFZA_SCHEDULE_MATCH_MINUTES", "120"))
# An encoder that reconnects within this many seconds continues the same broadcast;
# the archive is built once it has passed.
HAMAFZA_RECONNECT_GRACE_SECONDS = int(os.environ.get("HAMAFZA_RECONNECT_GRACE_SECONDS", "30"))
HAMAFZA_ARCHIVE_MAX_ATTEMPTS = int(os.environ.get("HAMAFZA_ARCHIVE_MAX_ATTEMPTS", "3"))
HAMAFZA_FFMPEG_TIMEOUT = int(os.environ.get("HAMAFZA_FFMPEG_TIMEOUT", "3600"))
# The archive: a failed build is retried after this many seconds, doubled each time;
# the archive's audio-only file is AAC at this bit rate.
HAMAFZA_ARCHIVE_RETRY_SECONDS = int(os.environ.get("HAMAFZA_ARCHIVE_RETRY_SECONDS", "60"))
HAMAFZA_ARCHIVE_AUDIO_BITRATE = os.environ.get("HAMAFZA_ARCHIVE_AUDIO_BITRATE", "96k")
# `manage.py broadcast_reconcile` (the Procfile's reconcile) queues again an archive item
# waiting this long past its retry, and one processing this long (its worker died; a build
# is given HAMAFZA_FFMPEG_TIMEOUT in all). It ends a live broadcast the ingest no longer
# has once its latest publish is this many seconds old.
HAMAFZA_ARCHIVE_PENDING_STALE_SECONDS = int(
    os.environ.get("HAMAFZA_ARCHIVE_PENDING_STALE_SECONDS", "300")
)
HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS = int(
    os.environ.get("HAMAFZA_ARCHIVE_PROCESSING_STALE_SECONDS", str(HAMAFZA_FFMPEG_TIMEOUT + 600))
)
HAMAFZA_RECONCILE_LIVE_GRACE_SECONDS = int(
    os.environ.get("HAMAFZA_RECONCILE_LIVE_GRACE_SECONDS", "20")
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["hamafza.core.permissions.PolicyPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("HAMAFZA_API_ANON_RATE", "600/minute"),
        "user": os.environ.get("HAMAFZA_API_USER_RATE", "3000/minute"),
    },
    "EXCEPTION_HANDLER": "hamafza.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hamafza API",
    "DESCRIPTION": "The directory of the network's organizations and the data every app shares.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "hamafza.directory.models.OrganizationKind",
        "RelationKindEnum": "hamafza.directory.models.RelationKind",
    },
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "hamafza@localhost")

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HAMAFZA_LOG_LEVEL", "WARNING")},
}

# Agreements and follow-ups ----------------------------------------------------------------
# The address in links that notifications send by e-mail.
HAMAFZA_SITE_URL = os.environ.get("HAMAFZA_SITE_URL", "http://127.0.0.1:8000")
# Uploaded documents (scanned agreements, evidence of progress): the largest accepted.
HAMAFZA_DOCUMENT_MAX_BYTES = int(os.environ.get("HAMAFZA_DOCUMENT_MAX_BYTES", str(10 * 2**20)))
# Reminders (`manage.py reminders_send`, the Procfile's reminders): a decree is
# "expiring soon" this many days before its end; an agreement enters renewal at its
# notice period.
HAMAFZA_APPOINTMENT_EXPIRY_WARNING_DAYS = int(
    os.environ.get("HAMAFZA_APPOINTMENT_EXPIRY_WARNING_DAYS", "60")
)

# Events ---------------------------------------------------------------------------------------
# The domain every iCalendar UID ends with. Set it once for a deployment and keep it: a
# calendar that subscribed to a feed recognises its entries by UID. Empty: the request's host.
HAMAFZA_ICAL_DOMAIN = os.environ.get("HAMAFZA_ICAL_DOMAIN", "")

# Field operations -----------------------------------------------------------------------------
# The map's tiles: a tile server URL template with {z}/{x}/{y} (and optionally {s}). Empty: the
# map draws no base layer (the points, routes and camps still show), as on a machine without
# access to a tile server. Set it to your own tile server or a provider you are allowed to use.
HAMAFZA_MAP_TILE_URL = os.environ.get("HAMAFZA_MAP_TILE_URL", "")
HAMAFZA_MAP_TILE_ATTRIBUTION = os.environ.get(
    "HAMAFZA_MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)

# Following organizations: messengers ----------------------------------------------------------
# Followers linked to a messenger are told through its bot API. Each messenger is off until
# its bot's token is set; the URL is the API's base (change it for a proxy or a local fake).
HAMAFZA_TELEGRAM_TOKEN = os.environ.get("HAMAFZA_TELEGRAM_TOKEN", "")
HAMAFZA_TELEGRAM_URL = os.environ.get("HAMAFZA_TELEGRAM_URL", "https://api.telegram.org")
HAMAFZA_BALE_TOKEN = os.environ.get("HAMAFZA_BALE_TOKEN", "")
HAMAFZA_BALE_URL = os.environ.get("HAMAFZA_BALE_URL", "https://tapi.bale.ai")
HAMAFZA_EITAA_TOKEN = os.environ.get("HAMAFZA_EITAA_TOKEN", "")
HAMAFZA_EITAA_URL = os.environ.get("HAMAFZA_EITAA_URL", "https://eitaayar.ir")
HAMAFZA_RUBIKA_TOKEN = os.environ.get("HAMAFZA_RUBIKA_TOKEN", "")
HAMAFZA_RUBIKA_URL = os.environ.get("HAMAFZA_RUBIKA_URL", "https://botapi.rubika.ir")
# Seconds one call to a messenger may take; a delivery is tried this many times in all.
HAMAFZA_MESSENGER_TIMEOUT = float(os.environ.get("HAMAFZA_MESSENGER_TIMEOUT", "10"))
HAMAFZA_MESSENGER_ATTEMPTS = int(os.environ.get("HAMAFZA_MESSENGER_ATTEMPTS", "5"))
# Followers hear of a public broadcast this many hours before it starts.
HAMAFZA_BROADCAST_NOTICE_HOURS = int(os.environ.get("HAMAFZA_BROADCAST_NOTICE_HOURS", "24"))
