import csv
import io
import zipfile

from django.urls import reverse

from lienhe.audit.models import AuditEvent


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _rows(zf, name):
    text = zf.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[2:]


def test_full_export_of_a_subtree_holds_only_that_subtree(cast, login):
    http = login(cast.users["province_staff"])
    zf = _zip(http.get(reverse("members:full_export"), {"org": cast.commune.pk}))
    names = set(zf.namelist())
    assert {"orgs_organization.csv", "members_member.csv", "DOC-TOI.txt"} <= names
    assert not any(n.startswith("api_") for n in names)
    cards = {row[1] for row in _rows(zf, "members_member.csv")}
    m = cast.members
    assert cards == {m["a1"].card_number, m["a2"].card_number, m["b1"].card_number}
    orgs = {row[0] for row in _rows(zf, "orgs_organization.csv")}
    assert str(cast.other_cell.pk) not in orgs
    event = AuditEvent.objects.get(action="api.full_export.downloaded")
    assert (
        event.actor == cast.users["province_staff"] and event.organization_path == cast.commune.path
    )


def test_full_export_outside_rights_is_refused(cast, login):
    http = login(cast.users["secretary_a"])
    response = http.get(reverse("members:full_export"), {"org": cast.commune.pk})
    assert response.status_code == 200 and "application/zip" not in response["Content-Type"]
    assert not AuditEvent.objects.filter(action="api.full_export.downloaded").exists()
    own = http.get(reverse("members:full_export"), {"org": cast.cell_a.pk})
    assert own["Content-Type"] == "application/zip"


def test_export_cells_are_formula_safe(cast, login):
    member = cast.members["a1"]
    member.employer = "=HYPERLINK(1)"
    member.save()
    http = login(cast.users["commune_staff"])
    zf = _zip(http.get(reverse("members:full_export"), {"org": cast.commune.pk}))
    assert "'=HYPERLINK(1)" in zf.read("members_member.csv").decode("utf-8-sig")
