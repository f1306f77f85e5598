"""Production settings refuse unsafe configurations and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "3xAmpl3-s3cr3t-kEy-f0r-t3sts-0nly-" + "z" * 20


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.update({"DJANGO_SETTINGS_MODULE": "jobboard.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _manage("check", SECRET_KEY=GOOD_KEY, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.slow_subprocess
def test_production_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="jobs.example")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.slow_subprocess
def test_production_serves_static_files_under_hashed_names_cached_for_good(tmp_path):
    environment = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "testserver", "STATIC_ROOT": str(tmp_path),
                   "SECURE_SSL_REDIRECT": "false"}  # fmt: skip
    collected = _manage("collectstatic", "--noinput", "-v0", **environment)
    assert collected.returncode == 0, collected.stderr

    script = (
        "from django.templatetags.static import static; from django.test import Client; "
        "url = static('css/app.css'); response = Client().get(url); "
        "print(url, response.status_code, response['Cache-Control'], sep='\\n')"
    )
    served = _manage("shell", "-c", script, **environment)

    assert served.returncode == 0, served.stderr
    url, status, cache_control = served.stdout.splitlines()[-3:]
    assert url.startswith("/static/css/app.")
    assert url != "/static/css/app.css"
    assert status == "200"
    assert "max-age=315360000" in cache_control
    assert "immutable" in cache_control


HEALTH_PROBE = """
import json
from django.test import Client
client = Client()
answers = {
    "healthz_by_backend_address": client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code,
    "healthz_over_https": client.get("/healthz", HTTP_HOST="jobs.example", secure=True).status_code,
    "home_by_backend_address": client.get("/", HTTP_HOST="10.0.3.7:8000").status_code,
    "home_over_http": client.get("/", HTTP_HOST="jobs.example").status_code,
}
sign_in = client.get("/accounts/login/", HTTP_HOST="jobs.example", secure=True)
answers["sign_in"] = [
    sign_in.status_code,
    sorted(part.strip() for part in sign_in["Content-Security-Policy"].split(";")),
    "private" in sign_in["Cache-Control"],
]
print(json.dumps(answers))
"""


PRODUCTION_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.slow_subprocess
def test_production_health_check_for_load_balancers_and_page_headers(db, tmp_path):
    import json

    from tests.integration.conftest import _test_database_url

    # Pages name their static files by collectstatic's manifest in production, as the Procfile runs it first.
    collected = _manage("collectstatic", "--noinput", "-v0", SECRET_KEY=GOOD_KEY, STATIC_ROOT=str(tmp_path))
    assert collected.returncode == 0, collected.stderr
    result = _manage(
        "shell",
        "-c",
        HEALTH_PROBE,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="jobs.example",
        STATIC_ROOT=str(tmp_path),
        # The health check reaches the database: the test run's own, which exists wherever the tests run.
        DATABASE_URL=_test_database_url(),
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers == {
        "healthz_by_backend_address": 200,  # was 301 (HTTPS redirect), and 400 for the host once over HTTPS
        "healthz_over_https": 200,
        "home_by_backend_address": 400,  # everything else keeps both checks
        "home_over_http": 301,
        "sign_in": [200, sorted(PRODUCTION_POLICY.split("; ")), True],  # sets a CSRF cookie: no shared cache keeps it
    }
