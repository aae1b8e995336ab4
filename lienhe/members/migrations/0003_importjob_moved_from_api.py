"""ImportJob moves from the api app to members (issue 18): members no longer depends on
the API. State only: the table keeps its name (api_importjob), no data moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_search_trigram"),
        ("api", "0001_initial"),
        ("orgs", "0002_load_admin_units"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('members', 'Đảng viên'), ('orgs', 'Cây tổ chức đảng')], max_length=10, verbose_name='loại dữ liệu')),
                        ('filename', models.CharField(max_length=255, verbose_name='tên tệp')),
                        ('content', models.BinaryField()),
                        ('headers', models.JSONField(default=list)),
                        ('mapping', models.JSONField(default=dict)),
                        ('state', models.CharField(choices=[('uploaded', 'Đã tải lên, chờ xác nhận cột'), ('checking', 'Đang kiểm tra'), ('checked', 'Đã kiểm tra'), ('committing', 'Đang ghi vào cơ sở dữ liệu'), ('done', 'Đã nhập xong'), ('failed', 'Không nhập được')], default='uploaded', max_length=12)),
                        ('phase', models.CharField(blank=True, max_length=120)),
                        ('processed', models.PositiveIntegerField(default=0)),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('result', models.JSONField(default=dict)),
                        ('message', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.organization', verbose_name='nhập vào tổ chức')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_jobs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'lượt nhập dữ liệu',
                        'verbose_name_plural': 'lượt nhập dữ liệu',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'api_importjob',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
