import pytest
from django.core.cache import cache
from django.db import connection, transaction

# Rows that data migrations load and tests rely on. A transactional test (live server, real worker) ends
# by emptying every table; Django's serialized_rollback would reload these one object at a time (about 25 s
# with the places table), so they are copied aside once, in PostgreSQL, and copied back when found empty.
SEEDED_TABLES = ["postings_credentialtype", "postings_place"]
SNAPSHOT_PREFIX = "test_seed_"


@pytest.fixture(scope="session", autouse=True)
def _seeded_snapshot(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in SEEDED_TABLES:
            cursor.execute(f'DROP TABLE IF EXISTS "{SNAPSHOT_PREFIX}{table}"')
            cursor.execute(f'CREATE TABLE "{SNAPSHOT_PREFIX}{table}" AS TABLE "{table}"')


def _restore_seeded_rows() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table in SEEDED_TABLES:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if not cursor.fetchone()[0]:
                cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{SNAPSHOT_PREFIX}{table}"')


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """Every database test starts with the migrations' rows, even after a transactional test's flush."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request, marker) else "db")
    _restore_seeded_rows()


def _is_transactional(request, marker) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (a database of its own: see settings/test.py)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the developer's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of a real S3 API server (moto's) on the loopback, shared by the session's tests."""
    from tests.s3 import s3_server_start

    server, endpoint = s3_server_start()
    yield endpoint
    server.stop()


@pytest.fixture
def object_storage(settings, s3_endpoint):
    """Logos and resumes in fresh buckets of the S3 server, as on several hosts (settings: S3_MEDIA_BUCKET)."""
    from tests.s3 import buckets_create

    buckets = buckets_create(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, **buckets.storages()}
    return buckets
