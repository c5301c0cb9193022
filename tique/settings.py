"""The one settings module. Everything a deployment changes comes from TIQUE_* variables
(and DATABASE_URL); the defaults give a working SQLite demo with no set-up."""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tique.core.env import env_bool, env_choice, env_int, env_list, env_required, env_str

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TIQUE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("TIQUE_DEBUG", True)
# Only ever used with DEBUG on; production refuses to start without TIQUE_SECRET_KEY.
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-8c1f"  # noqa: S105
SECRET_KEY = env_str("TIQUE_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("TIQUE_SECRET_KEY must be set when TIQUE_DEBUG is off")

ALLOWED_HOSTS = env_list("TIQUE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TIQUE_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("TIQUE_SITE_NAME", "Tique")

INSTALLED_APPS = [
    "tique.core.admin_site.TiqueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "tique.core",
    "tique.accounts",
    "tique.tickets",
    "tique.mail",
    "tique.sla",
    "tique.webhooks",
    "tique.kb",
    "tique.satisfaction",
    "tique.portal",
    "tique.desk",
    "tique.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tique.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tique.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "tique.urls"
WSGI_APPLICATION = "tique.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tique.core.context_processors.site",
                "tique.core.context_processors.staff",
                "tique.portal.context.portal_context",
            ],
        },
    },
]
# Django's renderer with plain inputs written in Python (see tique.core.forms.Renderer).
FORM_RENDERER = "tique.core.forms.Renderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("TIQUE_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
    # failing with "database is locked"; WAL lets readers run beside one writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sign-in and password reset attempts allowed per client and per e-mail in a window.
TIQUE_AUTH_RATE_LIMIT = env_int("TIQUE_AUTH_RATE_LIMIT", 10, minimum=1)
TIQUE_AUTH_RATE_WINDOW = env_int("TIQUE_AUTH_RATE_WINDOW", 15 * 60, minimum=1)

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tique.formats"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are served only by a view that checks
# who may see them; there is deliberately no MEDIA_URL.
MEDIA_ROOT = Path(env_str("TIQUE_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

TIQUE_ATTACHMENT_MAX_BYTES = env_int("TIQUE_ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
TIQUE_ATTACHMENT_MAX_FILES = env_int("TIQUE_ATTACHMENT_MAX_FILES", 10, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The REST API: requests per window for each token (or signed-in user), and the largest
# JSON body (uploads are limited by TIQUE_ATTACHMENT_MAX_MB).
TIQUE_API_RATE_LIMIT = env_int("TIQUE_API_RATE_LIMIT", 600, minimum=1)
TIQUE_API_RATE_WINDOW = env_int("TIQUE_API_RATE_WINDOW", 60, minimum=1)
TIQUE_API_MAX_BODY_BYTES = env_int("TIQUE_API_MAX_BODY_KB", 512, minimum=1) * 1024
TIQUE_TICKETS_PER_PAGE = env_int("TIQUE_TICKETS_PER_PAGE", 25, minimum=5)
# Minutes before an SLA target's due time at which the assignee is warned.
TIQUE_SLA_WARN_MINUTES = env_int("TIQUE_SLA_WARN_MINUTES", 30, minimum=1)

EMAIL_BACKEND = env_str(
    "TIQUE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("TIQUE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TIQUE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TIQUE_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("TIQUE_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TIQUE_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("TIQUE_DEFAULT_FROM_EMAIL", "Tique <ayuda@tique.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The support mailbox customers write to; replies go to its plus-address with the
# ticket's token (ayuda+10045-…@…).
TIQUE_SUPPORT_ADDRESS = env_str("TIQUE_SUPPORT_ADDRESS", DEFAULT_FROM_EMAIL)
# A reply naming a ticket its sender may not see: "quarantine" it, or open a "new_ticket"
# for the sender (who is told nothing of the other ticket).
TIQUE_MAIL_FOREIGN_REPLY = env_choice(
    "TIQUE_MAIL_FOREIGN_REPLY", "quarantine", ("quarantine", "new_ticket")
)
# A new e-mail from an address with no account: "quarantine" it (the unknown senders'
# queue supervisors look at), or "reject" it with a polite answer (a few per hour).
TIQUE_MAIL_UNKNOWN_SENDERS = env_choice(
    "TIQUE_MAIL_UNKNOWN_SENDERS", "quarantine", ("quarantine", "reject")
)
# Automatic acknowledgements of e-mailed tickets one sender may get per hour.
TIQUE_MAIL_ACK_LIMIT = env_int("TIQUE_MAIL_ACK_LIMIT", 5, minimum=1)

# --- Background tasks and outbound mail (tique.mail) -------------------------------
# Tasks are triggers only: the work and its state live in our own tables (the outbox),
# so a lost task is swept up by `manage.py run_scheduler`. "database" needs a worker
# (`manage.py db_worker`); "immediate" runs each task at once, in the process that
# enqueues it (after the commit): the default with debug on, so `make run` needs none.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("TIQUE_TASKS_BACKEND", "immediate" if DEBUG else "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TIQUE_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_task_backend!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# Links in e-mails point here (no trailing slash).
TIQUE_SITE_URL = env_str("TIQUE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Days the "how did we do?" links of the solved-ticket e-mail work without signing in.
TIQUE_RATING_LINK_DAYS = env_int("TIQUE_RATING_LINK_DAYS", 14, minimum=1)
# The right-hand side of our Message-IDs (<ticket-10001@domain>); the sender's domain.
TIQUE_MAIL_DOMAIN = env_str(
    "TIQUE_MAIL_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" <>") or "localhost"
)
# Tries (backing off 1, 2, 4… minutes, at most an hour apart) before an e-mail is given up.
TIQUE_MAIL_MAX_ATTEMPTS = env_int("TIQUE_MAIL_MAX_ATTEMPTS", 8, minimum=1)
# Seconds an SMTP conversation may block; well under the sender's ten-minute lease.
EMAIL_TIMEOUT = env_int("TIQUE_EMAIL_TIMEOUT", 30, minimum=1)

# --- Outbound webhooks (tique.webhooks) ----------------------------------------------
# Receivers on private, loopback, link-local or otherwise reserved addresses are refused
# (SSRF guard) unless this is on: for a receiver inside the provider's own network.
TIQUE_WEBHOOKS_ALLOW_PRIVATE = env_bool("TIQUE_WEBHOOKS_ALLOW_PRIVATE", False)
# Tries (backing off 1, 2, 4… minutes, at most an hour apart) before a delivery is given up.
TIQUE_WEBHOOK_MAX_ATTEMPTS = env_int("TIQUE_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
# Deliveries given up in a row before a subscription is disabled.
TIQUE_WEBHOOK_DISABLE_AFTER = env_int("TIQUE_WEBHOOK_DISABLE_AFTER", 10, minimum=1)
# Seconds a receiver may take to accept the connection, and between bytes of its answer.
TIQUE_WEBHOOK_TIMEOUT = env_int("TIQUE_WEBHOOK_TIMEOUT", 10, minimum=1)

# Support mailboxes polled over IMAP by the scheduler (`manage.py poll_mail`): a
# comma-separated list of names, each configured by TIQUE_IMAP_<NAME>_HOST, _PORT, _USER,
# _PASSWORD, _FOLDER, _SECURITY and _PROCESSED_FOLDER. None (the default): no polling.
_IMAP_SECURITY = ("ssl", "starttls", "none")


def _mailbox_kind(name: str) -> str:
    """`category:slug` of the catalogue entry a mailbox's new tickets become."""
    value = env_str(name, "query:technical").strip()
    category, _colon, slug = value.partition(":")
    if category not in {"query", "request", "incident"} or not slug:
        raise ImproperlyConfigured(f"{name} must be like query:technical, not {value!r}")
    return value


def _imap_mailboxes() -> list[dict[str, object]]:
    mailboxes: list[dict[str, object]] = []
    for name in env_list("TIQUE_IMAP_MAILBOXES", []):
        key = name.upper()
        if not key.replace("_", "").isalnum() or not key.isascii():
            raise ImproperlyConfigured(
                f"TIQUE_IMAP_MAILBOXES: {name!r} is not a valid name (letters, digits, _)"
            )
        if any(mailbox["name"] == key.lower() for mailbox in mailboxes):
            raise ImproperlyConfigured(f"TIQUE_IMAP_MAILBOXES names {name!r} twice")
        prefix = f"TIQUE_IMAP_{key}_"
        security = env_choice(f"{prefix}SECURITY", "ssl", _IMAP_SECURITY)
        folders = {
            "folder": env_str(f"{prefix}FOLDER", "INBOX").strip() or "INBOX",
            "processed_folder": env_str(f"{prefix}PROCESSED_FOLDER", "").strip(),
        }
        for setting, folder in folders.items():
            if not folder.isascii() or not folder.isprintable():
                raise ImproperlyConfigured(
                    f"{prefix}{setting.upper()} must be printable ASCII, not {folder!r}"
                )
        if folders["processed_folder"] == folders["folder"]:
            raise ImproperlyConfigured(f"{prefix}PROCESSED_FOLDER must differ from the folder")
        mailboxes.append(
            {
                "name": key.lower(),
                "host": env_required(f"{prefix}HOST").strip(),
                "port": env_int(f"{prefix}PORT", 993 if security == "ssl" else 143, minimum=1),
                "user": env_required(f"{prefix}USER"),
                "password": env_required(f"{prefix}PASSWORD"),
                "security": security,
                "kind": _mailbox_kind(f"{prefix}KIND"),
                **folders,
            }
        )
    return mailboxes


TIQUE_IMAP_MAILBOXES = _imap_mailboxes()
# Seconds an IMAP conversation may block; messages read per mailbox and poll.
TIQUE_IMAP_TIMEOUT = env_int("TIQUE_IMAP_TIMEOUT", 30, minimum=1)
TIQUE_IMAP_BATCH = env_int("TIQUE_IMAP_BATCH", 200, minimum=1)

# Redis when configured (rate limits and cache shared by every app process); memory
# otherwise, which is right for one process only.
REDIS_URL = env_str("TIQUE_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("TIQUE_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("TIQUE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP, behind the TLS they end.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("TIQUE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TIQUE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("TIQUE_HSTS_PRELOAD", True)
    if env_bool("TIQUE_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TIQUE_LOG_LEVEL", "INFO")},
}
