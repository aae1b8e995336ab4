import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lienhe.petitions import services
from lienhe.petitions.models import Agency, Petition

from .world import category, make_petition


def test_list_is_searchable_without_diacritics_and_bounded(
    cast, login, django_assert_max_num_queries
):
    for i in range(12):
        make_petition(cast.cell_a, f"Đường ngõ {i} xuống cấp", cluster=False)
    make_petition(cast.cell_a, "Ô nhiễm tiếng ồn quán karaoke", category=category("environment"))
    make_petition(cast.other_cell, "Đường thôn Đông hư hỏng")  # outside bithu's cell
    client = login(cast.users["secretary_a"])
    with django_assert_max_num_queries(15):  # +1: the communes of the cells on the page
        response = client.get(reverse("petitions:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 13
    response = client.get(reverse("petitions:list"), {"q": "o nhiem tieng on"})
    assert [p.summary for p in response.context["page"]] == ["Ô nhiễm tiếng ồn quán karaoke"]
    response = client.get(
        reverse("petitions:list"),
        {"state": "new", "category": category("environment").pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.templates[0].name == "petitions/_list_results.html"
    assert response.context["page"].paginator.count == 1


def test_export_xlsx(cast, login, petition):
    response = login(cast.users["commune_staff"]).get(reverse("petitions:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_staff_entry_with_attachment(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.users["secretary_a"])
    response = client.post(
        reverse("petitions:create"),
        {
            "organization": cast.cell_a.pk,
            "summary": "Cống thoát nước ngõ 7 tắc, ngập khi mưa",
            "details": "Nước ngập 30 cm.",
            "category": category().pk,
            "place": "Ngõ 7",
            "people_count": 40,
            "priority": "high",
            "raised_by_kind": "cell",
            "raised_by_name": "",
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "attachment": SimpleUploadedFile("anh-ngap.jpg", b"\xff\xd8\xff\xe0data"),
        },
    )
    p = Petition.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{p.pk}/")
    assert p.people_count == 40 and p.source_type == "staff" and p.attachments.count() == 1
    page = client.get(reverse("petitions:detail", args=[p.pk]))
    assert "anh-ngap.jpg" in page.content.decode()
    att = p.attachments.get()
    download = client.get(reverse("petitions:attachment", args=[p.pk, att.pk]))
    assert download.status_code == 200


def test_bad_input_keeps_what_was_typed(cast, login):
    client = login(cast.users["secretary_a"])
    response = client.post(
        reverse("petitions:create"),
        {
            "organization": cast.cell_a.pk,
            "summary": "Trạm bơm thôn Nam hỏng",
            "category": category().pk,
            "people_count": 0,
            "priority": "normal",
            "raised_by_kind": "cell",
            "received_on": "31/02/2025",
            "attachment": SimpleUploadedFile("virus.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trạm bơm thôn Nam hỏng" in html
    assert Petition.objects.count() == 0


def test_member_self_service_and_status(cast, login):
    client = login(cast.users["secretary_b"])
    response = client.post(
        reverse("petitions:submit"),
        {
            "summary": "Đèn đường ngõ 9 hỏng",
            "details": "",
            "category": category().pk,
            "place": "Ngõ 9",
            "people_count": 15,
        },
    )
    assert response.status_code == 302
    p = Petition.objects.get()
    assert p.source_type == "self" and p.raised_by_member == cast.members["b1"]
    assert p.organization == cast.cell_b
    page = client.get(reverse("petitions:submit"))
    assert "Đèn đường ngõ 9 hỏng" in page.content.decode()


def test_journey_route_answer_close(cast, login, petition, agency):
    agency.handlers.add(cast.users["handler"])
    staff = login(cast.users["commune_staff"])
    response = staff.post(
        reverse("petitions:assign", args=[petition.pk]),
        {"agency": agency.pk, "due_on": "", "note": "Đề nghị xử lý sớm"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == "assigned"
    assert petition.due_on == timezone.localdate() + dt.timedelta(days=15)

    handler = login(cast.users["handler"])
    assert handler.get(reverse("petitions:list")).context["page"].paginator.count == 1
    handler.post(reverse("petitions:start", args=[petition.pk]))
    petition.refresh_from_db()
    response = handler.post(
        reverse("petitions:answer", args=[petition.pk]),
        {
            "answer": "Sở đã làm việc với đơn vị thi công, hoàn thành trong tháng.",
            "version": petition.version,
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == "answered"

    secretary = login(cast.users["secretary_a"])
    secretary.post(reverse("petitions:close", args=[petition.pk]), {"note": "Nhân dân đồng tình"})
    petition.refresh_from_db()
    assert petition.state == "closed"
    page = secretary.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    for text in ("Chuyển cơ quan giải quyết", "Cơ quan trả lời", "Chi bộ đồng ý, kết thúc"):
        assert text in page
    pdf = secretary.get(reverse("petitions:pdf", args=[petition.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_handler_does_not_see_other_agencies_petitions(cast, login, petition, other_agency):
    services.assign(petition, other_agency)
    handler = login(cast.users["handler"])
    assert handler.get(reverse("petitions:list")).context["page"].paginator.count == 0
    assert handler.get(reverse("petitions:detail", args=[petition.pk])).status_code == 404


def test_stale_answer_form_keeps_text(cast, login, assigned):
    client = login(cast.users["handler"])
    old_version = assigned.version
    services.start(assigned)
    response = client.post(
        reverse("petitions:answer", args=[assigned.pk]),
        {"answer": "Đã khắc phục xong sự cố đèn đường.", "version": old_version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "vừa được người khác cập nhật" in html and "Đã khắc phục xong" in html


def test_reopen_requires_reason(cast, login, assigned):
    services.answer_petition(assigned, answer="Đã xử lý xong xuôi vụ việc.")
    client = login(cast.users["secretary_a"])
    response = client.post(reverse("petitions:reopen", args=[assigned.pk]), {"reason": ""})
    assert response.status_code == 200
    client.post(reverse("petitions:reopen", args=[assigned.pk]), {"reason": "Dân chưa thấy sửa"})
    assigned.refresh_from_db()
    assert assigned.state == "reopened"


def test_merge_view_refuses_unseen_numbers(cast, login, petition):
    hidden = make_petition(cast.other_cell, "Việc ở xã khác", category=category("party"))
    response = login(cast.users["commune_staff"]).post(
        reverse("petitions:merge", args=[petition.pk]), {"numbers": f"{hidden.pk}"}
    )
    assert response.status_code == 200
    assert "Không tìm thấy" in response.content.decode()


def test_clusters_and_report_pages_are_bounded(cast, login, agency, django_assert_max_num_queries):
    env = category("environment")
    for cell in (cast.cell_a, cast.cell_b, cast.other_cell):
        p = make_petition(cell, "Bãi rác tự phát cạnh chợ gây ô nhiễm", category=env)
        services.assign(p, agency)
    services.answer_petition(p, answer="Đã dọn dẹp, lắp camera giám sát.")
    client = login(cast.users["province_staff"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("petitions:clusters"))
    assert response.context["page"].object_list[0]["cells"] == 3
    with django_assert_max_num_queries(17):  # +1: the catalogue figure
        response = client.get(reverse("petitions:report"), {"by": "agency"})
    assert response.status_code == 200
    assert response.context["data"]["totals"]["received"] == 3
    assert response.context["rows"][0]["label"] == agency.name
    xlsx = client.get(reverse("petitions:report"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("petitions:report"), {"format": "pdf", "by": "org"})
    assert pdf["Content-Type"] == "application/pdf"
    cluster = p.cluster
    client.post(reverse("petitions:cluster", args=[cluster.pk]), {"title": "Bãi rác chợ"})
    cluster.refresh_from_db()
    assert cluster.confirmed_at and cluster.title == "Bãi rác chợ"


def test_agency_register(cast, login):
    client = login(cast.users["province_staff"])
    response = client.post(
        reverse("petitions:agency_create"),
        {
            "name": "Sở Xây dựng",
            "short_name": "SXD",
            "kind": "department",
            "organization": cast.agency.pk,
            "handlers": [cast.users["handler"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Sở Xây dựng")
    assert list(agency.handlers.all()) == [cast.users["handler"]]
    page = client.get(reverse("petitions:agencies"), {"q": "so xay dung"})
    assert "Sở Xây dựng" in page.content.decode()


# --- issue 21: the list and the detail page, queries constant in rows ----------------

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _queries(client, url):
    assert client.get(url).status_code == 200  # the session row is written the first time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@time_machine.travel(NOW, tick=False)
def test_list_queries_do_not_grow_with_rows_and_open_no_cursor(cast, login, agency):
    """Session, user, roles, handled agencies, count, page, the cells' communes, unread
    notifications, then the category and agency options: 10 queries with 10 or 60
    petitions (more than a page). The filter's <select>s read their options with a
    plain query (no server-side cursor, three round trips each on PostgreSQL), and the
    page reads no long text it does not show."""
    client = login(cast.users["province_staff"])
    url = reverse("petitions:list") + "?state=open"
    counts = []
    for n in (10, 60):
        for i in range(Petition.objects.count(), n):
            p = make_petition((cast.cell_a, cast.other_cell)[i % 2], f"Đường thôn số {i}")
            if i % 3 == 0:
                services.assign(p, agency)
        response, sql = _queries(client, url)
        counts.append(len(sql))
        assert not any(q.lstrip().upper().startswith("DECLARE") for q in sql)
        page_sql = next(q for q in sql if "ORDER BY" in q and '"summary"' in q)
        assert '"details"' not in page_sql and '"search_text"' not in page_sql
    assert counts == [10, 10]
    html = response.content.decode()
    assert f'<option value="{agency.pk}">{agency.name}</option>' in html
    assert f'<option value="{category().pk}">{category().name}</option>' in html
    assert '<option value="open" selected>' in html
    assert ">Mới tiếp nhận</span>" in html and ">Đã chuyển cơ quan</span>" in html


@time_machine.travel(NOW, tick=False)
def test_detail_lists_parts_and_merged_petitions_in_constant_queries(cast, login):
    """The parts split from a petition and the petitions merged into one come from one
    query (with their cells), whatever their number."""
    client = login(cast.users["province_staff"])
    counts = []
    for n in (2, 5):
        whole = make_petition(cast.cell_a, f"Ngõ {n}: đèn, cống, đường")
        parts = services.split(whole, [{"summary": f"Việc {n}.{i}"} for i in range(n)])
        target = parts[0]
        others = [make_petition(cast.cell_b, f"Cùng việc {n}.{i}") for i in range(n - 1)]
        services.merge(others, target)
        response, sql = _queries(client, reverse("petitions:detail", args=[whole.pk]))
        html = response.content.decode()
        assert "Các kiến nghị tách ra" in html
        assert all(f"#{p.pk} {p.summary}" in html for p in parts)
        whole_count = len(sql)
        response, sql = _queries(client, reverse("petitions:detail", args=[target.pk]))
        html = response.content.decode()
        assert "Các kiến nghị đã gộp vào" in html
        assert all(f"#{o.pk} {o.summary}</a> — {cast.cell_b.name}" in html for o in others)
        assert "Các kiến nghị tách ra" not in html
        counts.append((whole_count, len(sql)))
    assert counts[0] == counts[1]
