from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lienhe.audit.models import AuditEvent
from lienhe.members.models import ImportJob, Member
from lienhe.orgs.models import Organization

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _upload(http, cast, name, org=None):
    with open(DATA / name, "rb") as handle:
        return http.post(
            reverse("members:import"),
            {"organization": (org or cast.commune).pk, "file": handle},
        )


def test_upload_check_preview_and_commit_journey(
    cast, login, immediate_tasks, django_capture_on_commit_callbacks
):
    http = login(cast.users["commune_staff"])
    response = _upload(http, cast, "members_good.xlsx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.kind == "members" and job.mapping["1"] == "card_number"
    page = http.get(response["Location"])
    assert "Ghép cột" in page.content.decode() and "Số thẻ đảng viên" in page.content.decode()
    mapping = {f"col-{k}": v for k, v in job.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        http.post(response["Location"], {"action": "check", **mapping})
    job.refresh_from_db()
    assert job.state == "checked" and job.result["creates"] == 3
    assert not Member.objects.filter(card_number="93000001").exists()
    preview = http.get(response["Location"]).content.decode()
    assert "Nguyễn Thị Hồng" in preview and "Xác nhận ghi" in preview
    with django_capture_on_commit_callbacks(execute=True):
        http.post(response["Location"], {"action": "commit"})
    job.refresh_from_db()
    assert job.state == "done" and job.content == b""
    assert Member.objects.filter(card_number__startswith="930000").count() == 3
    assert "Đã nhập xong" in http.get(response["Location"]).content.decode()


def test_commit_is_refused_while_errors_remain(
    cast, login, immediate_tasks, django_capture_on_commit_callbacks
):
    http = login(cast.users["commune_staff"])
    response = _upload(http, cast, "members_bad_dates.xlsx")
    job = ImportJob.objects.get()
    mapping = {f"col-{k}": v for k, v in job.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        http.post(response["Location"], {"action": "check", **mapping})
    page = http.get(response["Location"]).content.decode()
    assert "Lỗi cần sửa" in page and "Ngày sinh" in page and "Xác nhận ghi" not in page
    with django_capture_on_commit_callbacks(execute=True):
        follow = http.post(response["Location"], {"action": "commit"}, follow=True)
    assert "lỗi; hãy sửa tệp và tải lại, chưa ghi dòng nào." in follow.content.decode()
    assert not Member.objects.filter(card_number="93000002").exists()


def test_hostile_upload_shows_the_message_on_the_form(cast, login):
    http = login(cast.users["commune_staff"])
    response = _upload(http, cast, "old_excel.xls")
    assert response.status_code == 200
    assert ".xls" in response.content.decode() and not ImportJob.objects.exists()


def test_edited_mapping_must_keep_required_columns(cast, login):
    http = login(cast.users["commune_staff"])
    response = _upload(http, cast, "members_good.csv")
    follow = http.post(response["Location"], {"action": "check", "col-2": "full_name"}, follow=True)
    assert "Số thẻ đảng viên" in follow.content.decode()
    assert ImportJob.objects.get().state == "uploaded"


def test_progress_partial_polls_while_running(cast, login, django_assert_max_num_queries):
    http = login(cast.users["commune_staff"])
    job = ImportJob.objects.create(
        user=cast.users["commune_staff"],
        organization=cast.commune,
        kind="members",
        filename="x.xlsx",
        content=b"",
        state="checking",
        processed=500,
        total=1000,
    )
    with django_assert_max_num_queries(8):
        response = http.get(reverse("members:import_progress", args=[job.pk]))
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="50"' in html
    job.state = "checked"
    job.save()
    done = http.get(reverse("members:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_start_page_lists_own_jobs_with_bounded_queries(cast, login, django_assert_max_num_queries):
    http = login(cast.users["commune_staff"])
    for i in range(5):
        ImportJob.objects.create(
            user=cast.users["commune_staff"],
            organization=cast.commune,
            kind="members",
            filename=f"f{i}.xlsx",
            content=b"",
        )
    with django_assert_max_num_queries(15):
        response = http.get(reverse("members:import"))
    assert response.content.decode().count("f3.xlsx") == 1


def test_org_tree_import_creates_nodes_under_the_root(cast):
    call_command("import_members", str(DATA / "orgs_good.xlsx"), "--org", cast.province.code)
    assert not Organization.objects.filter(code="XA-MOI").exists()  # dry run by default
    call_command(
        "import_members", str(DATA / "orgs_good.xlsx"), "--org", cast.province.code, "--commit"
    )
    xa = Organization.objects.get(code="XA-MOI")
    t1 = Organization.objects.get(code="XA-MOI-T1")
    group = Organization.objects.get(code="XA-MOI-T1-TO1")
    assert xa.path.startswith(cast.province.path) and xa.kind == "base"
    assert t1.path.startswith(xa.path) and t1.meeting_day == 5
    assert group.kind == "group" and group.path.startswith(t1.path)
    assert AuditEvent.objects.filter(action="orgs.import.committed").count() == 1
    # idempotent
    call_command(
        "import_members", str(DATA / "orgs_good.xlsx"), "--org", cast.province.code, "--commit"
    )
    assert Organization.objects.filter(code__startswith="XA-MOI").count() == 4


def test_cli_reports_errors_and_writes_nothing(cast, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            str(DATA / "members_bad_dates.xlsx"),
            "--org",
            cast.commune.code,
            "--commit",
        )
    out = capsys.readouterr().out
    assert "Dòng 2, cột Ngày sinh" in out
    assert not Member.objects.filter(card_number="93000002").exists()


def test_cli_imports_with_mapping_override(cast, capsys):
    call_command(
        "import_members",
        str(DATA / "members_good.csv"),
        "--org",
        cast.commune.code,
        "--commit",
        "--map",
        "Địa chỉ=",
        "--user",
        "xa",
    )
    member = Member.objects.get(card_number="93000001")
    assert member.home_address == ""  # column skipped on request
    assert "Đã ghi" in capsys.readouterr().out


def test_cli_refuses_a_user_without_rights(cast):
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            str(DATA / "members_good.csv"),
            "--org",
            cast.commune.code,
            "--user",
            "bithu",
        )
