"""On PostgreSQL the audit table rejects UPDATE and DELETE: append-only in the database
itself, not just in the application. (TRUNCATE, used by the test runner's flush, is a
table-level operation and stays possible for the database owner.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ikc_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ikc_share_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ikc_audit_append_only ON ikc_share_auditevent;
CREATE TRIGGER ikc_audit_append_only BEFORE UPDATE OR DELETE ON ikc_share_auditevent
  FOR EACH ROW EXECUTE FUNCTION ikc_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS ikc_audit_append_only ON ikc_share_auditevent;
DROP FUNCTION IF EXISTS ikc_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
