"""On PostgreSQL, a trigram index on the upper-cased letter number, so the letters
search (`number__icontains`, i.e. UPPER(number) LIKE UPPER('%…%')) reads the index
instead of every letter (issue 21). SQLite keeps scanning (fast enough per province)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS liaison_introduction_number_trgm "
        "ON liaison_introduction USING gin (UPPER(number::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS liaison_introduction_number_trgm")


class Migration(migrations.Migration):
    dependencies = [("liaison", "0004_list_order_index"), ("members", "0002_search_trigram")]
    operations = [migrations.RunPython(forwards, backwards)]
