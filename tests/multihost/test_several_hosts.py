"""Several hosts on one machine: two web servers (gunicorn, production settings) and a Celery worker, each with
a MEDIA_ROOT of its own, sharing one PostgreSQL, one Redis and an S3 API server (moto's, on the loopback).

An applicant uploads a resume through host A and applies with it through host B; the export through B holds
it; the employer downloads it through A; the purge on the worker removes it from storage. A logo uploaded
through A shows on B. Nothing may depend on which host served the request before.
"""

import io
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.test import Client
from django.utils import timezone

from applicants.models import Application
from jobboard.celery import app as celery_app
from postings.models import Posting
from tests.applicants.conftest import PDF_BYTES
from tests.factories import ApplicantProfileFactory, EmployerMemberFactory, PublishedPostingFactory, UserFactory
from tests.integration.conftest import _free_port, _test_database_url
from tests.s3 import CREDENTIALS, buckets_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # send_task: to the real worker
]

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN = "--workers 1 --threads 4 --timeout 60"
WORKER = "--pool solo --without-gossip --without-mingle --loglevel WARNING"
SECRET_KEY = "multihost-" + "k" * 30 + "-0nly-f0r-th3-t3st-" + "z" * 10


def _environment(buckets, media_root: Path, redis_url: str) -> dict[str, str]:
    database_url = _test_database_url()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DATABASE_REPLICA_URL": database_url,  # the same database: the router's second alias, in production
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media_root),
        "S3_MEDIA_BUCKET": buckets.media,
        "S3_RESUME_BUCKET": buckets.resumes,
        "S3_ENDPOINT_URL": buckets.endpoint,
        "S3_REGION": CREDENTIALS["region_name"],
        "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
    }


class Host:
    """A browser's view of one web host: cookies kept by hand, since production cookies are Secure and this
    test speaks plain HTTP on the loopback."""

    def __init__(self, url: str, cookies: dict[str, str]) -> None:
        self.url = url
        self.cookies = cookies

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, self.url + path, cookies=self.cookies, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        assert response.status_code < 500, response.text[:2000]
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict, files: dict | None = None) -> requests.Response:
        page = self.get(path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": token}, files=files)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never became healthy:\n{log.read_text()[-3000:]}")


@pytest.fixture
def cluster(s3_endpoint, tmp_path, settings):
    """Host A and host B (gunicorn) and a worker, each with its own MEDIA_ROOT; yields (a, b, buckets, queue)."""
    settings.SECRET_KEY = SECRET_KEY  # sessions made by the test are valid on the hosts
    buckets = buckets_create(s3_endpoint)
    queue = f"multihost-{uuid.uuid4().hex[:8]}"  # this test's worker takes only this test's tasks
    processes, urls = [], []
    # Production names static files by collectstatic's manifest: collected once, as a deploy (the Procfile) does.
    static = {"STATIC_ROOT": str(tmp_path / "static")}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, check=True,
                   env={**_environment(buckets, tmp_path / "media", settings.REDIS_URL), **static})  # fmt: skip
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"web-{name}.log"
            process = subprocess.Popen(
                [sys.executable, "-m", *f"gunicorn jobboard.wsgi --bind 127.0.0.1:{port} {GUNICORN}".split()],
                cwd=BASE_DIR,
                env={**_environment(buckets, tmp_path / f"web-{name}" / "media", settings.REDIS_URL), **static},
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            urls.append((f"http://127.0.0.1:{port}", process, log))
        worker_log = tmp_path / "worker.log"
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", *f"celery -A jobboard worker --queues {queue} {WORKER}".split()],
                cwd=BASE_DIR,
                env=_environment(buckets, tmp_path / "worker" / "media", settings.REDIS_URL),
                stdout=worker_log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
        for url, process, log in urls:
            _wait_healthy(url, process, log)
        yield urls[0][0], urls[1][0], buckets, queue
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _session_cookies(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not do it in time"
        time.sleep(0.3)


def _jpeg_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 150), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_resume_and_a_logo_travel_between_hosts(cluster):
    url_a, url_b, buckets, queue = cluster
    posting = PublishedPostingFactory(title="Hospital Pharmacy Technician")
    owner = EmployerMemberFactory(employer=posting.employer, role="owner").user
    applicant = ApplicantProfileFactory(full_name="Jane Doe", user=UserFactory(email="jane@example.com"))
    jane = _session_cookies(applicant.user)
    content = PDF_BYTES + b"% Jane's resume, sent from host A\n"

    # The resume goes up through host A ...
    host_a = Host(url_a, jane)
    response = host_a.post_form("/me/resume/", {}, files={"resume": ("Jane.pdf", content, "application/pdf")})
    assert response.status_code == 302
    # ... and the application through host B, whose disk never saw it.
    host_b = Host(url_b, jane)
    apply_path = f"/jobs/{posting.pk}/apply/"
    response = host_b.post_form(apply_path, {"cover_note": "Nights suit me.", "resume_choice": "profile"})
    assert response.status_code == 302, response.text[:2000]
    application = Application.objects.get()
    assert application.resume_name == "Jane.pdf"

    # The export through B holds both copies.
    export = host_b.get("/me/privacy/export/")
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        resumes = {name: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}
    assert resumes == {"resume/Jane.pdf": content, f"applications/{application.pk}-Jane.pdf": content}

    # The employer downloads it through A.
    employer_a = Host(url_a, _session_cookies(owner))
    download = employer_a.get(f"/employer/{posting.employer.slug}/applicants/{application.pk}/resume/")
    assert download.status_code == 200
    assert download.content == content

    # The purge, on the worker, removes the application's copy from storage.
    application_key = f"private/{application.resume.name}"
    assert application_key in buckets.keys(buckets.resumes)
    long_ago = timezone.now() - timedelta(days=400)
    Posting.objects.filter(pk=posting.pk).update(
        status=Posting.Status.EXPIRED, published_at=long_ago - timedelta(days=30), expires_at=long_ago
    )
    celery_app.send_task("applicants.tasks.application_resumes_purge_task", queue=queue)
    _wait_for(lambda: application_key not in buckets.keys(buckets.resumes))
    application.refresh_from_db()
    assert not application.resume
    assert application.resume_purged_at is not None

    # A logo uploaded through A shows on B, from the store.
    form = {"name": posting.employer.name, "type": "health-system"}
    response = employer_a.post_form(
        f"/employer/{posting.employer.slug}/edit/", form, files={"logo": ("logo.png", _jpeg_logo(), "image/png")}
    )
    assert response.status_code == 302, response.text[:3000]
    page = Host(url_b, {}).get(f"/employers/{posting.employer.slug}/").text
    src = re.search(r'<img class="avatar[^"]*" src="([^"]+)"', page).group(1)
    assert src.startswith(f"{buckets.endpoint}/{buckets.media}/media/logos/")
    with urllib.request.urlopen(src) as logo:
        assert logo.read()[:3] == b"\xff\xd8\xff"
