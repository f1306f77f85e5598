from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
DEMO_DATA_ALLOWED = True  # the demo tests load demo data; tests/demo checks the refusal with it off
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests call tasks in-process unless a test starts a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "resumes": {"BACKEND": "applicants.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# The cache gets a Redis database of its own, so clearing it between tests never touches Celery's queues.
_redis = urlsplit(REDIS_URL)  # noqa: F405
_cache_db = (int(_redis.path.strip("/") or 0) + 8) % 16
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": urlunsplit(_redis._replace(path=f"/{_cache_db}")),
    }
}

# A replica alias mirroring the test database, unused while DATABASE_REPLICA_URL is empty; tests/test_replica.py
# turns it on and points it at a second database of its own.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_REPLICA_URL = ""
