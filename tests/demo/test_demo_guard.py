"""Demo data never reaches production with a known password: the commands refuse outside development unless
forced, and forced, they use a password nobody else knows."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo.management.commands.demo_setup import ADMIN_PASSWORD, ADMIN_USERNAME
from demo.services.seed import DEMO_PASSWORD
from employers.models import EmployerMember
from tests.factories import PublishedPostingFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k" * 20 + "3xAmpl3-s3cr3t-kEy-f0r-t3sts-0nly-" + "z" * 20


def _production_manage(*args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEMO_PASSWORD")}
    environment.update(DJANGO_SETTINGS_MODULE="jobboard.settings.production", SECRET_KEY=GOOD_KEY)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )


@pytest.mark.slow_subprocess
@pytest.mark.parametrize("command", ["demo_setup", "seed_demo"])
def test_demo_commands_refuse_to_run_under_the_production_settings(command):
    result = _production_manage(command)
    assert result.returncode != 0
    assert "refusing" in result.stderr
    assert "--allow-production" in result.stderr
    assert not get_user_model().objects.filter(username=ADMIN_USERNAME).exists()


@pytest.mark.parametrize("command", ["demo_setup", "seed_demo"])
def test_demo_commands_refuse_without_debug(settings, command):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refusing"):
        call_command(command, stdout=StringIO(), stderr=StringIO())


def test_forced_demo_setup_gives_the_admin_a_random_password_shown_once(settings, monkeypatch):
    settings.DEMO_DATA_ALLOWED = False
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    PublishedPostingFactory()  # a board with data: demo_setup only makes the admin
    out = StringIO()
    call_command("demo_setup", allow_production=True, stdout=out)
    password = re.search(r"password (\S+): shown this once", out.getvalue()).group(1)
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    assert not admin.check_password(ADMIN_PASSWORD)
    assert admin.check_password(password)
    assert len(password) >= 20

    again = StringIO()
    call_command("demo_setup", allow_production=True, stdout=again)
    assert password not in again.getvalue()
    assert ADMIN_PASSWORD not in again.getvalue()
    admin.refresh_from_db()
    assert admin.check_password(password)


def test_forced_demo_setup_replaces_a_left_over_development_password(settings, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "chosen-by-the-operator")
    PublishedPostingFactory()
    call_command("demo_setup", stdout=StringIO())  # once under development settings
    settings.DEMO_DATA_ALLOWED = False
    call_command("demo_setup", allow_production=True, stdout=StringIO())
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    assert not admin.check_password(ADMIN_PASSWORD)
    assert admin.check_password("chosen-by-the-operator")


def test_forced_seed_demo_gives_demo_users_a_random_password(settings, monkeypatch):
    settings.DEMO_DATA_ALLOWED = False
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("seed_demo", postings=20, employers=2, allow_production=True, stdout=out, stderr=StringIO())
    password = re.search(r"Every demo account's password: (\S+)", out.getvalue()).group(1)
    owner = EmployerMember.objects.select_related("user").first().user
    assert not owner.check_password(DEMO_PASSWORD)
    assert owner.check_password(password)


def test_development_keeps_the_known_demo_logins(settings):
    settings.DEMO_DATA_ALLOWED = True
    PublishedPostingFactory()
    out = StringIO()
    call_command("demo_setup", stdout=out)
    assert f"password {ADMIN_PASSWORD}" in out.getvalue()
    assert get_user_model().objects.get(username=ADMIN_USERNAME).check_password(ADMIN_PASSWORD)
