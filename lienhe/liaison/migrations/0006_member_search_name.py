"""The member's folded name copied onto each letter (lienhe.members.names), filled from
the members; on PostgreSQL a trigram index on it, so a search by name reads the letters
matching it instead of most of the members (issue 21). SQLite scans the letters."""

from django.db import migrations, models

BACKFILL = (
    "UPDATE liaison_introduction SET member_search_name = (SELECT m.search_name"
    " FROM members_member m WHERE m.id = liaison_introduction.member_id)"
)


def forwards(apps, schema_editor):
    # The index first, then the copy: every letter then gets its index entry with its
    # update. Indexing rows just updated (HOT chains) made PostgreSQL hold the new index
    # back from queries until every older transaction had ended.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS liaison_introduction_member_name_trgm "
            "ON liaison_introduction USING gin (member_search_name gin_trgm_ops)"
        )
    schema_editor.execute(BACKFILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS liaison_introduction_member_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0005_s6_list_search_indexes"),
        ("members", "0003_importjob_moved_from_api"),
    ]

    operations = [
        migrations.AddField(
            model_name="introduction",
            name="member_search_name",
            field=models.CharField(default="", editable=False, max_length=120),
        ),
        migrations.RunPython(forwards, backwards),
    ]
