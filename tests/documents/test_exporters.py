"""Every spreadsheet export goes through the one exporter base: widths, frozen
header, numbers as numbers, one table per sheet, the module's export permission
(refused to `viewer`) and an audit row for every export."""

import csv
import io
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lienhe.audit.models import AuditEvent
from lienhe.documents import export_jobs
from lienhe.documents.exports import EXPORTERS, PROGRESS_EVERY, ListExporter, Table
from lienhe.documents.models import ExportJob
from lienhe.notify.models import Notification

from ..visits.world import world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _committee(cast):
    return {"pk": world(cast).committee.pk}


def _world(cast):
    world(cast)
    return {}


def _periodic_run(cast):
    from lienhe.reports.models import ReportRun

    run = ReportRun.objects.create(
        user=cast.users["province_staff"],
        organization=cast.province,
        period="2026",
        state=ReportRun.State.DONE,
        result=[
            {
                "key": "members",
                "title": "Đảng viên",
                "figures": [
                    {
                        "label": "Tổng số đảng viên",
                        "value": 98377,
                        "kind": "int",
                        "previous": 97000,
                    },
                    {"label": "Tỷ lệ nữ", "value": 0.3052, "kind": "percent", "previous": None},
                ],
            }
        ],
    )
    return {"pk": run.pk}


# (url name, query, kwargs, exporter class name)
CASES = [
    ("members:export", "", None, "MemberExporter"),
    ("liaison:export", "", None, "LetterExporter"),
    ("meetings:export", "", None, "MeetingExporter"),
    ("meetings:report_export", "", None, "FrequencyExporter"),
    ("petitions:export", "", None, "PetitionExporter"),
    ("petitions:report", "format=xlsx", None, "TableExporter"),
    ("reviews:export", "", None, "CommentExporter"),
    ("reviews:report", "format=xlsx", None, "TableExporter"),
    ("reports:participation_export", "", None, "TableExporter"),
    ("reports:periodic_run", "format=xlsx", _periodic_run, "TableExporter"),
    ("today:redflags_export", "", None, "RedFlagExporter"),
    ("visits:plan_export", "", _world, "PlanExporter"),
    ("visits:committee_export", "", _committee, "CommitteeMemberExporter"),
    ("visits:compliance_export", "", _world, "ComplianceExporter"),
    ("visits:compliance_export", "by=cells", _world, "CellCoverageExporter"),
    ("away:export", "", None, "AwayExporter"),
    ("away:exemptions_export", "", None, "ExemptionExporter"),
    ("away:transfers_export", "", None, "TransferExporter"),
    ("away:fees_export", "", None, "FeeReportExporter"),
    ("away:fee_arrears_export", "", None, "ArrearsExporter"),
    ("away:report_export", "", None, "SupervisionExporter"),
]

_NUMBER_AS_TEXT = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+(,\d+)?%)$")


def test_every_registered_exporter_has_an_export_case():
    covered = {name for *_x, name in CASES}
    registered = {
        cls.__name__ for cls in EXPORTERS.values() if cls.__module__.startswith("lienhe.")
    }
    assert registered - covered == set()


def test_every_exporter_declares_a_named_export_permission():
    from lienhe.access.permissions import ALL_PERMISSIONS, ROLE_PERMISSIONS

    for cls in EXPORTERS.values():
        if not cls.__module__.startswith("lienhe."):
            continue
        assert cls.permission.endswith(":export"), cls
        assert cls.permission in ALL_PERMISSIONS
        assert cls.permission not in ROLE_PERMISSIONS["viewer"]


def _url(cast, url_name, query, kwargs):
    url = reverse(url_name, kwargs=kwargs(cast) if kwargs else None)
    return f"{url}?{query}" if query else url


def _with_format(url: str, fmt: str) -> str:
    url = url.replace("format=xlsx", f"format={fmt}")
    if f"format={fmt}" not in url:
        url += ("&" if "?" in url else "?") + f"format={fmt}"
    return url


def _check_workbook(content: bytes) -> int:
    """Widths, frozen and repeated header, A4, numbers not text, one table per
    sheet; returns the data rows."""
    wb = load_workbook(io.BytesIO(content))
    data_rows = 0
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
        header_row = int(re.sub(r"\D", "", ws.freeze_panes)) - 1
        header = [c.value for c in ws[header_row]]
        assert any(header), ws.title
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[header_row] if c.value]
        assert all(w and w >= 6 for w in widths), (ws.title, widths)
        assert ws.print_title_rows
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        seen_blank = False
        for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
            if not any(v not in (None, "") for v in values):
                seen_blank = True
                continue
            assert not seen_blank, f"{ws.title}: a second table in the same sheet"
            data_rows += 1
            for v in values:
                assert not (isinstance(v, str) and _NUMBER_AS_TEXT.match(v)), v
    return data_rows


@pytest.mark.parametrize(("url_name", "query", "kwargs", "exporter"), CASES)
def test_export_is_formatted_permitted_and_audited(cast, login, url_name, query, kwargs, exporter):
    url = _url(cast, url_name, query, kwargs)
    assert login(cast.users["viewer"]).get(url).status_code in (403, 404)
    assert login(cast.users["outsider"]).get(url).status_code in (403, 404)

    before = AuditEvent.objects.filter(object_type="export").count()
    staff = login(cast.users["province_staff"])
    response = staff.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX

    audit = AuditEvent.objects.filter(object_type="export").order_by("-id")
    assert audit.count() == before + 1
    row = audit.first()
    assert row.actor == cast.users["province_staff"]
    assert row.data["exporter"] == exporter
    assert "count" in row.data and "filters" in row.data
    assert row.data["count"] == _check_workbook(response.content)

    # CSV goes through the same base: same header, same rows, its own audit row.
    csv_response = staff.get(_with_format(url, "csv"))
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert lines and any(lines[0])
    csv_row = audit.first()
    assert audit.count() == before + 2
    assert csv_row.data["format"] == "csv" and csv_row.data["exporter"] == exporter
    assert csv_row.data["count"] == len(lines) - 1


@pytest.mark.parametrize(("url_name", "query", "kwargs", "exporter"), CASES)
def test_export_above_the_limit_runs_in_the_background(
    cast, login, settings, url_name, query, kwargs, exporter
):
    """Every export behind a queryset goes to a background job above the limit: the
    worker replays the request, the progress page shows the count and the link, the
    file downloads and the audit row names the job. Reports computed in memory (no
    cheap count) are written at once."""
    settings.EXPORT_SYNC_LIMIT = -1  # even an empty list is "above the limit"
    url = _url(cast, url_name, query, kwargs)
    user = cast.users["province_staff"]
    staff = login(user)
    response = staff.get(url)
    if response.status_code == 200:  # an in-memory report
        by_name = {cls.__name__: cls for cls in EXPORTERS.values()}
        assert by_name[exporter].count is ListExporter.count
        assert not ExportJob.objects.exists()
        return
    job = ExportJob.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == ExportJob.State.QUEUED and job.exporter == exporter
    assert not AuditEvent.objects.filter(object_type="export").exists()
    page = staff.get(job.get_absolute_url())
    assert "Đang chờ" in page.content.decode()

    job = export_jobs.run(job.pk)
    assert job.state == ExportJob.State.DONE, job.error
    page = staff.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    download = reverse("documents:export_download", kwargs={"pk": job.pk})
    assert download in page and "Đã xong" in page
    assert login(cast.users["commune_staff"]).get(download).status_code == 404
    response = staff.get(download)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    row = AuditEvent.objects.get(object_type="export")
    assert row.actor == user and row.data["job"] == job.pk
    note = Notification.objects.get(user=user, kind="documents.export_done")
    assert note.url == job.get_absolute_url()
    assert row.data["count"] == job.done == _check_workbook(response.content)


def test_background_export_refused_when_the_permission_is_gone(cast, login, settings):
    from lienhe.access.models import Role

    settings.EXPORT_SYNC_LIMIT = -1
    user = cast.users["province_staff"]
    assert login(user).get(reverse("members:export")).status_code == 302
    Role.objects.filter(user=user).delete()
    job = export_jobs.run(ExportJob.objects.get(user=user).pk)
    assert job.state == ExportJob.State.FAILED
    assert job.error == "Bạn không còn quyền xuất danh sách này."
    assert job.content is None
    assert not AuditEvent.objects.filter(object_type="export").exists()


def test_background_progress_counts_rows_and_cleanup_removes_old_jobs(cast, settings):
    import datetime as dt

    from django.utils import timezone

    from lienhe.members.exports import MemberExporter
    from lienhe.members.models import Member

    exporter = MemberExporter(Member.objects.all().order_by("pk"), user=cast.users["admin"])
    seen = []
    exporter.progress = seen.append
    rows = list(exporter.rows())
    n = len(rows)
    exporter.sheets = lambda: [Table("x", exporter.header(), rows * 300)]
    exporter.to_xlsx_bytes()
    assert exporter.rows_written == n * 300
    assert seen == list(range(PROGRESS_EVERY, n * 300 + 1, PROGRESS_EVERY))

    old = ExportJob.objects.create(
        user=cast.users["admin"], title="x", exporter="x", permission="x", path="/"
    )
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=export_jobs.KEEP_DAYS + 1)
    )
    fresh = ExportJob.objects.create(
        user=cast.users["admin"], title="y", exporter="y", permission="y", path="/"
    )
    assert export_jobs.cleanup(timezone.localdate()) == 1
    assert list(ExportJob.objects.all()) == [fresh]


# The four largest lists and the four largest reports (the compliance one on two sheets).
LARGEST = [
    ("members:export", None),
    ("away:export", None),
    ("petitions:export", None),
    ("meetings:export", None),
    ("reports:participation_export", None),
    ("meetings:report_export", None),
    ("away:report_export", None),
    ("visits:compliance_export", _world),
]


def _short_texts(content: bytes) -> set[str]:
    """Text cells of the data rows short enough to fit the widest column."""
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    header_row = int(re.sub(r"\D", "", ws.freeze_panes)) - 1
    return {
        " ".join(v.split())
        for values in ws.iter_rows(min_row=header_row + 1, values_only=True)
        for v in values
        if isinstance(v, str) and 8 <= len(v) <= 50 and not v.startswith("'")
    }


def test_largest_exports_are_readable_in_libreoffice(cast, login, tmp_path):
    """What a user sees in LibreOffice: the largest lists and reports converted to PDF
    in one soffice call, no "###" (a date or number wider than its column), every name and
    organization printed whole, the title rows present."""
    if shutil.which("soffice") is None:
        if os.geteuid() == 0:  # CI runs as root and installs it (.ci/run, make e2e-deps)
            pytest.fail("soffice missing: apt-get install libreoffice-calc")
        pytest.skip("LibreOffice (soffice, apt package libreoffice-calc) is not installed")
    staff = login(cast.users["province_staff"])
    expected = {}
    for url_name, kwargs in LARGEST:
        response = staff.get(reverse(url_name, kwargs=kwargs(cast) if kwargs else None))
        assert response.status_code == 200
        name = url_name.replace(":", "-")
        (tmp_path / f"{name}.xlsx").write_bytes(response.content)
        expected[name] = _short_texts(response.content)
    assert any(expected.values())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *sorted(str(p) for p in tmp_path.glob("*.xlsx")),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for name, texts in expected.items():
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "###" not in text, name
        assert "Tính đến ngày" in text, name
        flat = " ".join(text.split())
        cut = sorted(t for t in texts if t not in flat)
        assert not cut, (name, cut)
