"""Settings shared by every environment.

Every value comes from the environment (django-environ) with a default that is safe for development.
When `make run` starts the embedded PostgreSQL and Redis it writes their URLs to `.local/services.env`,
which is read here *without* overriding anything already set in the environment.
"""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCAL_DIR = BASE_DIR / ".local"

env = environ.Env()
if (LOCAL_DIR / "services.env").exists():
    environ.Env.read_env(LOCAL_DIR / "services.env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "RxTech Jobs"
# Whether `seed_demo` and `demo_setup` may create demo accounts with their well-known passwords: development
# only. Elsewhere they refuse unless given --allow-production (demo/services/guard.py).
DEMO_DATA_ALLOWED = DEBUG

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "django_filters",
    "django_htmx",
    # Named partials ({% partialdef %}) that a view renders alone as "page.html#name" for htmx; the default
    # app config puts its loader in front of the cached template loaders.
    "template_partials",
    "allauth",
    "allauth.account",
    "jobboard",  # for its template tags (`{% load ui %}` on any page) and `send_test_email`
    "postings",
    "employers",
    "applicants",
    "alerts",
    "demo",
]

# Forms render with the project's templates, so a widget can use one of ours (postings/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    # First: /healthz answers load balancers before the HTTPS redirect and the host check (its docstring).
    "jobboard.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "jobboard.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and CSRF middleware, so it sees the cookies they set (its docstring).
    "jobboard.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Content-Security-Policy on every response (django-csp): scripts, styles and everything else from our own
# origin only; no inline script or style, no plugin, no framing, forms post only to us. JSON-LD blocks are
# data, not scripts, and need no exception. htmx is told not to inject its indicator <style> (the
# htmx-config meta tag in base.html; app.css has those rules instead).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "jobboard.urls"
WSGI_APPLICATION = "jobboard.wsgi.application"

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
                "jobboard.context_processors.site",
                "applicants.context_processors.saved_postings",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/jobboard"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# Search ANDs bitmaps of several indexes; below ~16 MB they turn lossy at a million postings, and every row
# of a lossy page is rechecked by reading its search document. Set per connection, so any PostgreSQL serves.
# JIT compilation pays off for long analytical queries; on a board's short ones it only adds 10-50 ms to those
# the planner prices high (a walk of an index with LIMIT), so it is off for our connections.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c work_mem={env('DATABASE_WORK_MEM', default='32MB')} -c jit=off"
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# A cache, not a dependency: with Redis away every read misses and every write is dropped (jobboard/caching.py),
# so pages are served from PostgreSQL and limits counted in the cache let requests through.
CACHES = {
    "default": {
        "BACKEND": "jobboard.caching.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
}
# Public pages seen by anonymous visitors are kept this long in the cache above, and browsers and proxies may
# keep them as long (docs/caching.md): the most a closed or edited posting can be shown stale. 0: off.
ANONYMOUS_CACHE_SECONDS = env.int("ANONYMOUS_CACHE_SECONDS", default=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes (the production settings serve from there); another folder for a second checkout.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(LOCAL_DIR / "media")))
# Resumes: outside MEDIA_ROOT (which a web server may publish under MEDIA_URL) and served by no URL of
# their own, only through views that check the viewer. Empty means a "private" folder next to MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # public uploads: employers' logos
    "resumes": {"BACKEND": "applicants.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# In development, mail is written to files under .local/mail/ so it can be read without a mail server.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    # django-environ drops the leading slash of filemail:///abs/path; an empty path means .local/mail.
    path = EMAIL_CONFIG.get("EMAIL_FILE_PATH")
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = f"/{path}" if path else str(LOCAL_DIR / "mail")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="RxTech Jobs <jobs@rxtech.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis is the broker; PostgreSQL stays the source of truth for anything that must not be lost.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A task whose worker died (SIGKILL, lost machine) is not acknowledged; Redis hands it out again after the
# visibility timeout. A few minutes, so its work is redone within minutes, and above the longest task's time
# limit (and the longest countdown, APPLICATION_NOTIFY_DELAY_SECONDS), so a running task is not handed out
# twice. Tasks are idempotent anyway: the outbox and the ledgers claim their rows.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=6 * 60),
    # A web request that queues a task while Redis is away gives up quickly: the work is owed in PostgreSQL.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# An email (outbox row or alert delivery) claimed longer ago than this was being sent by a worker that died:
# the sweep sends it again. Well above one SMTP conversation's timeout (30 s).
EMAIL_CLAIM_TIMEOUT_SECONDS = env.int("EMAIL_CLAIM_TIMEOUT_SECONDS", default=3 * 60)
CELERY_BEAT_SCHEDULE = {
    # The outbox: every email still owed (the broker was away, a worker died, a retry is due).
    "send-due-emails": {
        "task": "jobboard.tasks.emails_send_due_task",
        "schedule": env.int("EMAIL_SWEEP_SECONDS", default=60),
    },
    "purge-sent-emails": {"task": "jobboard.tasks.emails_purge_task", "schedule": 24 * 60 * 60},
    "expire-postings": {"task": "postings.tasks.postings_expire_task", "schedule": 15 * 60},
    "flush-posting-views": {"task": "postings.tasks.posting_views_flush_task", "schedule": 5 * 60},
    # Hourly is plenty for a three-day warning; the reminder ledger makes extra runs harmless.
    "remind-expiring-postings": {"task": "postings.tasks.postings_remind_expiring_task", "schedule": 60 * 60},
    # A safety net for the per-application countdown task (lost when Redis was away): any application still
    # unannounced after the batching delay is sent. Cheap when there is none, so as often as the outbox's sweep.
    "notify-employers-of-applications": {
        "task": "applicants.tasks.applications_notify_pending_task",
        "schedule": env.int("EMAIL_SWEEP_SECONDS", default=60),
    },
    # A safety net for the countdown task of bulk decisions: any decision email past its undo window is sent.
    "send-due-decisions": {"task": "applicants.tasks.application_decisions_send_due_task", "schedule": 60},
    "purge-application-resumes": {"task": "applicants.tasks.application_resumes_purge_task", "schedule": 24 * 60 * 60},
    # Job alerts. Digests run hourly and match only the alerts whose own day or week is up; the
    # instant entry is a safety net behind the task each publish enqueues; the ledger makes reruns harmless.
    "alerts-instant": {
        "task": "alerts.tasks.alerts_match_due_task",
        "schedule": 5 * 60,
        "kwargs": {"frequency": "instant"},
    },
    "alerts-daily": {
        "task": "alerts.tasks.alerts_match_due_task",
        "schedule": 60 * 60,
        "kwargs": {"frequency": "daily"},
    },
    "alerts-weekly": {
        "task": "alerts.tasks.alerts_match_due_task",
        "schedule": 60 * 60,
        "kwargs": {"frequency": "weekly"},
    },
    "alerts-deliver-pending": {
        "task": "alerts.tasks.alerts_deliver_pending_task",
        "schedule": env.int("EMAIL_SWEEP_SECONDS", default=60),
    },
    "alerts-purge": {"task": "alerts.tasks.alerts_purge_task", "schedule": 24 * 60 * 60},
    # Saved keywords read again as the search reads them now (a vocabulary change reaches saved alerts).
    "alerts-refresh-keyword-queries": {
        "task": "alerts.tasks.alert_keyword_queries_refresh_task",
        "schedule": 24 * 60 * 60,
    },
    # The words of open postings that "did you mean" suggests from.
    "refresh-search-words": {"task": "postings.tasks.search_words_refresh_task", "schedule": 6 * 60 * 60},
}

POSTING_DEFAULT_DAYS = 30
POSTING_MAX_DAYS = 60

# Accounts (django-allauth). One account per person: a job seeker, an employer member, or both.
# Users sign in by email; the username column stays (Django's User) but is generated and never shown.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "jobboard.accounts.AccountAdapter"
ACCOUNT_USER_DISPLAY = "jobboard.accounts.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link must not confirm the address
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None  # the sign-in form offers "Remember me"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_PREVENT_ENUMERATION = True
# Behind a load balancer, the number of proxies that append to X-Forwarded-For: every rate limit (sign-in,
# reports, alerts, applications ...) then counts the real client, not the balancer (jobboard/ratelimits.py,
# which allauth's adapter uses too).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Counted in the default cache (Redis), so every web process shares the same counters.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # "key" is the account *and* the client's address (jobboard.accounts): five wrong passwords from one
    # address stop that address trying that account, and never lock the owner out from their own.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Forms that write or send mail, limited per signed-in user or else per client address: (count, seconds).
# Over the limit, the form comes back with what was typed and a 429 (jobboard/ratelimits.py).
RATE_LIMITS = {
    "posting_report": (10, 60 * 60),
    "alert_subscribe": (20, 60 * 60),
    "application": (30, 60 * 60),
    "invitation": (30, 60 * 60),
    "posting_import": (20, 60 * 60),
}

# Employers: how long a team invitation and a "still open?" link stay valid.
EMPLOYER_INVITATION_DAYS = 7
POSTING_REMINDER_DAYS_BEFORE = 3
POSTING_REMINDER_LINK_DAYS = 14
# A file uploaded on the dashboard is imported in the request; bigger files go through the command.
IMPORT_UPLOAD_MAX_LINES = 2000
IMPORT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

# Applicants: resumes up to 5 MB; employers hear of new applications in one email per few minutes;
# resumes sent with applications are deleted this many days after the posting closed.
RESUME_MAX_BYTES = 5 * 1024 * 1024
# A .docx is a zip: what it declares unpacked (pictures included) may be at most this (a zip bomb declares GBs).
RESUME_DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024

# Request bodies. The largest a form takes is a 5 MB file (a resume, an import; logos 2 MB), so a body that
# declares more is answered 413 before it is read (jobboard.middleware), whatever the page. Below that,
# fields other than files may take 2.5 MB of memory, and a file over 2.5 MB is spooled to a temporary file.
REQUEST_BODY_MAX_BYTES = max(RESUME_MAX_BYTES, IMPORT_UPLOAD_MAX_BYTES) + 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 5
APPLICATION_NOTIFY_DELAY_SECONDS = env.int("APPLICATION_NOTIFY_DELAY_SECONDS", default=5 * 60)
# Bulk "not selected" emails wait this long, so a slip of the hand can be undone before anyone is told.
DECISION_UNDO_SECONDS = env.int("DECISION_UNDO_SECONDS", default=60)
APPLICATION_RESUME_RETENTION_DAYS = env.int("APPLICATION_RESUME_RETENTION_DAYS", default=180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
CELERY_IMPORTS = ("jobboard.tasks",)


# -- Several hosts (docs/deployment.md) ----------------------------------------------------------------------
# Uploads in an S3 object store when S3_MEDIA_BUCKET is set, so every web and worker host sees the same files:
# logos in a bucket readers may fetch directly (its URLs go into pages: a bucket policy allows public reads),
# resumes in a private bucket (or the same bucket under a private prefix) only ever streamed through the
# views that check the viewer. Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the host's role). Unset (make run), both stay on the local file system.


def object_storages(*, media_bucket: str, resume_bucket: str, **common) -> dict:
    """STORAGES entries for an S3 API store; `common`: endpoint_url, region_name, credentials."""
    common = {**common, "file_overwrite": False}
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": media_bucket,
                "location": env("S3_MEDIA_PREFIX", default="media"),
                "querystring_auth": False,  # plain, cacheable URLs for logos
                "custom_domain": env("S3_MEDIA_DOMAIN", default=None),  # a CDN in front of the bucket
            },
        },
        "resumes": {
            "BACKEND": "applicants.storage.PrivateS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": resume_bucket,
                "location": env("S3_RESUME_PREFIX", default="private"),
                "default_acl": "private",
            },
        },
    }


S3_MEDIA_BUCKET = env("S3_MEDIA_BUCKET", default="")
if S3_MEDIA_BUCKET:
    STORAGES.update(
        object_storages(
            media_bucket=S3_MEDIA_BUCKET,
            resume_bucket=env("S3_RESUME_BUCKET", default=S3_MEDIA_BUCKET),
            endpoint_url=env("S3_ENDPOINT_URL", default=None),  # a non-AWS store (MinIO, Ceph); None: AWS
            region_name=env("S3_REGION", default=None),
        )
    )


def _redis_database(url: str, offset: int) -> str:
    """The same Redis server, `offset` databases further along (redis://host:port/N)."""
    parts = urlsplit(url)
    number = (int(parts.path.strip("/") or 0) + offset) % 16
    return urlunsplit(parts._replace(path=f"/{number}"))


# Redis has two roles. REDIS_URL (and CELERY_BROKER_URL, by default the same) holds what must not be evicted:
# queued tasks, the beat schedule and its lock, view counts waiting to be flushed; run it with
# `maxmemory-policy noeviction`. CACHE_URL holds only what can be recomputed, and may be a separate server
# with an evicting policy (allkeys-lru); by default it is the next database of REDIS_URL's server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CACHE_URL = env("CACHE_URL", default=_redis_database(REDIS_URL, 1))
CACHES["default"]["LOCATION"] = CACHE_URL

# Beat may run on every worker host: redbeat keeps the schedule in Redis and lets one beat at a time send it,
# behind a lock the others wait on; a beat that dies lets another take over once its lock expires. Every
# periodic task is idempotent besides (a ledger, a unique constraint, row locks or an atomic claim), so a
# task sent twice by a slow handover does no harm.
# Ours waits out a Redis outage (jobboard/beat.py), where redbeat's own scheduler ends beat.
CELERY_BEAT_SCHEDULER = "jobboard.beat.ResilientRedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL
CELERY_BEAT_MAX_LOOP_INTERVAL = 30  # how often the beat holding the lock renews it
CELERY_REDBEAT_LOCK_TIMEOUT = 120  # how long the others wait when it stops renewing

# PgBouncer in transaction pooling (DATABASE_POOLED=true): it refuses the `options` startup parameter and hands
# each transaction to any server connection, so session settings and server-side cursors cannot be used. The
# operator sets work_mem and jit for the role instead (docs/deployment.md: ALTER ROLE ... SET).
DATABASE_POOLED = env.bool("DATABASE_POOLED", default=False)

# Reads from a streaming replica (DATABASE_REPLICA_URL, optional): anonymous search, feeds and sitemaps
# (jobboard/db.py decides, request by request). Everything else, and every write, uses the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url_config(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
for _database in DATABASES.values():
    _database["OPTIONS"] = dict(_database.get("OPTIONS", {}))
    if DATABASE_POOLED:
        _database["OPTIONS"].pop("options", None)
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["jobboard.db.ReplicaRouter"]
MIDDLEWARE.append("jobboard.db.ReadYourWritesMiddleware")
# A visitor who just changed something reads from the primary for this long (a cookie), so the replica's lag
# never shows them their own change undone.
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=15)
