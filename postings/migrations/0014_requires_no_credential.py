from django.db import migrations, models

# Posting.requires_no_credential, kept by the database like the search document: one statement-level trigger
# per kind of change to the requirements, each recomputing the flag of the postings its rows belong to (a
# requirement never moves to another posting). Statement-level, so a COPY of thousands of requirements costs
# one UPDATE, which writes only the rows whose flag changes.
TRIGGERS_SQL = """
CREATE FUNCTION postings_requirements_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE postings_posting p
    SET requires_no_credential = flag.value
    FROM (
        SELECT changed.posting_id, NOT EXISTS (
            SELECT 1 FROM postings_credentialrequirement r
            WHERE r.posting_id = changed.posting_id AND r.level = 'required'
        ) AS value
        FROM (SELECT DISTINCT posting_id FROM changed_rows) AS changed
    ) AS flag
    WHERE p.id = flag.posting_id AND p.requires_no_credential IS DISTINCT FROM flag.value;
    RETURN NULL;
END
$$;

CREATE TRIGGER postings_requirements_inserted AFTER INSERT ON postings_credentialrequirement
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION postings_requirements_changed();
CREATE TRIGGER postings_requirements_updated AFTER UPDATE ON postings_credentialrequirement
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION postings_requirements_changed();
CREATE TRIGGER postings_requirements_deleted AFTER DELETE ON postings_credentialrequirement
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION postings_requirements_changed();

UPDATE postings_posting p SET requires_no_credential = false
WHERE EXISTS (
    SELECT 1 FROM postings_credentialrequirement r WHERE r.posting_id = p.id AND r.level = 'required'
);
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS postings_requirements_inserted ON postings_credentialrequirement;
DROP TRIGGER IF EXISTS postings_requirements_updated ON postings_credentialrequirement;
DROP TRIGGER IF EXISTS postings_requirements_deleted ON postings_credentialrequirement;
DROP FUNCTION IF EXISTS postings_requirements_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0013_similar_jobs_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="requires_no_credential",
            field=models.BooleanField(db_default=True, default=True, editable=False),
        ),
        migrations.RunSQL(TRIGGERS_SQL, REVERSE_SQL),
    ]
