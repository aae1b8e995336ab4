"""The member's folded name copied onto each residence comment (lienhe.members.names),
filled from the members, and in the list's index: the list orders and searches by it
without joining the members (issue 21)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    # On PostgreSQL a trigram index for a search by a rare name (a common one reads the
    # list's index). Created before the copy, as the list's index (see below).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS reviews_comment_member_name_trgm "
            "ON reviews_residencecomment USING gin (member_search_name gin_trgm_ops)"
        )
    schema_editor.execute(
        "UPDATE reviews_residencecomment SET member_search_name = (SELECT m.search_name"
        " FROM members_member m WHERE m.id = reviews_residencecomment.member_id)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reviews_comment_member_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0006_member_search_name"),
        ("members", "0003_importjob_moved_from_api"),
        ("reviews", "0007_s6_list_search_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="residencecomment",
            name="reviews_comment_list_order",
        ),
        migrations.AddField(
            model_name="residencecomment",
            name="member_search_name",
            field=models.CharField(default="", editable=False, max_length=120),
        ),
        migrations.AddIndex(
            model_name="residencecomment",
            index=models.Index(
                fields=["year", "state", "due_on", "member_search_name", "id"],
                include=("member", "residence_org", "workplace_org"),
                name="reviews_comment_list_order",
            ),
        ),
        # Filled after the index exists: every row then gets its index entry with its
        # update. Indexing rows just updated (HOT chains) made PostgreSQL hold the new
        # index back from queries until every older transaction had ended.
        migrations.RunPython(forwards, backwards),
    ]
