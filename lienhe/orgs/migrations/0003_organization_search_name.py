"""Organizations get a folded name column so the organization pickers search on demand
without diacritics (issue 21), instead of a <select> of every organization."""

from django.db import migrations, models

from lienhe.text import fold


def fill(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    batch = []
    for org in Organization.objects.only("pk", "name").iterator(chunk_size=2000):
        org.search_name = fold(org.name)
        batch.append(org)
        if len(batch) >= 2000:
            Organization.objects.bulk_update(batch, ["search_name"])
            batch.clear()
    Organization.objects.bulk_update(batch, ["search_name"])


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_organization_search_trgm "
        "ON orgs_organization USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS orgs_organization_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_load_admin_units")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_name",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram, drop_trigram),
    ]
