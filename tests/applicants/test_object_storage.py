"""Uploads in an S3 object store (a real S3 API server on the loopback): what several hosts share.

"Another host" is a fresh MEDIA_ROOT between two requests: a file kept on one host's disk would be missing
there, a file in the store is not.
"""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import Application
from applicants.services.privacy import application_resumes_purge
from tests.factories import EmployerMemberFactory, ExpiredPostingFactory

from .conftest import PDF_BYTES, pdf_upload
from .test_services import _application_with_resume

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_host(settings, tmp_path):
    def switch():
        settings.MEDIA_ROOT = tmp_path / "other-host" / "media"

    return switch


def test_a_resume_uploaded_on_one_host_is_sent_exported_and_downloaded_on_another(
    object_storage, other_host, applicant_client, applicant, posting, member, django_capture_on_commit_callbacks
):
    content = PDF_BYTES + b"% Jane's resume\n"
    applicant_client.post(reverse("applicants:resume"), {"resume": pdf_upload("Jane.pdf", content)})
    applicant.refresh_from_db()
    assert object_storage.keys(object_storage.resumes) == [f"private/{applicant.resume.name}"]
    assert object_storage.keys(object_storage.media) == []

    other_host()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("applicants:apply", args=[posting.pk]), {"cover_note": "Nights.", "resume_choice": "profile"}
        )
    assert response.status_code == 302
    application = Application.objects.get()
    assert object_storage.read(object_storage.resumes, f"private/{application.resume.name}") == content

    export = applicant_client.get(reverse("applicants:export"))
    with zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content))) as archive:
        resumes = {name: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}
    assert resumes == {"resume/Jane.pdf": content, f"applications/{application.pk}-Jane.pdf": content}

    employer = Client()
    employer.force_login(member)
    download = employer.get(
        reverse("dashboard:review-application-resume", args=[posting.employer.slug, application.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == 'attachment; filename="Jane.pdf"'


def test_the_purge_removes_the_resume_from_the_store(
    object_storage, other_host, applicant, django_capture_on_commit_callbacks
):
    now = timezone.now()
    posting = ExpiredPostingFactory(published_at=now - timedelta(days=230), expires_at=now - timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        _application_with_resume(posting)
    assert len(object_storage.keys(object_storage.resumes)) == 2  # the profile's and the application's copy

    other_host()  # the purge runs on a worker host
    with django_capture_on_commit_callbacks(execute=True):
        assert application_resumes_purge(now=now) == 1

    application = Application.objects.get()
    assert not application.resume
    assert object_storage.keys(object_storage.resumes) == [f"private/{application.profile.resume.name}"]


def test_a_resume_has_no_url_in_the_store_either(object_storage, applicant):
    from applicants.services.profiles import profile_resume_set

    profile_resume_set(profile=applicant, upload=pdf_upload())
    applicant.refresh_from_db()
    with pytest.raises(ValueError, match="no URL"):
        applicant.resume.url  # noqa: B018


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def owner_client(client, posting):
    owner = EmployerMemberFactory(employer=posting.employer, role="owner").user
    client.force_login(owner)
    return client


def _logo_src(page: str) -> str:
    import re

    return re.search(r'<img class="avatar[^"]*" src="([^"]+)"', page).group(1)


def test_a_logo_in_the_store_shows_on_every_host(object_storage, other_host, owner_client, posting):
    import urllib.request

    employer = posting.employer
    owner_client.post(
        reverse("dashboard:employer-edit", args=[employer.slug]),
        {"name": employer.name, "type": "health-system", "logo": SimpleUploadedFile("logo.png", _png())},
    )

    other_host()
    src = _logo_src(Client().get(reverse("employers:detail", args=[employer.slug])).content.decode())
    assert src.startswith(f"{object_storage.endpoint}/{object_storage.media}/media/logos/")
    with urllib.request.urlopen(src) as response:
        assert response.read()[:3] == b"\xff\xd8\xff"  # the logo, resized and saved as JPEG


def test_a_logo_on_local_disk_is_served_under_media_url(owner_client, posting):
    employer = posting.employer
    owner_client.post(
        reverse("dashboard:employer-edit", args=[employer.slug]),
        {"name": employer.name, "type": "health-system", "logo": SimpleUploadedFile("logo.png", _png())},
    )

    src = _logo_src(Client().get(reverse("employers:detail", args=[employer.slug])).content.decode())
    assert src.startswith("/media/logos/")
    response = Client().get(src)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"  # the logo, resized and saved as JPEG
    # Nothing outside MEDIA_ROOT: a resume's folder is next to it.
    assert Client(raise_request_exception=False).get("/media/../private/x.pdf").status_code in (400, 404)
