"""Job alerts move out of `applicants` into an app of their own, with every row kept.

The tables existed as applicants_alert, applicants_alertdelivery and applicants_alertpostingmatch: they are
renamed in place (with their identity sequences), and their content types follow, so admin history and
permissions stay attached. Django's state gains the models here and loses them in applicants' 0004.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import jobboard.fields

MODELS = ["alert", "alertdelivery", "alertpostingmatch"]
RENAME_SQL = "".join(
    f"ALTER TABLE applicants_{model} RENAME TO alerts_{model};"
    f"ALTER SEQUENCE IF EXISTS applicants_{model}_id_seq RENAME TO alerts_{model}_id_seq;"
    for model in MODELS
)
UNRENAME_SQL = "".join(
    f"ALTER TABLE alerts_{model} RENAME TO applicants_{model};"
    f"ALTER SEQUENCE IF EXISTS alerts_{model}_id_seq RENAME TO applicants_{model}_id_seq;"
    for model in MODELS
)


def content_types_to_alerts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="applicants", model__in=MODELS).update(app_label="alerts")


def content_types_to_applicants(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="alerts", model__in=MODELS).update(app_label="applicants")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applicants", "0003_job_alerts"),
        ("postings", "0016_search_facets"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(RENAME_SQL, reverse_sql=UNRENAME_SQL),
                migrations.RunPython(content_types_to_alerts, content_types_to_applicants),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="AlertPostingMatch",
                    fields=[
                        (
                            "posting",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="postings.posting",
                            ),
                        ),
                        ("matched_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                ),
                migrations.CreateModel(
                    name="Alert",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                help_text="Where the alert is sent; stored in lower case.", max_length=254
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "frequency",
                            models.CharField(
                                choices=[
                                    ("instant", "As soon as they are posted"),
                                    ("daily", "Once a day"),
                                    ("weekly", "Once a week"),
                                ],
                                default="daily",
                                max_length=7,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("unconfirmed", "Waiting for confirmation"),
                                    ("active", "Active"),
                                    ("paused", "Paused"),
                                    ("unsubscribed", "Unsubscribed"),
                                ],
                                default="unconfirmed",
                                max_length=12,
                            ),
                        ),
                        ("paused_reason", models.CharField(blank=True, max_length=200)),
                        (
                            "criteria",
                            models.JSONField(default=dict, help_text="The search parameters, as /jobs/ takes them."),
                        ),
                        (
                            "criteria_key",
                            models.CharField(
                                help_text="A hash of the criteria: one alert per search and address.", max_length=64
                            ),
                        ),
                        ("keywords", models.CharField(blank=True, max_length=200)),
                        (
                            "keywords_query",
                            models.GeneratedField(
                                db_persist=True,
                                expression=models.Case(
                                    models.When(keywords="", then=models.Value(None)),
                                    default=django.contrib.postgres.search.SearchQuery(
                                        models.F("keywords"), config="english", search_type="websearch"
                                    ),
                                ),
                                output_field=jobboard.fields.TsQueryField(null=True),
                            ),
                        ),
                        ("country", models.CharField(blank=True, max_length=2)),
                        ("region", models.CharField(blank=True, max_length=6)),
                        ("city", models.CharField(blank=True, max_length=100)),
                        (
                            "place_label",
                            models.CharField(blank=True, help_text='The resolved "near" place.', max_length=120),
                        ),
                        ("latitude", models.FloatField(blank=True, null=True)),
                        ("longitude", models.FloatField(blank=True, null=True)),
                        ("radius_km", models.FloatField(blank=True, null=True)),
                        ("min_latitude", models.FloatField(blank=True, null=True)),
                        ("max_latitude", models.FloatField(blank=True, null=True)),
                        ("min_longitude", models.FloatField(blank=True, null=True)),
                        ("max_longitude", models.FloatField(blank=True, null=True)),
                        ("latitude_radians", models.FloatField(blank=True, null=True)),
                        ("latitude_cosine", models.FloatField(blank=True, null=True)),
                        ("longitude_radians", models.FloatField(blank=True, null=True)),
                        (
                            "settings",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=25), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "employment_types",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=12), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "shifts",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=10), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "experience",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=12), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "arrangements",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=8), blank=True, default=list, size=None
                            ),
                        ),
                        (
                            "pay_floor_hourly",
                            models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True),
                        ),
                        ("training", models.BooleanField(default=False)),
                        ("qualified", models.BooleanField(default=False)),
                        (
                            "match_keys",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=160), blank=True, default=list, size=None
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "matching_from",
                            models.DateTimeField(
                                blank=True, help_text="Only postings published after this.", null=True
                            ),
                        ),
                        ("next_digest_at", models.DateTimeField(blank=True, null=True)),
                        ("last_digest_at", models.DateTimeField(blank=True, null=True)),
                        ("last_sent_at", models.DateTimeField(blank=True, null=True)),
                        ("paused_at", models.DateTimeField(blank=True, null=True)),
                        ("unsubscribed_at", models.DateTimeField(blank=True, null=True)),
                        ("permanent_failures", models.PositiveSmallIntegerField(default=0)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="job_alerts",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="AlertDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting to be sent"),
                                    ("sent", "Sent"),
                                    ("skipped", "Not sent: the job closed or the alert stopped"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=7,
                            ),
                        ),
                        ("matched_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("message_id", models.CharField(blank=True, max_length=255)),
                        ("last_error", models.CharField(blank=True, max_length=500)),
                        ("run_matches", models.PositiveIntegerField(default=1)),
                        (
                            "alert",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="alerts.alert",
                            ),
                        ),
                        (
                            "posting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="postings.posting"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "alert deliveries",
                    },
                ),
                migrations.AddIndex(
                    model_name="alert",
                    index=models.Index(
                        condition=models.Q(("status", "active")),
                        fields=["frequency", "next_digest_at"],
                        name="alert_digest_due",
                    ),
                ),
                migrations.AddIndex(
                    model_name="alert",
                    index=models.Index(fields=["email"], name="alert_email"),
                ),
                migrations.AddIndex(
                    model_name="alert",
                    index=django.contrib.postgres.indexes.GinIndex(fields=["match_keys"], name="alert_match_keys"),
                ),
                migrations.AddConstraint(
                    model_name="alert",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "unsubscribed"), _negated=True),
                        fields=("email", "criteria_key"),
                        name="alert_once_per_search_and_address",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="alert",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status", "unconfirmed"),
                            ("status", "unsubscribed"),
                            ("matching_from__isnull", False),
                            _connector="OR",
                        ),
                        name="alert_confirmed_has_matching_from",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="alert",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("latitude__isnull", True), ("radius_km__isnull", True)),
                            models.Q(("latitude__isnull", False), ("longitude__isnull", False), ("radius_km__gt", 0)),
                            _connector="OR",
                        ),
                        name="alert_near_has_radius",
                    ),
                ),
                migrations.AddIndex(
                    model_name="alertdelivery",
                    index=models.Index(
                        condition=models.Q(("status", "pending")), fields=["next_attempt_at"], name="alert_delivery_due"
                    ),
                ),
                migrations.AddIndex(
                    model_name="alertdelivery",
                    index=django.contrib.postgres.indexes.BrinIndex(
                        fields=["matched_at"], name="alert_delivery_matched"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="alertdelivery",
                    constraint=models.UniqueConstraint(fields=("alert", "posting"), name="alert_delivery_once"),
                ),
            ],
        ),
    ]
