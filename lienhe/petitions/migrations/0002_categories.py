"""The default category taxonomy (editable in admin afterwards)."""

from django.db import migrations

CATEGORIES = [
    ("land", "Đất đai, giấy chứng nhận quyền sử dụng đất", 10),
    ("infrastructure", "Giao thông, hạ tầng, điện, nước", 20),
    ("environment", "Môi trường, rác thải, vệ sinh", 30),
    ("social", "Chính sách xã hội, người có công, bảo trợ", 40),
    ("security", "An ninh, trật tự, an toàn giao thông", 50),
    ("health-education", "Y tế, giáo dục", 60),
    ("economy", "Kinh tế, sản xuất, việc làm", 70),
    ("administration", "Thủ tục hành chính, thái độ cán bộ", 80),
    ("party", "Xây dựng Đảng, hệ thống chính trị", 90),
    ("other", "Lĩnh vực khác", 999),
]


def add(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for code, name, order in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove(apps, schema_editor):
    apps.get_model("petitions", "Category").objects.filter(
        code__in=[c for c, _n, _o in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
