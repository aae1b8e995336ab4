"""ImportJob moved to members (members 0003): removed from the api app's state only;
the table api_importjob stays and now belongs to members.ImportJob."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("members", "0003_importjob_moved_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportJob")],
            database_operations=[],
        ),
    ]
