"""On PostgreSQL, consent decisions and parent notices reject UPDATE and DELETE: the
record of who decided what, and who was informed, is append-only in the database itself.
(TRUNCATE, used by the test runner's flush, stays possible for the database owner.)"""

from django.db import migrations

TABLES = ["consent_consentdecision", "consent_parentnotice"]

CREATE = """
CREATE OR REPLACE FUNCTION ikc_consent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
DROP TRIGGER IF EXISTS ikc_consent_append_only ON {table};
CREATE TRIGGER ikc_consent_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION ikc_consent_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS ikc_consent_append_only ON {table};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(DROP.format(table=table), params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS ikc_consent_append_only();", params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
