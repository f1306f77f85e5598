"""Every form of the applicants app, fed garbage: the answer is a form error or a redirect, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applicants.services.applications import application_withdraw
from tests.factories import ApplicantProfileFactory, ApplicationFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db

# Anything a browser or a script could send: control characters and NUL included (not lone surrogates,
# which cannot be encoded into a request at all).
garbage = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
values = st.one_of(
    garbage,
    st.lists(garbage, max_size=4),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "1e400", "NaN", "2024-02-30", "US-TX", "on", "hired"]),
    st.integers().map(str),
)

FORMS = {
    "profile": ("applicant", lambda w: reverse("applicants:profile-edit"),
                ["full_name", "headline", "country", "region", "city", "years_experience", "desired_settings",
                 "desired_shifts"]),
    "credential": ("applicant", lambda w: reverse("applicants:credential-create"),
                   ["credential_type", "jurisdiction", "number", "expires_on"]),
    "apply": ("applicant", lambda w: reverse("applicants:apply", args=[w["posting"].pk]),
              ["full_name", "cover_note", "resume_choice"]),
    "withdraw": ("applicant", lambda w: reverse("applicants:application-withdraw", args=[w["own"].pk]), ["confirm"]),
    "save": ("applicant", lambda w: reverse("applicants:save", args=[w["posting"].pk]), ["action", "next"]),
    "delete account": ("applicant", lambda w: reverse("applicants:delete"), ["password", "confirm"]),
}  # fmt: skip


@pytest.fixture
def world(db):
    posting = PublishedPostingFactory()
    applicant = ApplicantProfileFactory(full_name="Jane Doe")
    own = ApplicationFactory(profile=applicant)
    return {"posting": posting, "applicant": applicant.user, "own": own}


def _client(world, who) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world[who])
    return client


@pytest.mark.parametrize("name", FORMS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_garbage_in_every_field_never_causes_a_server_error(world, name, data):
    who, url, fields = FORMS[name]
    client = _client(world, who)
    payload = {field: data.draw(values, label=field) for field in fields if data.draw(st.booleans())}
    with transaction.atomic():
        response = client.post(url(world), payload)
        transaction.set_rollback(True)
    assert response.status_code < 500, (name, payload)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=garbage, content=st.binary(max_size=2000), choice=values)
def test_garbage_files_never_cause_a_server_error(world, name, content, choice):
    client = _client(world, "applicant")
    # Django itself cannot build an upload named "", "." or ".." (the parser drops such parts): skip those.
    name = name.replace("\x00", "").replace("/", "_").strip()
    upload = SimpleUploadedFile(name if name not in {"", ".", ".."} else "x", content)
    with transaction.atomic():
        for url, extra in [
            (reverse("applicants:resume"), {}),
            (reverse("applicants:apply", args=[world["posting"].pk]), {"resume_choice": choice}),
        ]:
            upload.seek(0)
            response = client.post(url, {"resume": upload, **extra})
            assert response.status_code < 500, (url, name)
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pk=st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_garbage_in_ids_never_causes_a_server_error(world, pk):
    client = _client(world, "applicant")
    for url in (f"/me/applications/{abs(pk)}/", f"/jobs/{abs(pk)}/apply/"):
        assert client.get(url).status_code < 500, url


def test_the_fuzzed_endpoints_do_work_with_good_input(world, django_capture_on_commit_callbacks):
    """The other side of the garbage tests: the same endpoints accept a sensible request."""
    application_withdraw(application=world["own"], by=world["applicant"])
    world["own"].refresh_from_db()
    assert world["own"].status == "withdrawn"
