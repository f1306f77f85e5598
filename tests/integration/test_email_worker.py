from io import StringIO

import pytest
from django.core.management import call_command

from jobboard.mail import email_send

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_an_email_is_sent_by_the_real_worker_with_text_and_html_parts(celery_worker, smtp_sink):
    email_send(to=["tech@example.com"], template="test", context={"recipient": "tech@example.com"})

    [message] = smtp_sink.wait_for(1)

    assert message["To"] == "tech@example.com"
    assert message["Subject"] == "RxTech Jobs: test email"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "sent to tech@example.com through the Celery worker" in text
    assert "<strong>tech@example.com</strong>" in html


def test_send_test_email_queues_a_message_the_real_worker_sends(celery_worker, smtp_sink):
    out = StringIO()

    call_command("send_test_email", "ops@example.com", stdout=out)

    assert out.getvalue().strip() == "Queued a test email to ops@example.com; the Celery worker sends it."
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "ops@example.com"
    assert message["Subject"] == "RxTech Jobs: test email"
