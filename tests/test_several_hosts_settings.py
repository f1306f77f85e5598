"""Settings for several hosts: PgBouncer-safe database options, the cache and the broker apart, beat behind a lock."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'options': {a: d.get('OPTIONS', {}).get('options') for a, d in s.DATABASES.items()},"
    "'server_side': {a: d.get('DISABLE_SERVER_SIDE_CURSORS', False) for a, d in s.DATABASES.items()},"
    "'cache': s.CACHES['default']['LOCATION'], 'broker': s.CELERY_BROKER_URL, 'beat': s.CELERY_BEAT_SCHEDULER}))"
)


def _settings(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "CELERY_BROKER_URL")}
    environment.update({"DJANGO_SETTINGS_MODULE": "jobboard.settings.dev", "REDIS_URL": "redis://r.internal:6379/2"})
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW], cwd=BASE_DIR, env=environment, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_behind_pgbouncer_no_startup_options_and_no_server_side_cursors():
    direct = _settings(DATABASE_REPLICA_URL="postgres://u@replica.internal/jobboard")
    assert direct["options"] == {"default": "-c work_mem=32MB -c jit=off", "replica": "-c work_mem=32MB -c jit=off"}

    pooled = _settings(DATABASE_POOLED="true", DATABASE_REPLICA_URL="postgres://u@replica.internal/jobboard")
    assert pooled["options"] == {"default": None, "replica": None}
    assert pooled["server_side"] == {"default": True, "replica": True}


def test_the_cache_and_the_broker_never_share_a_redis_database_by_default():
    settings = _settings()
    assert settings["broker"] == "redis://r.internal:6379/2"
    assert settings["cache"] == "redis://r.internal:6379/3"
    assert settings["beat"] == "redbeat.RedBeatScheduler"

    separate = _settings(CACHE_URL="redis://cache.internal:6379/0")
    assert separate["cache"] == "redis://cache.internal:6379/0"
