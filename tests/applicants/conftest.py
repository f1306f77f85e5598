import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applicants.storage import private_media_root
from tests.factories import ApplicantProfileFactory, EmployerMemberFactory, PublishedPostingFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def pdf_upload(name: str = "Jane Doe resume.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(name: str = "resume.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, docx_bytes(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def private_files() -> list[str]:
    root = private_media_root()
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def applicant(db):
    return ApplicantProfileFactory(full_name="Jane Doe", user=UserFactory(email="jane@example.com"))


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant.user)
    return client


@pytest.fixture
def posting(db):
    return PublishedPostingFactory(title="Hospital Pharmacy Technician")


@pytest.fixture
def member(posting):
    """A member of the posting's employer."""
    return EmployerMemberFactory(employer=posting.employer, user=UserFactory(email="recruiter@example.com")).user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
