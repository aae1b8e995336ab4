"""On PostgreSQL, a b-tree index in the member search's order (search_name COLLATE "C",
id) carrying the organization: for a common name part ("nguyen" matches 40 % of a
province) PostgreSQL walks the names in order and stops after a page of matches in the
user's scope, instead of reading every match through the trigram index and sorting
them (issue 21). The planner's estimate of the term decides between the two; rare terms
keep the trigram index. SQLite keeps its plain index (the search sorts there)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS members_member_search_c "
        'ON members_member ((search_name COLLATE "C"), id) INCLUDE (organization_id)'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_member_search_c")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_importjob_moved_from_api")]
    operations = [migrations.RunPython(forwards, backwards)]
