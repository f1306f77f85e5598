"""Resume uploads: only real PDF or .docx files of at most 5 MB, each refusal with a message that says what to
do, and nothing saved — no file, no row, no change to the profile — when an upload is refused."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from applicants.forms import ResumeForm
from applicants.models import Application
from applicants.services.profiles import profile_resume_set
from applicants.storage import private_media_root

from .conftest import PDF_BYTES, docx_upload, pdf_upload, private_files

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    return buffer.getvalue()


BAD_UPLOADS = {
    "windows executable renamed .pdf": (
        "resume.pdf",
        b"MZ\x90\x00\x03" + b"\x00" * 500,
        "This file is not a PDF or a Word (.docx) document.",
    ),
    "linux executable renamed .pdf": (
        "resume.pdf",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 500,
        "This file is not a PDF or a Word (.docx) document.",
    ),
    "a zip that is not a word document, renamed .docx": (
        "resume.docx",
        zip_without_document(),
        "This file is not a PDF or a Word (.docx) document.",
    ),
    "a 6 MB pdf": (
        "resume.pdf",
        PDF_BYTES + b"0" * (6 * MB),
        "The file is 6.0 MB; resumes can be at most 5 MB.",
    ),
    "an empty file": ("resume.pdf", b"", "The file is empty. Choose the resume file itself."),
    # A plain "../" never reaches us: Django keeps only the last part of an uploaded file's name (see
    # test_folders_in_an_uploaded_name_never_reach_the_file_system). These variants survive that, so we refuse them.
    "a percent-encoded ../": (
        "..%2F..%2Fetc%2Fresume.pdf",
        PDF_BYTES,
        "The file name must be a plain name, without folders or “..”. Rename the file and try again.",
    ),
    "a windows path with ..": ("..\\..\\resume.pdf", PDF_BYTES, "The file name must be a plain name"),
}


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_the_resume_form_refuses_with_a_clear_message(name, content, message):
    form = ResumeForm(files={"resume": SimpleUploadedFile(name, content)})

    assert not form.is_valid()
    assert message in form.errors["resume"][0]


@pytest.mark.parametrize("upload", [pdf_upload, docx_upload], ids=["pdf", "docx"])
def test_real_pdf_and_docx_files_are_accepted(upload):
    assert ResumeForm(files={"resume": upload()}).is_valid()


def test_a_pdf_of_exactly_5_mb_is_accepted():
    content = PDF_BYTES + b"0" * (5 * MB - len(PDF_BYTES))
    assert ResumeForm(files={"resume": SimpleUploadedFile("big.pdf", content)}).is_valid()


def _post_file(client, url, *, filename: str, content: bytes, extra: dict | None = None):
    """A multipart POST with the file name exactly as given (the test client would strip folders itself)."""
    body = encode_multipart(BOUNDARY, extra or {})
    head, tail = body.rsplit(f"--{BOUNDARY}--".encode(), 1)
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="resume"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body = head + part + content + f"\r\n--{BOUNDARY}--\r\n".encode() + tail
    return client.generic("POST", url, body, content_type=MULTIPART_CONTENT)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [value for key, value in BAD_UPLOADS.items() if key != "a windows path with .."],
    ids=[key for key in BAD_UPLOADS if key != "a windows path with .."],
)
def test_a_refused_profile_upload_changes_nothing(applicant_client, applicant, name, content, message):
    profile_resume_set(profile=applicant, upload=pdf_upload("current.pdf"))
    before = private_files()

    response = _post_file(applicant_client, reverse("applicants:resume"), filename=name, content=content)

    assert response.status_code == 200
    assert message in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.resume_name == "current.pdf"
    assert private_files() == before


def test_folders_in_an_uploaded_name_never_reach_the_file_system(applicant_client, applicant, tmp_path):
    """Django keeps only the last part of a multipart file name; we then store under a random name anyway."""
    response = _post_file(applicant_client, reverse("applicants:resume"), filename="../../evil.pdf", content=PDF_BYTES)

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.resume_name == "evil.pdf"
    assert applicant.resume.name.startswith(f"resumes/{applicant.pk}/")
    assert ".." not in applicant.resume.name
    assert list(tmp_path.rglob("evil*")) == []
    assert private_files() == [applicant.resume.name]


def test_the_stored_file_lives_outside_media_root(applicant, settings):
    profile_resume_set(profile=applicant, upload=pdf_upload())

    path = private_media_root() / applicant.resume.name
    assert path.exists()
    assert not path.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
    with pytest.raises(ValueError, match="no URL"):
        _ = applicant.resume.url


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [value for key, value in BAD_UPLOADS.items() if key != "a windows path with .."],
    ids=[key for key in BAD_UPLOADS if key != "a windows path with .."],
)
def test_a_refused_upload_when_applying_creates_no_application(applicant_client, posting, name, content, message):
    url = reverse("applicants:apply", args=[posting.pk])

    response = _post_file(applicant_client, url, filename=name, content=content, extra={"resume_choice": "upload"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert private_files() == []


def test_uploading_for_an_application_needs_a_file(applicant_client, posting):
    response = applicant_client.post(reverse("applicants:apply", args=[posting.pk]), {"resume_choice": "upload"})

    assert "Choose the resume file to upload" in response.content.decode()
    assert not Application.objects.exists()


def test_a_new_resume_replaces_the_old_file(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile_resume_set(profile=applicant, upload=pdf_upload("first.pdf"))
    first = applicant.resume.name

    with django_capture_on_commit_callbacks(execute=True):
        profile_resume_set(profile=applicant, upload=docx_upload("second.docx"))

    assert private_files() == [applicant.resume.name]
    assert applicant.resume.name != first
    assert applicant.resume_name == "second.docx"


def test_downloads_are_attachments_with_a_safe_name_and_nosniff(applicant_client, applicant):
    profile_resume_set(profile=applicant, upload=pdf_upload('Jane "CV"; final<1>.pdf'))

    response = applicant_client.get(reverse("applicants:resume-download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="Jane CV final1.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_docx_is_served_as_a_docx_whatever_its_original_name(applicant_client, applicant):
    profile_resume_set(profile=applicant, upload=docx_upload("resume.PDF.docx"))

    response = applicant_client.get(reverse("applicants:resume-download"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="resume.PDF.docx"'
