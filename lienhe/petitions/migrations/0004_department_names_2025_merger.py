"""Agencies stored under a department name from before the 2025 restructuring are
renamed to today's department (Nghị định 45/2025/NĐ-CP), or, where today's department
already exists, merged into it: its petitions and handlers move, the old row stays
inactive for the record."""

from django.db import migrations


def forwards(apps, schema_editor):
    from lienhe.petitions.merger import successor
    from lienhe.text import fold

    Agency = apps.get_model("petitions", "Agency")
    Petition = apps.get_model("petitions", "Petition")
    for agency in Agency.objects.order_by("id"):
        new = successor(agency.name)
        if new is None:
            continue
        target = Agency.objects.filter(name=new).exclude(pk=agency.pk).first()
        if target is None:
            agency.name = new
            agency.search_name = fold(f"{new} {agency.short_name}")
            agency.save(update_fields=["name", "search_name"])
            continue
        Petition.objects.filter(agency=agency).update(agency=target)
        target.handlers.add(*agency.handlers.all())
        agency.is_active = False
        agency.save(update_fields=["is_active"])


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_softdelete")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
