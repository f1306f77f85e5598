"""Job alerts now live in the `alerts` app: its 0001 renamed the tables and took the models; here
`applicants` only forgets them (no database change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0003_job_alerts"),
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AlertDelivery"),
                migrations.DeleteModel(name="AlertPostingMatch"),
                migrations.DeleteModel(name="Alert"),
            ],
        ),
    ]
