"""Job alert services: double opt-in, matching into the ledger, sending exactly once, failures, digests."""

from __future__ import annotations

import io
import smtplib
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from alerts.matching import alert_name
from alerts.models import Alert, AlertDelivery, AlertPostingMatch
from alerts.services import delivery, ledger, subscriptions
from postings.services.workflow import posting_close, posting_publish
from tests.factories import ApplicantProfileFactory, PendingPostingFactory, PublishedPostingFactory, UserFactory

from .alerts_support import criteria_for, make_alert

pytestmark = pytest.mark.django_db
Frequency = Alert.Frequency


def publish(**kwargs):
    """A posting published now (after the alerts a test made), then matched as the publish task does."""
    now = timezone.now()
    posting = PublishedPostingFactory(published_at=now, expires_at=now + timedelta(days=30), **kwargs)
    ledger.alerts_match_posting(posting_id=posting.pk, enqueue=False)
    return posting


def deliver(*alerts, backend=None):
    return delivery.alerts_deliver(alert_ids=[alert.pk for alert in alerts], mail=backend)


def statuses(alert) -> dict[int, str]:
    return dict(AlertDelivery.objects.filter(alert=alert).values_list("posting_id", "status"))


def subscribe(params=None, *, email="tech@example.com", frequency=Frequency.INSTANT, **kwargs):
    return subscriptions.alert_subscribe(criteria=criteria_for(params), email=email, frequency=frequency, **kwargs)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that answers every recipient with `code`."""

    def __init__(self, code: int, **kwargs):
        super().__init__(**kwargs)
        self.code, self.calls = code, 0

    def send_messages(self, messages):
        self.calls += 1
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (self.code, b"mailbox says no")})


class DroppingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


# -- Subscribing: double opt-in ----------------------------------------------------------------------------


def test_subscribing_by_email_sends_a_confirmation_and_nothing_else_until_it_is_followed(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe({"setting": "hospital"})
    alert = subscription.alert
    assert subscription.outcome == subscriptions.Outcome.CONFIRM_SENT
    assert alert.status == Alert.Status.UNCONFIRMED
    [confirmation] = mail.outbox
    assert confirmation.to == ["tech@example.com"]
    assert confirmation.subject == "Confirm your job alert: Hospital"
    token = confirmation.body.split("/alerts/confirm/")[1].split("/")[0]
    assert subscriptions.alert_from_token(token=token, purpose="confirm") == alert

    publish(setting="hospital")
    assert AlertDelivery.objects.count() == 0  # an unconfirmed alert matches nothing
    deliver(alert)
    assert len(mail.outbox) == 1

    subscriptions.alert_confirm(alert=alert)
    later = publish(setting="hospital")
    deliver(alert)
    assert statuses(alert) == {later.pk: "sent"}
    assert mail.outbox[-1].subject == f"New job: {later.title} at {later.employer.name}"


def test_a_confirmation_link_expires_and_is_good_for_nothing_else():
    alert = subscribe().alert
    token = subscriptions.alert_token(alert=alert, purpose="confirm")
    four_days_later = time.time() + 4 * 24 * 3600
    with (
        mock.patch("django.core.signing.time.time", return_value=four_days_later),
        pytest.raises(subscriptions.AlertLinkExpired),
    ):
        subscriptions.alert_from_token(token=token, purpose="confirm")
    with pytest.raises(subscriptions.AlertLinkInvalid):
        subscriptions.alert_from_token(token=token, purpose="unsubscribe")
    with pytest.raises(subscriptions.AlertLinkInvalid):
        subscriptions.alert_from_token(token=token[:-2] + "xx", purpose="confirm")


def test_confirming_twice_changes_nothing():
    alert = subscriptions.alert_confirm(alert=subscribe().alert)
    started = alert.matching_from

    assert subscriptions.alert_confirm(alert=alert).matching_from == started


def test_confirmation_emails_to_one_address_are_limited_per_hour(django_capture_on_commit_callbacks):
    outcomes = []
    with django_capture_on_commit_callbacks(execute=True):
        for setting in ["hospital", "specialty", "nuclear", "mail-order", "compounding"]:
            outcomes.append(subscribe({"setting": setting}, email="victim@example.com").outcome)
        other = subscribe({"setting": "hospital"}, email="someone-else@example.com").outcome

    limit = subscriptions.CONFIRMATIONS_PER_ADDRESS_PER_HOUR
    assert outcomes == [subscriptions.Outcome.CONFIRM_SENT] * limit + [subscriptions.Outcome.RATE_LIMITED] * (5 - limit)
    assert len([message for message in mail.outbox if message.to == ["victim@example.com"]]) == limit
    assert Alert.objects.for_address("victim@example.com").count() == limit
    assert other == subscriptions.Outcome.CONFIRM_SENT


def test_asking_again_for_an_alert_an_address_has_sends_a_reminder_not_a_second_alert(
    django_capture_on_commit_callbacks,
):
    alert = make_alert({"region": "US-TX"}, email="tech@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe({"region": "US-TX"}, email="Tech@Example.com")

    assert subscription.outcome == subscriptions.Outcome.CONFIRM_SENT  # the same answer as for a stranger
    assert Alert.objects.count() == 1
    [reminder] = mail.outbox
    assert reminder.subject == f"You already have this job alert: {alert.name}"
    assert "/alerts/manage/" in reminder.body


def test_a_verified_address_is_active_at_once_and_takes_over_an_unconfirmed_request():
    user = UserFactory(email="jane@example.com")
    pending = subscribe({"setting": "hospital"}, email="jane@example.com").alert

    subscription = subscribe({"setting": "hospital"}, email="jane@example.com", user=user, verified=True)

    assert subscription.outcome == subscriptions.Outcome.ACTIVE
    assert subscription.alert.pk == pending.pk
    assert subscription.alert.user == user
    assert subscription.alert.status == Alert.Status.ACTIVE
    again = subscribe({"setting": "hospital"}, email="jane@example.com", user=user, verified=True)
    assert again.outcome == subscriptions.Outcome.EXISTS


def test_the_unique_constraint_keeps_one_live_alert_per_search_and_address():
    alert = make_alert({"q": "iv"}, email="a@example.com")
    duplicate = Alert(email="a@example.com", name="x", criteria_key=alert.criteria_key, status="active",
                      matching_from=timezone.now())  # fmt: skip
    assert not subscriptions._saved(duplicate)
    subscriptions.alert_unsubscribe(alert=alert)
    assert subscribe({"q": "iv"}, email="a@example.com").outcome == subscriptions.Outcome.CONFIRM_SENT


# -- Matching ----------------------------------------------------------------------------------------------


def test_publishing_a_posting_sends_it_to_the_instant_alerts_it_matches(django_capture_on_commit_callbacks):
    hospital = make_alert({"setting": "hospital", "region": "US-TX"}, email="h@example.com")
    retail = make_alert({"setting": "community-retail"}, email="r@example.com")
    daily = make_alert({"setting": "hospital"}, email="d@example.com", frequency=Frequency.DAILY)
    posting = PendingPostingFactory(setting="hospital", region="US-TX", title="IV Room Technician")

    with django_capture_on_commit_callbacks(execute=True):
        posting_publish(posting=posting, by=None)

    [message] = mail.outbox
    assert message.to == ["h@example.com"]
    assert message.subject == f"New job: IV Room Technician at {posting.employer.name}"
    assert statuses(hospital) == {posting.pk: "sent"}
    assert statuses(retail) == {}
    assert statuses(daily) == {}


def test_postings_published_before_the_alert_started_are_never_sent():
    PublishedPostingFactory(published_at=timezone.now() - timedelta(hours=1))
    alert = make_alert({})
    ledger.alerts_match_due(frequency=Frequency.INSTANT, enqueue=False)
    assert statuses(alert) == {}


def test_a_posting_closed_before_sending_is_skipped_not_sent():
    alert = make_alert({})
    posting = publish()
    posting_close(posting=posting, by=None)

    report = deliver(alert)

    assert report.messages == 0
    assert mail.outbox == []
    assert statuses(alert) == {posting.pk: "skipped"}


def test_matching_and_sending_again_sends_nothing_new():
    alert = make_alert({})
    posting = publish()
    deliver(alert)

    ledger.alerts_match_posting(posting_id=posting.pk, enqueue=False)
    ledger.alerts_match_due(frequency=Frequency.INSTANT, enqueue=False)
    deliver(alert)
    deliver(alert)

    assert len(mail.outbox) == 1
    assert AlertDelivery.objects.count() == 1


def test_a_paused_alert_gets_nothing_and_after_resuming_only_what_is_new():
    alert = make_alert({})
    subscriptions.alert_pause(alert=alert)
    publish()
    assert statuses(alert) == {}

    subscriptions.alert_resume(alert=alert)
    posting = publish()
    deliver(alert)

    assert statuses(alert) == {posting.pk: "sent"}


def test_an_alert_for_jobs_i_qualify_for_follows_the_owners_credentials():
    from tests.factories import CredentialOptionFactory, CredentialRequirementFactory

    user = ApplicantProfileFactory().user  # holds no credential
    alert = make_alert({"qualified": "1"}, user=user)
    open_to_all = publish(title="Trainee")
    needs_cpht = PublishedPostingFactory(published_at=timezone.now())
    CredentialOptionFactory(requirement=CredentialRequirementFactory(posting=needs_cpht))
    ledger.alerts_match_posting(posting_id=needs_cpht.pk, enqueue=False)

    assert statuses(alert) == {open_to_all.pk: "pending"}


# -- Digests -----------------------------------------------------------------------------------------------


def test_a_daily_digest_sends_the_ten_newest_jobs_and_links_to_the_rest():
    alert = make_alert({"region": "US-TX"}, frequency=Frequency.DAILY)
    postings = [publish(title=f"Technician {number}") for number in range(12)]
    publish(region="US-CA", country="US")  # does not match
    assert statuses(alert) == {}

    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())
    matched = ledger.alerts_match_due(frequency=Frequency.DAILY, enqueue=False)
    deliver(alert)

    assert matched == [alert.pk]
    [message] = mail.outbox
    assert message.subject == f"12 new jobs for “{alert.name}”"
    assert "Technician 11" in message.body
    assert "Technician 2" in message.body
    assert "Technician 1\n" not in message.body
    assert "Technician 0\n" not in message.body
    assert "…and 2 more." in message.body
    assert "/jobs/?region=US-TX" in message.body
    # The ledger holds what the email listed, the ten newest; the count covers the rest.
    assert statuses(alert) == {posting.pk: "sent" for posting in postings[2:]}
    alert.refresh_from_db()
    assert alert.next_digest_at > timezone.now() + timedelta(hours=23)
    assert alert.last_digest_at is not None

    publish(title="Tomorrow's job")
    assert ledger.alerts_match_due(frequency=Frequency.DAILY, enqueue=False) == []  # not due again yet


def test_a_second_digest_run_at_the_same_time_matches_nothing_new():
    alert = make_alert({}, frequency=Frequency.WEEKLY)
    publish()
    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())
    now = timezone.now()

    first = ledger.alerts_match_due(frequency=Frequency.WEEKLY, now=now, enqueue=False)
    second = ledger.alerts_match_due(frequency=Frequency.WEEKLY, now=now, enqueue=False)

    assert first == [alert.pk]
    assert second == []
    assert AlertDelivery.objects.count() == 1


def test_a_digest_looks_back_an_hour_for_late_commits_but_never_lists_a_job_twice():
    alert = make_alert({}, frequency=Frequency.DAILY)
    Alert.objects.filter(pk=alert.pk).update(matching_from=timezone.now() - timedelta(days=1))
    first = publish(title="Listed yesterday")
    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())
    ledger.alerts_match_due(frequency=Frequency.DAILY, enqueue=False)
    deliver(alert)
    alert.refresh_from_db()
    # Published (its timestamp) before that run, committed after it: only the overlap catches it.
    late = PublishedPostingFactory(
        title="Committed late", published_at=alert.last_digest_at - timedelta(minutes=10), expires_at=first.expires_at
    )
    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())

    ledger.alerts_match_due(frequency=Frequency.DAILY, enqueue=False)
    deliver(alert)

    assert statuses(alert) == {first.pk: "sent", late.pk: "sent"}
    assert [message.subject for message in mail.outbox] == [
        f"New job: Listed yesterday at {first.employer.name}",
        f"New job: Committed late at {late.employer.name}",  # one new job: the first is not counted again
    ]


def test_the_instant_safety_net_matches_only_postings_no_publish_task_handled():
    alert = make_alert({})
    handled = publish(title="Published through the service")
    AlertDelivery.objects.all().delete()  # were it matched again, a row would come back
    now = timezone.now()
    missed = PublishedPostingFactory(title="Imported in bulk", published_at=now, expires_at=now + timedelta(days=30))

    matched = ledger.alerts_match_due(frequency=Frequency.INSTANT, enqueue=False)

    assert matched == [alert.pk]
    assert statuses(alert) == {missed.pk: "pending"}
    assert set(AlertPostingMatch.objects.values_list("posting_id", flat=True)) == {handled.pk, missed.pk}
    assert ledger.alerts_match_due(frequency=Frequency.INSTANT, enqueue=False) == []


# -- Sending: failures -------------------------------------------------------------------------------------


def test_a_temporary_refusal_is_retried_later_with_backoff():
    alert = make_alert({})
    posting = publish()

    report = deliver(alert, backend=RefusingBackend(451))

    assert report.temporary_failures == 1
    row = AlertDelivery.objects.get(alert=alert)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > timezone.now() + timedelta(minutes=4)
    assert row.last_error.startswith("451")
    deliver(alert)
    assert mail.outbox == []  # not before its time

    AlertDelivery.objects.update(next_attempt_at=timezone.now())
    deliver(alert)
    assert statuses(alert) == {posting.pk: "sent"}


def test_permanent_refusals_are_recorded_and_pause_the_alert_after_a_few():
    alert = make_alert({})
    for _ in range(delivery.PERMANENT_FAILURES_BEFORE_PAUSE):
        publish()
        deliver(alert, backend=RefusingBackend(550))

    alert.refresh_from_db()
    assert alert.status == Alert.Status.PAUSED
    assert "refused (550)" in alert.paused_reason
    assert set(statuses(alert).values()) == {"failed"}
    publish()
    assert len(statuses(alert)) == delivery.PERMANENT_FAILURES_BEFORE_PAUSE  # a paused alert matches nothing


def test_a_dropped_connection_propagates_so_the_task_retries_and_nothing_is_lost():
    alert = make_alert({})
    posting = publish()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        deliver(alert, backend=DroppingBackend())

    assert statuses(alert) == {posting.pk: "pending"}
    deliver(alert)
    assert statuses(alert) == {posting.pk: "sent"}


def test_unsubscribing_skips_what_was_waiting():
    alert = make_alert({})
    posting = publish()

    subscriptions.alert_unsubscribe(alert=alert)
    deliver(alert)

    assert mail.outbox == []
    assert statuses(alert) == {posting.pk: "skipped"}


def test_old_unconfirmed_requests_and_unsubscribed_alerts_are_purged():
    stale = subscribe({"q": "old"}).alert
    Alert.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = subscribe({"q": "new"}).alert
    gone = make_alert({"q": "gone"})
    subscriptions.alert_unsubscribe(alert=gone)
    Alert.objects.filter(pk=gone.pk).update(unsubscribed_at=timezone.now() - timedelta(days=31))

    assert subscriptions.alerts_purge() == 2
    assert list(Alert.objects.all()) == [fresh]


def test_the_email_has_both_parts_the_job_links_and_one_click_unsubscribe_headers(settings):
    settings.SITE_URL = "https://jobs.example.org"
    alert = make_alert({"setting": "hospital"}, email="tech@example.com")
    posting = publish(setting="hospital", title="IV Room Technician")

    message = delivery.alert_message(alert=alert, postings=[posting])

    unsubscribe = subscriptions.alert_links(alert)["unsubscribe_url"]
    assert unsubscribe.startswith("https://jobs.example.org/alerts/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    job_url = f"https://jobs.example.org{posting.get_absolute_url()}"
    assert job_url in message.body
    assert job_url in html
    assert unsubscribe in message.body
    assert unsubscribe in html
    assert "https://jobs.example.org/jobs/?setting=hospital" in message.body


def test_send_alerts_command_matches_and_sends_in_process():
    alert = make_alert({}, frequency=Frequency.DAILY)
    publish()
    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())

    out = io.StringIO()
    call_command("send_alerts", "--frequency", "daily", stdout=out)

    assert "1 daily alert(s) matched new jobs; 1 email(s) sent" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_suggested_name_is_used_when_none_is_given():
    alert = subscribe({"setting": "hospital", "shift": "night"}).alert
    assert alert.name == alert_name(criteria_for({"setting": "hospital", "shift": "night"})) == "Hospital · night"


# -- Two workers at once -----------------------------------------------------------------------------------


class SlowBackend(LocmemBackend):
    """The locmem outbox, slowly: long enough for two workers to overlap on every alert."""

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_batch_at_once_send_each_email_once():
    alerts = [make_alert({}, email=f"seeker{number}@example.com") for number in range(12)]
    publish()
    publish()
    errors = []

    def worker():
        try:
            delivery.alerts_deliver(alert_ids=[alert.pk for alert in alerts], mail=SlowBackend())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(alert.email for alert in alerts)
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_token_names_one_alert_and_signing_it_again_for_another_fails():
    first, second = make_alert({"q": "a"}), make_alert({"q": "b"})
    token = subscriptions.alert_token(alert=first, purpose="unsubscribe")
    value, _, _ = token.partition(":")
    forged = signing.b64_encode(str(second.pk).encode()).decode() + token[len(value) :]

    assert subscriptions.alert_from_token(token=token, purpose="unsubscribe") == first
    with pytest.raises(subscriptions.AlertLinkInvalid):
        subscriptions.alert_from_token(token=forged, purpose="unsubscribe")
