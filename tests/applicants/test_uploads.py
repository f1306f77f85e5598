"""Resume uploads: only real PDF or .docx files of at most 5 MB, each refusal with a message that says what to
do, and nothing saved — no file, no row, no change to the profile — when an upload is refused."""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from applicants.forms import ResumeForm
from applicants.models import Application
from applicants.resumes import resume_copy
from applicants.services.profiles import profile_resume_set
from applicants.storage import private_media_root
from tests.factories import ApplicationFactory

from .conftest import PDF_BYTES, docx_bytes, docx_upload, pdf_upload, private_files

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


# Through the page a 6 MB file never reaches the form: see test_a_body_over_the_limit_is_refused_unread.
NOT_THROUGH_THE_PAGE = ("a windows path with ..", "a 6 MB pdf")
THROUGH_THE_PAGE = {key: value for key, value in BAD_UPLOADS.items() if key not in NOT_THROUGH_THE_PAGE}


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


@pytest.mark.parametrize(("name", "content", "message"), THROUGH_THE_PAGE.values(), ids=THROUGH_THE_PAGE.keys())
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


@pytest.mark.parametrize(("name", "content", "message"), THROUGH_THE_PAGE.values(), ids=THROUGH_THE_PAGE.keys())
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


# -- Documents and nothing more: zip bombs, macros, PDF/HTML polyglots, PDF actions ------------------------


def zip_bomb_docx(unpacked_mb: int) -> bytes:
    """A real .docx whose picture unpacks to `unpacked_mb` MB of zeros (under 2 MB packed)."""
    buffer = io.BytesIO(docx_bytes())
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/media/image1.png", "w") as f,
    ):
        chunk = bytes(MB)
        for _ in range(unpacked_mb):
            f.write(chunk)
    return buffer.getvalue()


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def object_stream(objects: bytes) -> bytes:
    packed = zlib.compress(objects)
    return (
        b"5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream endobj"
    )


DOCUMENTS_ONLY = {
    "a docx unpacking to 400 MB (zip bomb)": (
        "resume.docx",
        lambda: zip_bomb_docx(400),
        "This Word file unpacks to 400 MB; a resume unpacks to at most 50 MB.",
    ),
    "a macro-enabled word file renamed .docx": (
        "resume.docx",
        lambda: docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macros"}),
        "This file is not a plain Word (.docx) document.",
    ),
    "a program inside a docx": (
        "resume.docx",
        lambda: docx_bytes({"word/embeddings/setup.exe": b"MZ\x90\x00"}),
        "This file is not a plain Word (.docx) document.",
    ),
    "a spreadsheet renamed .docx": (
        "resume.docx",
        lambda: docx_bytes(content_types="<Types><Override PartName='/xl/workbook.xml'/></Types>"),
        "This file is not a plain Word (.docx) document.",
    ),
    "a docx without content types": (
        "resume.docx",
        lambda: docx_bytes().replace(b"[Content_Types].xml", b"[Content_Typez].xml"),
        "This file is not a plain Word (.docx) document.",
    ),
    "html before the pdf signature": (
        "resume.pdf",
        lambda: b"<html><script>alert(document.cookie)</script>" + PDF_BYTES,
        "This file is not a PDF or a Word (.docx) document.",
    ),
    "a pdf that is also a web page": (
        "resume.pdf",
        lambda: b"%PDF-1.4\n<!DOCTYPE html><html><body><script>fetch('/me/')</script></body></html>\n" + PDF_BYTES[9:],
        "This PDF holds web page code or actions",
    ),
    "an svg with script inside a pdf": (
        "resume.pdf",
        lambda: pdf_with(b"1 0 obj << /Type /Catalog >> endobj % <SVG onload=alert(1)>"),
        "This PDF holds web page code or actions",
    ),
    "a pdf running javascript on opening": (
        "resume.pdf",
        lambda: pdf_with(b"1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj"),
        "This PDF holds web page code or actions",
    ),
    "a pdf hiding its javascript name with #xx escapes": (
        "resume.pdf",
        lambda: pdf_with(b"1 0 obj << /Type /Catalog /OpenAction << /S /J#61va#53cript /J#53 (x) >> >> endobj"),
        "This PDF holds web page code or actions",
    ),
    "a pdf launching a program": (
        "resume.pdf",
        lambda: pdf_with(b"1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj"),
        "This PDF holds web page code or actions",
    ),
    "a pdf with javascript inside a compressed object stream": (
        "resume.pdf",
        lambda: pdf_with(object_stream(b"6 0 << /S /JavaScript /JS (app.alert(1)) >>")),
        "This PDF holds web page code or actions",
    ),
}


@pytest.mark.parametrize(("name", "make", "message"), DOCUMENTS_ONLY.values(), ids=DOCUMENTS_ONLY.keys())
def test_only_plain_documents_are_accepted(applicant_client, applicant, name, make, message):
    response = _post_file(applicant_client, reverse("applicants:resume"), filename=name, content=make())

    assert response.status_code == 200
    assert message in response.content.decode()
    applicant.refresh_from_db()
    assert not applicant.resume
    assert private_files() == []


def test_a_real_pdf_from_a_pdf_writer_is_accepted(applicant_client, applicant):
    """Fonts, compressed streams and all (matplotlib writes a real PDF): the checks above refuse none of it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.5, 11))
    figure.text(0.1, 0.9, "Jane Doe, CPhT <jane@example.com>: IV room, Pyxis, Epic Willow", fontsize=12)
    figure.add_subplot().plot(range(50), [n * n for n in range(50)])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")

    response = _post_file(applicant_client, reverse("applicants:resume"), filename="cv.pdf", content=buffer.getvalue())

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.resume_name == "cv.pdf"


def test_a_docx_with_pictures_under_the_unpacked_limit_is_accepted(applicant_client, applicant):
    response = _post_file(applicant_client, reverse("applicants:resume"), filename="cv.docx", content=zip_bomb_docx(20))

    assert response.status_code == 302


def test_an_employer_downloads_an_application_resume_as_an_attachment(member_client, posting, applicant):
    profile_resume_set(profile=applicant, upload=pdf_upload("cv.pdf"))
    name, display = resume_copy(name=applicant.resume.name, display_name="cv.pdf", folder="applications")
    application = ApplicationFactory(posting=posting, profile=applicant, resume=name, resume_name=display)

    url = reverse("dashboard:review-application-resume", args=[posting.employer.slug, application.pk])
    response = member_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


# -- Bodies over the limit are refused before they are read -----------------------------------------------


class EndlessUpload:
    """A multipart body of `size` bytes (a PDF of zeros), made as it is read, counting what was read of it."""

    def __init__(self, size: int):
        self.size = size
        self.read_bytes = 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="resume"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()

    def read(self, size: int = -1) -> bytes:
        start = self.read_bytes
        size = self.size - start if size is None or size < 0 else min(size, self.size - start)
        self.read_bytes += size
        return (self.head[start : start + size] + bytes(size))[:size]

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def test_a_body_over_the_limit_is_refused_unread(applicant_client, applicant):
    body = EndlessUpload(100 * MB)

    response = applicant_client.generic(
        "POST",
        reverse("applicants:resume"),
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    assert response.status_code == 413
    assert "That file is too large" in response.content.decode()
    assert "You sent 100.0 MB" in response.content.decode()
    assert body.read_bytes == 0
    applicant.refresh_from_db()
    assert not applicant.resume
