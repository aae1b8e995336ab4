"""On PostgreSQL, a trigram index makes the diacritic-free '%name%' search use an
index; SQLite keeps the plain b-tree index (and scans, fast enough per province)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS members_member_search_trgm "
        "ON members_member USING gin (search_name gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_organization_path_pattern "
        "ON orgs_organization (path varchar_pattern_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS members_member_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS orgs_organization_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial"), ("orgs", "0002_load_admin_units")]
    operations = [migrations.RunPython(forwards, backwards)]
