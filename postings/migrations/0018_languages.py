import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# postings_facets() with the posting's languages ("l:es"), as the search criteria registry wrote it when this
# migration was made (a frozen copy; tests/postings/test_criteria.py holds the database's to the registry's).
# Its arguments change, so the generated column is dropped with its index and built again (a generated
# column's expression cannot be altered in place): a rewrite of the table, every row's tokens computed anew.
FACETS_SQL = """
DROP FUNCTION postings_facets(text, text, text, text, text, text[], text[], numeric, text, timestamptz, float8, float8);
CREATE FUNCTION postings_facets(setting text, country text, region text, arrangement text, experience text, employment_types text[], shifts text[], pay_max numeric, pay_period text, published_at timestamptz, latitude float8, longitude float8, languages text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_remove(ARRAY[
        'c:' || country,
        'r:' || region,
        CASE WHEN arrangement = 'remote' THEN 'remote:' || country END,
        'd:' || floor(extract(epoch FROM published_at) / 86400)::int,
        'q:' || floor(extract(epoch FROM published_at) / 21600)::int,
        'g:' || floor(latitude)::int || ':' || floor(longitude)::int
    ], NULL)
    || ARRAY['s:' || setting]
    || ARRAY(SELECT 'e:' || value FROM unnest(employment_types) AS value)
    || ARRAY(SELECT 'sh:' || value FROM unnest(shifts) AS value)
    || ARRAY['x:' || experience]
    || ARRAY['a:' || arrangement]
    || ARRAY(SELECT 'l:' || value FROM unnest(languages) AS value)
    || ARRAY(SELECT 'pge:' || dollars FROM generate_series(0, least(floor(
           (CASE WHEN pay_period = 'year' THEN pay_max / 2080 ELSE pay_max END)::numeric(10, 2)), 150)::int) AS dollars)
$$;
"""

FACETS_0017_SQL = """
DROP FUNCTION postings_facets(text, text, text, text, text, text[], text[], numeric, text, timestamptz, float8, float8, text[]);
CREATE FUNCTION postings_facets(setting text, country text, region text, arrangement text, experience text, employment_types text[], shifts text[], pay_max numeric, pay_period text, published_at timestamptz, latitude float8, longitude float8) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_remove(ARRAY[
        'c:' || country,
        'r:' || region,
        CASE WHEN arrangement = 'remote' THEN 'remote:' || country END,
        'd:' || floor(extract(epoch FROM published_at) / 86400)::int,
        'q:' || floor(extract(epoch FROM published_at) / 21600)::int,
        'g:' || floor(latitude)::int || ':' || floor(longitude)::int
    ], NULL)
    || ARRAY['s:' || setting]
    || ARRAY(SELECT 'e:' || value FROM unnest(employment_types) AS value)
    || ARRAY(SELECT 'sh:' || value FROM unnest(shifts) AS value)
    || ARRAY['x:' || experience]
    || ARRAY['a:' || arrangement]
    || ARRAY(SELECT 'pge:' || dollars FROM generate_series(0, least(floor(
           (CASE WHEN pay_period = 'year' THEN pay_max / 2080 ELSE pay_max END)::numeric(10, 2)), 150)::int) AS dollars)
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0017_facets_from_the_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="languages",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("es", "Spanish"),
                        ("fr", "French"),
                        ("zh", "Chinese (Mandarin or Cantonese)"),
                        ("vi", "Vietnamese"),
                        ("tl", "Tagalog"),
                        ("ko", "Korean"),
                        ("ar", "Arabic"),
                        ("ru", "Russian"),
                        ("ht", "Haitian Creole"),
                        ("pt", "Portuguese"),
                        ("pa", "Punjabi"),
                        ("hi", "Hindi"),
                    ],
                    max_length=2,
                ),
                blank=True,
                default=list,
                help_text="Languages asked for or welcomed besides English (ISO 639-1).",
                size=None,
            ),
        ),
        migrations.RemoveIndex(model_name="posting", name="posting_search"),
        migrations.RemoveField(model_name="posting", name="facets"),
        migrations.RunSQL(FACETS_SQL, FACETS_0017_SQL),
        migrations.AddField(
            model_name="posting",
            name="facets",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("setting"),
                    models.F("country"),
                    models.F("region"),
                    models.F("arrangement"),
                    models.F("experience"),
                    models.F("employment_types"),
                    models.F("shifts"),
                    models.F("pay_max"),
                    models.F("pay_period"),
                    models.F("published_at"),
                    models.F("latitude"),
                    models.F("longitude"),
                    models.F("languages"),
                    function="postings_facets",
                    output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                ),
                output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
            ),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector", "facets"], name="posting_search"),
        ),
    ]
