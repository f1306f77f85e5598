"""Job alert pages: subscribe from a search, confirm, one-click unsubscribe, manage; and no input ever a 500."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.models import Alert
from alerts.services import subscriptions
from tests.factories import PublishedPostingFactory, UserFactory

from .alerts_support import criteria_for, make_alert

pytestmark = pytest.mark.django_db

NEW = "/alerts/new/"


def verified_user(email="jane@example.com"):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def url(name: str, alert: Alert, purpose: str | None = None) -> str:
    return reverse(f"alerts:{name}", args=[subscriptions.alert_token(alert=alert, purpose=purpose or name)])


# -- Subscribing -------------------------------------------------------------------------------------------


def test_the_search_results_offer_to_email_jobs_like_these(client):
    response = client.get("/jobs/", {"setting": "hospital", "region": "US-TX"})

    assert response.status_code == 200
    assert 'href="/alerts/new/?setting=hospital&amp;region=US-TX"' in response.content.decode()


def test_the_form_names_the_alert_after_the_search(client):
    response = client.get(NEW, {"setting": "hospital", "shift": "night", "near": "Austin, TX", "pay_min": "22"})

    assert response.status_code == 200
    assert "Hospital · night · near Austin, TX · $22+/h" in response.content.decode()
    assert response.context["form"]["email"]  # anonymous: asked for an address


def test_subscribing_by_email_asks_to_confirm_and_sends_one_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{NEW}?setting=hospital", {"email": "tech@example.com", "frequency": "daily"})

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    alert = Alert.objects.get()
    assert (alert.email, alert.frequency, alert.status, alert.criteria) == (
        "tech@example.com", "daily", "unconfirmed", {"setting": ["hospital"]}
    )  # fmt: skip
    [confirmation] = mail.outbox
    assert confirmation.to == ["tech@example.com"]


def test_a_search_with_an_error_cannot_become_an_alert(client):
    response = client.get(NEW, {"setting": "nope", "region": "XX"})

    assert response.status_code == 400
    assert "This search has a problem" in response.content.decode()
    assert client.post(f"{NEW}?setting=nope", {"email": "a@example.com", "frequency": "daily"}).status_code == 400
    assert not Alert.objects.exists()


def test_jobs_i_qualify_for_needs_a_signed_in_applicant(client):
    response = client.post(f"{NEW}?qualified=1", {"email": "a@example.com", "frequency": "daily"})

    assert response.status_code == 400
    assert "needs your credentials" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_verified_user_gets_an_active_alert_without_a_confirmation_email(client, django_capture_on_commit_callbacks):
    user = verified_user()
    client.force_login(user)

    assert "We will send the jobs to" in client.get(NEW, {"region": "US-TX"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{NEW}?region=US-TX", {"frequency": "weekly", "name": "Texas jobs"})

    assert response.status_code == 302
    assert response["Location"] == "/alerts/"
    alert = Alert.objects.get()
    assert (alert.user, alert.email, alert.name, alert.status) == (user, "jane@example.com", "Texas jobs", "active")
    assert mail.outbox == []


def test_too_many_requests_from_one_client_are_refused(client, settings):
    for number in range(settings.RATE_LIMITS["alert_subscribe"][0]):
        client.post(f"{NEW}?q=job{number}", {"email": f"a{number}@example.com", "frequency": "daily"})

    response = client.post(f"{NEW}?q=more", {"email": "b@example.com", "frequency": "daily"})

    assert response.status_code == 429


# -- Confirming --------------------------------------------------------------------------------------------


def test_confirming_takes_a_button_press_not_just_a_visit(client):
    alert = subscriptions.alert_subscribe(
        criteria=criteria_for({"q": "iv"}),
        email="tech@example.com",
        frequency="instant",
    ).alert
    link = url("confirm", alert)

    response = client.get(link)
    assert response.status_code == 200
    assert "Confirm my alert" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "unconfirmed"

    response = client.post(link)
    assert "Your alert is on" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "active"


@pytest.mark.parametrize("name", ["confirm", "unsubscribe", "manage"])
def test_a_tampered_link_answers_a_clear_400(client, name):
    alert = make_alert({"q": "iv"})
    link = url(name, alert)

    response = client.get(link[:-3] + "xx/")

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_a_link_made_for_one_purpose_does_nothing_for_another(client):
    alert = make_alert({"q": "iv"})

    response = Client().post(url("unsubscribe", alert, purpose="manage"))

    assert response.status_code == 400
    alert.refresh_from_db()
    assert alert.status == "active"


# -- Unsubscribing -----------------------------------------------------------------------------------------


def test_unsubscribe_get_shows_a_button_and_changes_nothing(client):
    alert = make_alert({"q": "iv"})

    response = client.get(url("unsubscribe", alert))

    assert response.status_code == 200
    assert "Unsubscribe from this job alert?" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "active"


def test_one_click_unsubscribe_works_without_cookies_or_csrf_and_only_for_its_alert():
    alert, other = make_alert({"q": "iv"}), make_alert({"q": "iv"})
    mail_client = Client(enforce_csrf_checks=True)  # as a mail provider's one-click POST: no cookie, no token

    response = mail_client.post(url("unsubscribe", alert), "List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")  # fmt: skip

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    alert.refresh_from_db(), other.refresh_from_db()
    assert alert.status == "unsubscribed"
    assert other.status == "active"
    assert mail_client.post(url("unsubscribe", alert)).status_code == 200  # a second click is harmless


def test_unsubscribing_from_a_deleted_alert_says_so(client):
    alert = make_alert({"q": "iv"})
    link = url("unsubscribe", alert)
    alert.delete()

    response = client.post(link)

    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()


# -- Managing ----------------------------------------------------------------------------------------------


def test_the_manage_link_pauses_resumes_changes_frequency_and_deletes(client):
    alert = make_alert({"q": "iv"})
    link = url("manage", alert)
    assert "Your job alert" in client.get(link).content.decode()

    client.post(link, {"action": "pause"})
    alert.refresh_from_db()
    assert alert.status == "paused"
    client.post(link, {"action": "resume"})
    client.post(link, {"action": "frequency", "frequency": "weekly"})
    alert.refresh_from_db()
    assert (alert.status, alert.frequency) == ("active", "weekly")
    assert alert.next_digest_at is not None

    client.post(link, {"action": "delete"})
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert client.get(link).status_code == 400


def test_signed_in_users_manage_their_own_alerts_only(client, django_assert_max_num_queries):
    user, stranger = verified_user(), verified_user("other@example.com")
    mine = [make_alert({"q": f"job {number}"}, user=user) for number in range(3)]
    theirs = make_alert({"q": "iv"}, user=stranger)
    client.force_login(user)

    with django_assert_max_num_queries(6):
        response = client.get("/alerts/")
    page = response.content.decode()
    assert all(alert.name in page for alert in mine)
    assert theirs.name not in page

    assert client.post(f"/alerts/{theirs.pk}/", {"action": "delete"}).status_code == 404
    response = client.post(f"/alerts/{mine[0].pk}/", {"action": "pause", "next": "me"})
    assert response["Location"] == "/me/"
    mine[0].refresh_from_db()
    assert mine[0].status == "paused"


def test_alerts_need_a_sign_in_without_a_link(client):
    alert = make_alert({"q": "iv"})
    assert client.get("/alerts/").status_code == 302
    assert client.post(f"/alerts/{alert.pk}/", {"action": "delete"}).status_code == 302
    assert Alert.objects.filter(pk=alert.pk).exists()


# -- Garbage in ----------------------------------------------------------------------------------------------

PARAMETER_NAMES = [
    "q", "country", "region", "city", "near", "radius", "unit", "setting", "employment_type", "shift", "experience",
    "arrangement", "pay_min", "posted_within", "training", "qualified", "sort", "page",
]  # fmt: skip
GARBAGE = st.text(max_size=300) | st.sampled_from(
    [
        "",
        "\x00",
        "-1",
        "1e309",
        "NaN",
        "Infinity",
        "0" * 400,
        "US-TX\x00",
        "99999999999999999999",
        "<script>",
        "é" * 150,
    ]
)


@pytest.fixture
def garbage_client(db):
    PublishedPostingFactory()
    return Client(raise_request_exception=False)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(st.sampled_from(PARAMETER_NAMES), st.lists(GARBAGE, min_size=1, max_size=3), max_size=6),
    fields=st.dictionaries(st.sampled_from(["email", "name", "frequency"]), GARBAGE, max_size=3),
    token=st.text(alphabet=string.ascii_letters + string.digits + ":-_", min_size=1, max_size=80),
)
def test_no_parameter_field_or_token_makes_a_500(garbage_client, params, fields, token):
    from django.core.cache import cache

    cache.clear()  # the per-client limit would otherwise answer 429 before the form is even read
    query = "&".join(f"{name}={value}" for name, values in params.items() for value in values)
    query = quote(query, safe="=&")
    for response in (
        garbage_client.get(f"{NEW}?{query}"),
        garbage_client.post(f"{NEW}?{query}", fields),
        garbage_client.get(f"/alerts/confirm/{token}/"),
        garbage_client.post(f"/alerts/unsubscribe/{token}/", fields),
        garbage_client.post(f"/alerts/manage/{token}/", fields),
    ):
        assert response.status_code < 500, (params, fields, token)


# -- Admin ---------------------------------------------------------------------------------------------------


def test_the_admin_shows_alerts_by_status_and_deliveries_per_day(client):
    from django.utils import timezone

    from alerts.models import AlertDelivery

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    alert = make_alert({"q": "iv"})
    subscriptions.alert_pause(alert=alert, reason="Emails to this address were refused (550).")
    posting = PublishedPostingFactory()
    AlertDelivery.objects.create(alert=alert, posting=posting, status="failed", matched_at=timezone.now())

    alerts_page = client.get("/admin/alerts/alert/")
    deliveries_page = client.get("/admin/alerts/alertdelivery/")

    assert alerts_page.status_code == deliveries_page.status_code == 200
    assert alerts_page.context["alert_counts"]["paused_after_refusals"] == 1
    [today] = deliveries_page.context["delivery_days"]
    assert (today["failed"], today["sent"]) == (1, 0)
    assert client.get("/admin/alerts/alert/?failing=paused").context["cl"].result_count == 1
