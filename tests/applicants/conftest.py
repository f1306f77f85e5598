import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applicants.storage import private_media_root
from tests.factories import ApplicantProfileFactory, EmployerMemberFactory, PublishedPostingFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Jane Doe, CPhT</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(extra: dict[str, bytes] | None = None, content_types: str = DOCX_CONTENT_TYPES) -> bytes:
    """A minimal Word document as Word writes one (content types, relationships, the document)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
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
