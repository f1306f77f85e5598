import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

# The head of the search document (title, employer, duties and systems) is also stored on its own: small
# enough to live in the row, where the whole document (~2 KB) lives in TOAST storage and costs a lookup to
# read. The whole document starts with the head, positions included, so a query without negation that
# matches the head matches the whole document: searches test the head first (managers.search).
SEARCH_DOCUMENT_SQL = """
CREATE OR REPLACE FUNCTION postings_posting_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_head :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(
            (SELECT name FROM employers_employer WHERE id = NEW.employer_id), '')), 'B')
        || setweight(to_tsvector('english',
            replace(array_to_string(NEW.duties, ' '), '-', ' ') || ' ' || array_to_string(NEW.systems, ' ')), 'C');
    NEW.search_vector :=
        NEW.search_head || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
    RETURN NEW;
END
$$;

UPDATE postings_posting SET title = title;
"""

PREVIOUS_SQL = """
CREATE OR REPLACE FUNCTION postings_posting_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(
            (SELECT name FROM employers_employer WHERE id = NEW.employer_id), '')), 'B')
        || setweight(to_tsvector('english',
            replace(array_to_string(NEW.duties, ' '), '-', ' ') || ' ' || array_to_string(NEW.systems, ' ')), 'C')
        || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
    RETURN NEW;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0011_view_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="search_head",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunSQL(SEARCH_DOCUMENT_SQL, PREVIOUS_SQL),
        migrations.AddIndex(
            model_name="posting",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_head"], name="posting_search_head"),
        ),
    ]
