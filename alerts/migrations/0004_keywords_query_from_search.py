from django.db import migrations

import jobboard.fields


def read_keywords_as_search_does(apps, schema_editor):
    """Each alert's keywords as the search now reads them (hyphens, the pharmacy vocabulary ...)."""
    from postings.search import keywords_tsquery

    Alert = apps.get_model("alerts", "Alert")
    for text in Alert.objects.exclude(keywords="").values_list("keywords", flat=True).distinct().iterator():
        Alert.objects.filter(keywords=text).update(keywords_query=keywords_tsquery(text))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_delivery_claimed_at"),
        ("postings", "0020_search_words_and_references"),
    ]

    operations = [
        # websearch_to_tsquery() of the keywords was a generated column; the query is now built by the search's
        # code, which a generated column cannot call.
        migrations.RemoveField(model_name="alert", name="keywords_query"),
        migrations.AddField(
            model_name="alert",
            name="keywords_query",
            field=jobboard.fields.TsQueryField(blank=True, null=True),
        ),
        migrations.RunPython(read_keywords_as_search_does, migrations.RunPython.noop),
    ]
