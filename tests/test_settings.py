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
