"""Reads from a replica (DATABASE_REPLICA_URL): anonymous search, feeds and sitemaps read from it; writes,
locks, signed-in visitors and a visitor who just wrote use the primary.

The "replica" is a second database on the same server, a copy of the test database that the test refreshes
with pg_dump when it wants the replica to catch up: between two refreshes it lags, so a read from the wrong
database shows.
"""

import subprocess
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

from jobboard.db import REPLICA, WROTE_COOKIE, replica_allowed
from postings.models import Posting
from postings.search import SearchCriteria, posting_search
from tests.factories import PublishedPostingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


class Replica:
    def __init__(self, primary: dict) -> None:
        self.primary = primary
        self.settings = {**primary, "NAME": f"{primary['NAME']}_replica"}

    def _run(self, program: str, *args: str, stdin: bytes | None = None) -> bytes:
        server = ["-h", self.primary["HOST"] or "127.0.0.1", "-p", str(self.primary["PORT"] or 5432)]
        command = [program, *server, "-U", self.primary["USER"], *args]
        result = subprocess.run(command, input=stdin, capture_output=True, check=False)
        assert result.returncode == 0, result.stderr.decode()
        return result.stdout

    def create(self) -> None:
        """The replica's schema, once: creating a database is slow on a busy server."""
        name = self.settings["NAME"]
        self._run("psql", "-q", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{name}"')
        self._run("psql", "-q", "-d", "postgres", "-c", f'CREATE DATABASE "{name}"')
        schema = self._run("pg_dump", "--schema-only", "-d", self.primary["NAME"])
        self._run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", name, stdin=schema)

    def catch_up(self) -> None:
        """Make the replica's rows an exact copy of the primary's committed rows, as replication eventually does."""
        connections[REPLICA].close()
        data = self._run("pg_dump", "--data-only", "--disable-triggers", "-d", self.primary["NAME"])
        truncate = (
            "DO $$ BEGIN EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I', tablename), ', ') "
            "FROM pg_tables WHERE schemaname = 'public'); END $$;"
        )
        self._run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.settings["NAME"], "-c", truncate)
        self._run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.settings["NAME"], stdin=data)

    def stop(self) -> None:
        """As if the replica's server went away."""
        connections[REPLICA].close()
        connections[REPLICA].settings_dict = {**self.settings, "NAME": f"{self.settings['NAME']}_gone"}

    def drop(self) -> None:
        self._run("psql", "-q", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{self.settings["NAME"]}"')


@pytest.fixture(scope="module")
def _replica_database(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        replica = Replica(connections[DEFAULT_DB_ALIAS].settings_dict)
        replica.create()
        yield replica
        connections[REPLICA].close()
        replica.drop()


@pytest.fixture
def replica(settings, _replica_database):
    settings.ANONYMOUS_CACHE_SECONDS = 0  # every request reads the database
    mirror = connections[REPLICA].settings_dict  # the test settings' alias, mirroring the test database
    connections[REPLICA].close()
    connections[REPLICA].settings_dict = _replica_database.settings
    settings.DATABASE_REPLICA_URL = "set"
    _replica_database.catch_up()
    yield _replica_database
    connections[REPLICA].close()
    connections[REPLICA].settings_dict = mirror


def _search_ids() -> set[int]:
    return set(posting_search(SearchCriteria.of(q="technician")).ids)


def test_search_reads_from_the_replica_only_where_allowed(replica):
    seen = PublishedPostingFactory(title="Pharmacy Technician")
    replica.catch_up()
    new = PublishedPostingFactory(title="IV Technician")  # on the primary only, for now

    with replica_allowed():
        assert _search_ids() == {seen.pk}  # the planner's raw SQL and the rows both from the replica
        assert Posting.objects.select_for_update().db == DEFAULT_DB_ALIAS
    assert _search_ids() == {seen.pk, new.pk}

    replica.catch_up()
    with replica_allowed():
        assert _search_ids() == {seen.pk, new.pk}


def test_anonymous_visitors_read_the_replica_and_a_visitor_who_wrote_reads_the_primary(replica, client):
    PublishedPostingFactory(title="Pharmacy Technician")
    replica.catch_up()
    new = PublishedPostingFactory(title="Night Technician")
    url = reverse("postings:list") + "?q=night"

    assert new.get_absolute_url() not in client.get(url).content.decode()
    assert new.get_absolute_url() not in client.get(reverse("postings:feed") + "?q=night").content.decode()

    client.post(reverse("postings:list"))  # any POST: the browser wrote something a moment ago
    assert WROTE_COOKIE in client.cookies
    assert new.get_absolute_url() in client.get(url).content.decode()

    client.cookies[WROTE_COOKIE] = str(time.time() - 3600)  # long ago: back to the replica
    assert new.get_absolute_url() not in client.get(url).content.decode()

    client.force_login(UserFactory())
    assert new.get_absolute_url() in client.get(url).content.decode()


def test_the_sitemap_reads_the_replica(replica, client):
    PublishedPostingFactory()
    replica.catch_up()
    new = PublishedPostingFactory()

    assert new.get_absolute_url() not in client.get("/sitemap-jobs.xml").content.decode()


def test_healthz_checks_the_replica_too(replica, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["replica"] == "ok"

    replica.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "ok", "replica": "down"}
