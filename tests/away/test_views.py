"""Journeys through the web pages, and bounded queries on list/report pages."""

import datetime as dt

from django.urls import reverse

from lienhe.away import fees, services
from lienhe.away.models import AwayPeriod, FeeClaim

from .helpers import approved, away_data, filed, province_unit, today


def _form(**over):
    data = away_data()
    post = {
        "destination_unit": province_unit().pk,
        "destination_country": "",
        "destination_address": data["destination_address"],
        "employer": data["employer"],
        "start_on": today().strftime("%d/%m/%Y"),
        "expected_end_on": (today() + dt.timedelta(days=300)).strftime("%d/%m/%Y"),
        "phone": "0912345678",
        "other_contacts": "",
        "family_contact": "Trần Thị Hoa (vợ)",
        "family_phone": "0987654321",
        "wants_temporary_transfer": "on",
        "reason": "",
    }
    post.update(over)
    return post


def test_member_files_report_and_it_goes_through_to_approval(cast, login):
    member_client = login(cast.users["secretary_b"])  # b1's own account
    response = member_client.post(reverse("away:file_mine"), _form())
    away = AwayPeriod.objects.get(member=cast.members["b1"])
    assert response.status_code == 302 and response["Location"].endswith(f"/{away.pk}/")
    secretary = login(cast.users["secretary_b"])
    secretary.post(
        reverse("away:consider", args=[away.pk]), {"decision": "agree", "note": "Đồng ý"}
    )
    staff = login(cast.users["commune_staff"])
    staff.post(reverse("away:approve", args=[away.pk]), {"decision": "agree", "note": ""})
    away.refresh_from_db()
    assert away.status == AwayPeriod.Status.APPROVED
    pdf = staff.get(reverse("away:decision_pdf", args=[away.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bad_input_keeps_what_was_typed_with_a_vietnamese_message(cast, login):
    client = login(cast.users["secretary_a"])
    url = reverse("away:file_for", args=[cast.members["a1"].pk])
    response = client.post(url, _form(start_on="31/02/2026", employer="Công ty Đặc biệt"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày không hợp lệ" in html
    assert "Công ty Đặc biệt" in html
    assert not AwayPeriod.objects.exists()


def test_stale_edit_shows_a_message_instead_of_overwriting(cast, login):
    away = filed(cast)
    client = login(cast.users["secretary_a"])
    stale_version = away.version
    services.update_away(away, expected_version=away.version, actor=None, employer="Công ty mới")
    response = client.post(
        reverse("away:edit", args=[away.pk]), _form(version=stale_version, employer="Của tôi")
    )
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    away.refresh_from_db()
    assert away.employer == "Công ty mới"


def test_contact_recorded_from_the_detail_page(cast, login):
    away = approved(cast)
    client = login(cast.users["secretary_a"])
    client.post(
        reverse("away:contact", args=[away.pk]),
        {"on": today().strftime("%d/%m/%Y"), "kind": "family", "note": "Thăm gia đình"},
    )
    away.refresh_from_db()
    assert away.last_contact_on == today()
    page = client.get(reverse("away:detail", args=[away.pk])).content.decode()
    assert "Thăm gia đình" in page


def test_list_search_without_diacritics_and_export(cast, login, django_assert_max_num_queries):
    approved(cast)
    filed(cast, "b1", employer="Công ty Samsung", destination_country="Hàn Quốc")
    client = login(cast.users["commune_staff"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("away:list"), {"q": "han quoc"})
    html = response.content.decode()
    assert "Lê Văn Cường" in html and "Nguyễn Văn An" not in html
    export = client.get(reverse("away:export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def _away_page_queries(client) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name in (
        "away:list",
        "away:exemptions",
        "away:transfers",
        "away:fee_arrears",
        "away:fees",
        "away:report",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    return counts


def test_list_pages_issue_the_same_queries_for_10_and_200_away_members(cast, login):
    from tests.factories import MemberFactory

    def away_members(start: int, stop: int) -> None:
        for i in range(start, stop):
            key = f"away{i}"
            cast.members[key] = MemberFactory(organization=cast.cell_a)
            approved(cast, key)

    away_members(0, 10)
    fees.open_month(today(), cast.province)
    client = login(cast.users["province_staff"])
    client.get(reverse("away:list"))  # warm the per-process caches
    with_10 = _away_page_queries(client)
    away_members(10, 200)
    with_200 = _away_page_queries(client)
    assert with_200 == with_10
    assert (
        with_10["away:list"] <= 14 and with_10["away:report"] <= 26
    )  # +1: away_in_contact (issue 16)


def test_member_marks_a_payment_and_the_cell_confirms(cast, login):
    fees.open_month(today(), cast.commune)
    member = login(cast.users["secretary_b"])
    month = today().strftime("%m/%Y")
    member.post(
        reverse("away:my_fees"),
        {
            "month_from": month,
            "month_to": month,
            "amount": "5000",
            "reference": "FT999",
            "paid_on": today().strftime("%d/%m/%Y"),
        },
    )
    claim = FeeClaim.objects.get(member=cast.members["b1"])
    officer = login(cast.users["secretary_b"])
    officer.post(reverse("away:fee_claim_decide", args=[claim.pk]), {"decision": "confirm"})
    claim.refresh_from_db()
    assert claim.status == FeeClaim.Status.CONFIRMED
    assert fees.balances([cast.members["b1"].pk], until=today())[cast.members["b1"].pk].arrears == 0


def test_fee_report_exports_excel(cast, login):
    fees.open_month(today(), cast.commune)
    client = login(cast.users["commune_staff"])
    response = client.get(reverse("away:fees_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_home_panel_and_member_section_show_away_work(cast, login):
    filed(cast)
    client = login(cast.users["secretary_a"])
    home = client.get(reverse("home")).content.decode()
    assert "báo cáo chờ chi bộ xem xét" in home
    page = client.get(reverse("members:detail", args=[cast.members["a1"].pk])).content.decode()
    assert "Đi làm ăn xa" in page


def test_overdue_contact_job_reminds_the_cell_weekly(cast):
    from lienhe.away import jobs
    from lienhe.notify.models import Notification

    away = approved(cast)
    AwayPeriod.objects.filter(pk=away.pk).update(
        start_on=today() - dt.timedelta(days=200), approved_on=today() - dt.timedelta(days=200)
    )
    assert jobs.remind_overdue_contacts(today()) == 1
    assert jobs.remind_overdue_contacts(today()) == 0
    note = Notification.objects.get(kind="away.contact_overdue", user=cast.users["secretary_a"])
    assert "Nguyễn Văn An" in note.body
