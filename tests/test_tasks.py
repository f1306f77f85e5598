"""Tasks queued by name: how an app starts work that belongs to an app above it without importing it."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.db import connection

from jobboard.models import OutgoingEmail
from jobboard.tasks import enqueue


@pytest.mark.django_db
def test_a_task_queued_by_name_runs_at_once_when_tasks_are_eager():
    email = OutgoingEmail.objects.create(recipients=["a@example.com"], subject="Hello", text="Hi")

    enqueue("jobboard.tasks.email_send_task", email_id=email.pk)

    [message] = mail.outbox
    assert (message.to, message.subject, message.body) == (["a@example.com"], "Hello", "Hi")


@pytest.mark.django_db
def test_a_task_whose_module_nothing_imported_yet_is_found_as_a_worker_finds_it():
    """A web process imports no task module; eager mode imports them the way a worker does at start."""
    database = connection.settings_dict
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from jobboard.tasks import enqueue\n"
        "assert 'postings.tasks' not in sys.modules\n"
        "print(enqueue('postings.tasks.postings_expire_task').get())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    }

    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"  # postings_expire ran: nothing in the test database is past its date
