import django.db.models.functions.text
from django.db import migrations, models

# The employer's reference joins the head of the search document as one lexeme, exactly as written (in lower
# case): a search for "REQ-1001" finds that posting (search.keywords adds the lexeme to a one-word query with a
# digit). Not parsed as words: PostgreSQL's parser reads "REQ-1001" as "req" and the number "-1001". Without
# positions, so it changes no word's position, and the whole document still starts with the head.
SEARCH_DOCUMENT_SQL = """
CREATE OR REPLACE FUNCTION postings_posting_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_head :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(
            (SELECT name FROM employers_employer WHERE id = NEW.employer_id), '')), 'B')
        || setweight(to_tsvector('english',
            replace(array_to_string(NEW.duties, ' '), '-', ' ') || ' ' || array_to_string(NEW.systems, ' ')), 'C')
        || CASE WHEN coalesce(NEW.reference, '') = '' THEN ''::tsvector
                ELSE array_to_tsvector(ARRAY[lower(NEW.reference)]) END;
    NEW.search_vector :=
        NEW.search_head || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
    RETURN NEW;
END
$$;

DROP TRIGGER postings_posting_search_vector ON postings_posting;
CREATE TRIGGER postings_posting_search_vector
    BEFORE INSERT OR UPDATE OF title, employer_id, duties, systems, description, reference ON postings_posting
    FOR EACH ROW EXECUTE FUNCTION postings_posting_search_vector();

UPDATE postings_posting SET title = title WHERE reference <> '';
"""

PREVIOUS_SQL = """
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

DROP TRIGGER postings_posting_search_vector ON postings_posting;
CREATE TRIGGER postings_posting_search_vector
    BEFORE INSERT OR UPDATE OF title, employer_id, duties, systems, description ON postings_posting
    FOR EACH ROW EXECUTE FUNCTION postings_posting_search_vector();

UPDATE postings_posting SET title = title WHERE reference <> '';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0019_drafts_and_revisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("lexeme", models.CharField(help_text="The stem a search matches it by.", max_length=100)),
                ("postings", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        django.db.models.functions.text.Length("word"), models.F("word"), name="search_word_by_length"
                    )
                ],
            },
        ),
        migrations.RunSQL(SEARCH_DOCUMENT_SQL, PREVIOUS_SQL),
    ]
