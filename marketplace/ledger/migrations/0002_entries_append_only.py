"""The database itself refuses to change a written ledger entry (docs/decisions/0024)."""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger entries are append-only: post a correcting entry';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only();
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update ON ledger_entry;",
    "DROP FUNCTION IF EXISTS ledger_entry_append_only();",
]
SQLITE = [
    """
    CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry'); END;
    """,
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS ledger_entry_no_update;"]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_UNDO if schema_editor.connection.vendor == "postgresql" else SQLITE_UNDO
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
