"""The letters' (residence_org, state) index carries the member on PostgreSQL: the
members introduced to a cell in a user's scope are read from the index alone (issue 21)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [('liaison', '0006_member_search_name')]

    operations = [
        migrations.RemoveIndex(
            model_name='introduction',
            name='liaison_int_residen_ad7322_idx',
        ),
        migrations.AddIndex(
            model_name='introduction',
            index=models.Index(fields=['residence_org', 'state'], include=('member',), name='liaison_int_residen_mem_idx'),
        ),
    ]
