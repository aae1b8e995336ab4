"""Issue 15, finding 2: one field-level rule for member data. Every output of member
data (detail page, list page, Excel, CSV, full export, API, the comment PDF) shows
exactly the fields `member_fields_for` allows, for the same viewer: a working member
of another organization introduced to the viewer's cell shows the contact card only,
a member of the viewer's own cell shows the full dossier."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from lienhe.access.scoping import (
    MEMBER_CARD_FIELDS,
    MEMBER_DOSSIER_FIELDS,
    MEMBER_DOSSIER_ONLY_FIELDS,
    member_fields_for,
)
from lienhe.api.services import create_token
from lienhe.members.exports import COLUMNS
from tests.reviews.data import comments, live_introduction

pytestmark = pytest.mark.django_db

PAGE_LABELS = {
    "Số thẻ đảng viên": "card_number",
    "Điện thoại": "phone",
    "Nơi công tác": "employer",
    "Chi bộ sinh hoạt": "organization",
    "Ngày sinh": "birth_date",
    "Giới tính": "gender",
    "Dân tộc": "ethnicity",
    "Số CCCD": "citizen_id",
    "Thư điện tử": "email",
    "Nơi cư trú": "home_address",
    "Ngày vào Đảng": "joined_on",
    "Ngày chính thức": "official_on",
}
HEADER_FIELD = {str(label): field for field, label, _value in COLUMNS}
API_FIELDS = {
    "card_number": "card_number",
    "full_name": "full_name",
    "phone": "phone",
    "organization_name": "organization",
    "employer": "employer",
    "status": "status",
    "birth_date": "birth_date",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "citizen_id": "citizen_id",
    "email": "email",
    "home_address": "home_address",
    "joined_on": "joined_on",
    "official_on": "official_on",
}


def _complete(member, **over):
    """Every field filled, so an empty output cell means "hidden", not "blank"."""
    values = {
        "citizen_id": f"0420800{member.pk:05d}",
        "email": f"dv{member.pk}@example.vn",
        "home_address": f"Số {member.pk} đường Hoa Sữa",
        "ethnicity": "Tày",
        "is_working": True,
        "employer": member.employer or "Trường THCS Một",
    }
    values.update(over)
    for key, value in values.items():
        setattr(member, key, value)
    member.save()
    member.refresh_from_db()
    return member


@pytest.fixture
def world(cast):
    live_introduction(cast)  # w1 (Sở Y tế) is introduced to cell A: the liaison window
    return {
        "guest": _complete(cast.members["w1"]),
        "own": _complete(cast.members["a1"]),
    }


def _content(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if response.streaming else response.content


def _page_fields(client, member) -> set[str]:
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    card = html[html.index('<dl class="facts">') : html.index("</dl>")]
    shown = {PAGE_LABELS[label] for label in re.findall(r"<dt>([^<]+)</dt>", card)}
    return shown | {"full_name"} if member.full_name in html else shown


def _list_fields(client, member) -> set[str]:
    response = client.get(reverse("members:list"), {"q": member.card_number})
    html = response.content.decode()
    row = next(r for r in html.split("<tr>") if member.full_name in r)
    shown = {"full_name", "card_number", "organization", "status"}
    if member.birth_date.strftime("%d/%m/%Y") in row:
        shown.add("birth_date")
    return shown


def _sheet_fields(rows, member) -> set[str]:
    header = [str(h) for h in rows[0]]
    row = next(r for r in rows[1:] if member.card_number in r)
    return {HEADER_FIELD[h] for h, v in zip(header, row, strict=True) if v not in (None, "")}


def _excel_fields(client, member) -> set[str]:
    content = _content(client.get(reverse("members:export"), {"q": member.card_number}))
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    # From the header row on (the exporter base writes title rows above it).
    rows = list(ws.iter_rows(values_only=True))[int(ws.freeze_panes[1:]) - 2 :]
    return _sheet_fields(rows, member)


def _csv_fields(client, member) -> set[str]:
    content = _content(
        client.get(reverse("members:export"), {"q": member.card_number, "format": "csv"})
    )
    return _sheet_fields(list(csv.reader(io.StringIO(content.decode("utf-8-sig")))), member)


def _full_export_fields(client, org, member) -> set[str]:
    """The full export holds the members of the exported subtree only; a member
    outside it shows no field at all (never more than the rule)."""
    zf = zipfile.ZipFile(
        io.BytesIO(_content(client.get(reverse("members:full_export"), {"org": org.pk})))
    )
    rows = list(csv.reader(io.StringIO(zf.read("members_member.csv").decode("utf-8-sig"))))
    columns = rows[0]
    row = next((r for r in rows[2:] if r[columns.index("id")] == str(member.pk)), None)
    if row is None:
        return set()
    attname = {"organization_id": "organization", "home_unit_id": "home_unit"}
    shown = {attname.get(c, c) for c, v in zip(columns, row, strict=True) if v != ""}
    return shown & MEMBER_DOSSIER_FIELDS


def _api_fields(user, member) -> set[str]:
    _token, raw = create_token(user, "thử nghiệm")
    response = Client().get(f"/api/v1/members/{member.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return {field for key, field in API_FIELDS.items() if body[key] not in (None, "")}


def _pdf_fields(client, comment, member) -> set[str]:
    """The yearly comment PDF: the HTML WeasyPrint renders, from the view's context."""
    response = client.get(reverse("reviews:comment_pdf", args=[comment.pk]))
    assert response["Content-Type"] == "application/pdf"
    keys = ("comment", "member_fields", "duty_rows", "paper")
    html = render_to_string("reviews/comment_pdf.html", {k: response.context[k] for k in keys})
    shown = {f for f in ("full_name", "card_number") if getattr(member, f) in html}
    return shown | ({"home_address"} if member.home_address in html else set())


CARRIED = {
    "page": MEMBER_DOSSIER_FIELDS - {"full_name", "status", "is_working", "home_unit"},
    "list": {"full_name", "card_number", "organization", "status", "birth_date"},
    "excel": set(HEADER_FIELD.values()),
    "csv": set(HEADER_FIELD.values()),
    "api": set(API_FIELDS.values()),
    "pdf": {"full_name", "card_number", "home_address"},
}


@pytest.mark.parametrize("role", ["secretary_a", "commune_staff"])
def test_every_member_output_shows_the_fields_of_the_one_rule(cast, login, world, role):
    user = cast.users[role]
    client = login(user)
    for key, expected in (("guest", MEMBER_CARD_FIELDS), ("own", MEMBER_DOSSIER_FIELDS)):
        member = world[key]
        assert member_fields_for(user, member) == expected
        outputs = {
            "page": _page_fields(client, member) - {"full_name"},
            "list": _list_fields(client, member),
            "excel": _excel_fields(client, member),
            "csv": _csv_fields(client, member),
            "api": _api_fields(user, member),
        }
        for name, shown in outputs.items():
            assert shown == expected & CARRIED[name], (role, key, name)
        org = cast.cell_a if role == "secretary_a" else cast.commune
        full = _full_export_fields(client, org, member)
        assert full <= expected
        if key == "own":
            assert full == expected - {"home_unit"}  # no home unit set in the cast


def test_the_guest_card_hides_every_dossier_field_in_the_comment_pdf(cast, login, world):
    comment = comments(cast)["sent"]
    secretary = cast.users["secretary_a"]
    shown = _pdf_fields(login(secretary), comment, world["guest"])
    assert shown == MEMBER_CARD_FIELDS & CARRIED["pdf"]
    assert not shown & MEMBER_DOSSIER_ONLY_FIELDS
    # the workplace holds the dossier: its copy names the home address
    workplace = _pdf_fields(login(cast.users["agency_staff"]), comment, world["guest"])
    assert workplace == CARRIED["pdf"]
