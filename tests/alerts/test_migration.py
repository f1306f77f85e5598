"""Alerts moved from `applicants` into their own app: a database at the old schema, with alerts, deliveries
and ledger rows in it, migrates forward and keeps every row, its ids, its content types and its sequences."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from alerts.models import Alert, AlertDelivery, AlertPostingMatch
from tests.factories import PublishedPostingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("applicants", "0003_job_alerts"), ("alerts", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def test_moving_alerts_to_their_own_app_keeps_every_row():
    posting, other = PublishedPostingFactory(), PublishedPostingFactory()
    owner = UserFactory(email="sam@example.com")
    old_apps = _migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE[0]).apps
    OldAlert = old_apps.get_model("applicants", "Alert")
    OldDelivery = old_apps.get_model("applicants", "AlertDelivery")
    OldMatch = old_apps.get_model("applicants", "AlertPostingMatch")
    now = timezone.now()
    active = OldAlert.objects.create(
        user_id=owner.pk,
        email="sam@example.com",
        name="Hospital jobs in Texas",
        status="active",
        criteria={"region": "US-TX", "setting": ["hospital"]},
        criteria_key="a" * 64,
        region="US-TX",
        settings=["hospital"],
        keywords="iv room",
        match_keys=["r:US-TX"],
        matching_from=now,
    )
    unconfirmed = OldAlert.objects.create(email="kim@example.com", name="Anything", criteria_key="b" * 64)
    sent = OldDelivery.objects.create(alert=active, posting_id=posting.pk, status="sent", sent_at=now, run_matches=3)
    OldDelivery.objects.create(alert=active, posting_id=other.pk)
    OldMatch.objects.create(posting_id=posting.pk)
    old_type = ContentType.objects.get(app_label="applicants", model="alert")
    LogEntry.objects.create(
        user_id=UserFactory(is_staff=True).pk,
        content_type_id=old_type.pk,
        object_id=str(active.pk),
        object_repr="Hospital jobs in Texas",
        action_flag=ADDITION,
    )

    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
    moved = Alert.objects.get(pk=active.pk)
    # Its settings column became the generic facet keys on the way (alerts 0002).
    assert (moved.user_id, moved.email, moved.status, moved.region, moved.facet_keys, moved.keywords) == (
        owner.pk,
        "sam@example.com",
        Alert.Status.ACTIVE,
        "US-TX",
        ["s:hospital"],
        "iv room",
    )
    assert moved.facet_groups == 1
    assert moved.criteria == {"region": "US-TX", "setting": ["hospital"]}
    assert Alert.objects.get(pk=unconfirmed.pk).status == Alert.Status.UNCONFIRMED
    assert {(d.posting_id, d.status, d.run_matches) for d in AlertDelivery.objects.filter(alert=moved)} == {
        (posting.pk, "sent", 3),
        (other.pk, "pending", 1),
    }
    assert AlertDelivery.objects.get(pk=sent.pk).sent_at == sent.sent_at
    assert list(AlertPostingMatch.objects.values_list("posting_id", flat=True)) == [posting.pk]
    # The generated tsquery column still works, and new rows continue the old ids.
    assert Alert.objects.filter(pk=moved.pk, keywords_query__isnull=False).exists()
    assert Alert.objects.create(email="new@example.com", name="New", criteria_key="c" * 64).pk > unconfirmed.pk
    # The admin's history of the alert follows it into the new app.
    ContentType.objects.clear_cache()
    moved_type = ContentType.objects.get_for_model(Alert)
    assert moved_type.pk == old_type.pk
    assert LogEntry.objects.get(object_id=str(active.pk)).content_type_id == moved_type.pk
    assert not ContentType.objects.filter(app_label="applicants", model__startswith="alert").exists()
