import django.contrib.postgres.fields
from django.db import migrations, models

# The five choice columns' values as the search's facet tokens, with their prefixes as they were when this
# migration was made (a frozen copy: the registry may grow, these columns will not come back).
PREFIXES = {"settings": "s", "employment_types": "e", "shifts": "sh", "experience": "x", "arrangements": "a"}


def to_facet_keys(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    for alert in Alert.objects.only("pk", *PREFIXES).iterator(chunk_size=2000):
        groups = [[f"{prefix}:{value}" for value in getattr(alert, column)] for column, prefix in PREFIXES.items()]
        groups = [group for group in groups if group]
        alert.facet_keys = sorted(key for group in groups for key in group)
        alert.facet_groups = len(groups)
        alert.save(update_fields=["facet_keys", "facet_groups"])


def to_columns(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    columns = {prefix: column for column, prefix in PREFIXES.items()}
    for alert in Alert.objects.only("pk", "facet_keys").iterator(chunk_size=2000):
        for key in alert.facet_keys:
            prefix, value = key.split(":", 1)
            if prefix in columns:
                getattr(alert, columns[prefix]).append(value)
        alert.save(update_fields=list(PREFIXES))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="facet_groups",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="alert",
            name="facet_keys",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=60), blank=True, default=list, size=None
            ),
        ),
        migrations.RunPython(to_facet_keys, to_columns),
        migrations.RemoveField(model_name="alert", name="arrangements"),
        migrations.RemoveField(model_name="alert", name="employment_types"),
        migrations.RemoveField(model_name="alert", name="experience"),
        migrations.RemoveField(model_name="alert", name="settings"),
        migrations.RemoveField(model_name="alert", name="shifts"),
    ]
