"""Every spreadsheet export goes through the one exporter base: widths, frozen
header, numbers as numbers, one table per sheet, the module's export permission
(refused to `viewer`) and an audit row for every export."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lienhe.audit.models import AuditEvent
from lienhe.documents.exports import EXPORTERS

from ..visits.world import world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _committee(cast):
    return {"pk": world(cast).committee.pk}


def _world(cast):
    world(cast)
    return {}


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


@pytest.mark.parametrize(("url_name", "query", "kwargs", "exporter"), CASES)
def test_export_is_formatted_permitted_and_audited(cast, login, url_name, query, kwargs, exporter):
    url = _url(cast, url_name, query, kwargs)
    assert login(cast.users["viewer"]).get(url).status_code in (403, 404)

    before = AuditEvent.objects.filter(object_type="export").count()
    response = login(cast.users["province_staff"]).get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX

    audit = AuditEvent.objects.filter(object_type="export").order_by("-id")
    assert audit.count() == before + 1
    row = audit.first()
    assert row.actor == cast.users["province_staff"]
    assert row.data["exporter"] == exporter
    assert "count" in row.data and "filters" in row.data

    wb = load_workbook(io.BytesIO(response.content))
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
    assert row.data["count"] == data_rows


LARGEST = ["members:export", "away:export", "petitions:export", "meetings:export"]


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice, apt package libreoffice-calc) is not installed",
)
@pytest.mark.parametrize("url_name", LARGEST)
def test_largest_exports_are_readable_in_libreoffice(cast, login, url_name, tmp_path):
    response = login(cast.users["province_staff"]).get(reverse(url_name))
    assert response.status_code == 200
    xlsx = tmp_path / "export.xlsx"
    xlsx.write_bytes(response.content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "export.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "###" not in text
    assert "Tính đến ngày" in text
