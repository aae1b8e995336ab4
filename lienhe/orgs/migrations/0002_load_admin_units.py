"""Load Vietnam's post-2025 administrative units (34 provinces, 3,321 communes)."""

from django.db import migrations


def load(apps, schema_editor):
    from lienhe.orgs.admin_units import load_admin_units

    load_admin_units(apps.get_model("orgs", "AdminUnit"))


def unload(apps, schema_editor):
    apps.get_model("orgs", "AdminUnit").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
