import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# A posting's facets as tokens, for the GIN index it shares with the search document: one index scan then
# intersects the keywords with the filters and with the window at the front of the order (managers.facet).
# Immutable (a generated column's expression must be): days and quarter days ("d:", "q:", six hours, so that a
# window of the newest need not be a whole day, ~3 % of postings) are counted in UTC from the epoch. Pay has a
# token for every whole dollar up to pay_max_hourly, as that column rounds it (numeric(10, 2)): "pge:27" is
# exactly pay_max_hourly >= 27 (up to "pge:150"), so that a floor or the front of the pay order is one entry
# of the index, where a list of one-dollar buckets is dozens, which a scan merges item by item ("prior
# authorization" and $22/h or more: 68 ms with the buckets, 10 ms with one entry).
FACETS_SQL = """
CREATE FUNCTION postings_facets(
    setting text, country text, region text, arrangement text, experience text, employment_types text[],
    shifts text[], pay_max numeric, pay_period text, published_at timestamptz, latitude float8, longitude float8
) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_remove(ARRAY[
        's:' || setting,
        'c:' || country,
        'r:' || region,
        'a:' || arrangement,
        'x:' || experience,
        CASE WHEN arrangement = 'remote' THEN 'remote:' || country END,
        'd:' || floor(extract(epoch FROM published_at) / 86400)::int,
        'q:' || floor(extract(epoch FROM published_at) / 21600)::int,
        'g:' || floor(latitude)::int || ':' || floor(longitude)::int
    ], NULL)
    || ARRAY(SELECT 'e:' || kind FROM unnest(employment_types) AS kind)
    || ARRAY(SELECT 'sh:' || shift FROM unnest(shifts) AS shift)
    || ARRAY(SELECT 'pge:' || dollars FROM generate_series(0, least(floor(
           (CASE WHEN pay_period = 'year' THEN pay_max / 2080 ELSE pay_max END)::numeric(10, 2)), 150)::int) AS dollars)
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0015_remote_roles_by_date"),
    ]

    operations = [
        migrations.RunSQL(FACETS_SQL, "DROP FUNCTION postings_facets"),
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
                    function="postings_facets",
                    output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                ),
                output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
            ),
        ),
        migrations.RemoveIndex(model_name="posting", name="posting_search_vector"),
        migrations.RemoveIndex(model_name="posting", name="posting_employment_types"),
        migrations.RemoveIndex(model_name="posting", name="posting_shifts"),
        migrations.AddIndex(
            model_name="posting",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector", "facets"], name="posting_search"),
        ),
    ]
