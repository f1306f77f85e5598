from django.db import migrations

# postings_facets() as the search criteria registry (postings/search/criteria.py) wrote it when this migration
# was made: the same tokens as 0016's, in another order within the array. A frozen copy, as migrations must
# not change under a database; tests/postings/test_facets.py compares the database's function with what the
# registry writes now, so that a criterion declared without its migration fails there. The same arguments, so
# the generated column and its index stay; a row keeps 0016's order of its tokens until it is next written,
# which no reader can tell (they test membership).
FACETS_SQL = """
CREATE OR REPLACE FUNCTION postings_facets(setting text, country text, region text, arrangement text, experience text, employment_types text[], shifts text[], pay_max numeric, pay_period text, published_at timestamptz, latitude float8, longitude float8) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
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

FACETS_0016_SQL = """
CREATE OR REPLACE FUNCTION postings_facets(
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
        ("postings", "0016_search_facets"),
    ]

    operations = [migrations.RunSQL(FACETS_SQL, FACETS_0016_SQL)]
