"""Member pages: list (search, filters, pagination, export), create/edit with
Vietnamese validation, detail with history; bounded query counts."""

import io

import openpyxl
import pytest
from django.urls import reverse

from lienhe.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

LIST = reverse("members:list")


def _names(response) -> set[str]:
    return {m.full_name for m in response.context["page"].object_list}


def test_list_scoped_to_the_users_subtree(cast, login):
    response = login(cast.users["commune_staff"]).get(LIST)
    assert response.status_code == 200
    assert _names(response) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}
    assert "3 đảng viên" in response.content.decode()


def test_search_without_diacritics_finds_the_member(cast, login):
    client = login(cast.users["province_staff"])
    assert _names(client.get(LIST, {"q": "nguyen van an"})) == {"Nguyễn Văn An"}
    assert _names(client.get(LIST, {"q": "hoang minh duc"})) == {"Hoàng Minh Đức"}
    assert _names(client.get(LIST, {"q": "đức"})) == {"Hoàng Minh Đức", "Phạm Đức Dũng"}
    empty = client.get(LIST, {"q": "khong co ai"})
    assert "Không tìm thấy đảng viên nào phù hợp." in empty.content.decode()


def test_search_results_are_sorted_by_name_through_the_trigram_path(cast, login):
    """Hits come sorted by folded name; on PostgreSQL the ORDER BY uses collation "C" so
    the planner takes the trigram index instead of walking the name index in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.users["province_staff"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "van"})
    names = [m.search_name for m in response.context["page"].object_list]
    assert len(names) >= 2 and names == sorted(names)
    listing = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "search_name" in q["sql"]]
    if connection.vendor == "postgresql":
        assert any('COLLATE "C"' in sql for sql in listing)


def test_htmx_search_returns_only_the_results(cast, login):
    response = login(cast.users["province_staff"]).get(
        LIST, {"q": "tran thi"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Trần Thị Bình" in body and "<html" not in body


def test_filters_subtree_status_working(cast, login):
    client = login(cast.users["province_staff"])
    MemberFactory(full_name="Võ Thị Em", organization=cast.cell_b, status=Member.Status.EXEMPTED)
    assert _names(client.get(LIST, {"org": cast.cell_b.pk})) == {"Lê Văn Cường", "Võ Thị Em"}
    assert _names(client.get(LIST, {"status": "exempted"})) == {"Võ Thị Em"}
    assert _names(client.get(LIST, {"is_working": "1"})) == {"Hoàng Minh Đức"}
    both = client.get(LIST, {"org": cast.commune.pk, "status": "active", "is_working": "0"})
    assert _names(both) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}


def test_filter_by_organization_outside_scope_is_rejected(cast, login):
    response = login(cast.users["commune_staff"]).get(LIST, {"org": cast.other_cell.pk})
    assert response.status_code == 200
    assert "Phạm Đức Dũng" not in response.content.decode()


def test_pagination(cast, login, settings):
    settings.LIST_PAGE_SIZE = 50
    MemberFactory.create_batch(60, organization=cast.cell_a)
    client = login(cast.users["commune_staff"])
    first = client.get(LIST, {"org": cast.cell_a.pk})
    body = first.content.decode()
    assert len(first.context["page"].object_list) == 50
    assert "Trang 1 / 2" in body and f"org={cast.cell_a.pk}&amp;page=2" in body
    second = client.get(LIST, {"org": cast.cell_a.pk, "page": 2})
    assert len(second.context["page"].object_list) == 12
    first_pks = {m.pk for m in first.context["page"].object_list}
    second_pks = {m.pk for m in second.context["page"].object_list}
    assert not first_pks & second_pks
    assert first_pks | second_pks == set(
        Member.objects.filter(organization=cast.cell_a).values_list("pk", flat=True)
    )
    assert client.get(LIST, {"page": "999"}).status_code == 200


@pytest.mark.parametrize("members", [10, 200])
def test_list_query_count_does_not_grow(cast, login, django_assert_max_num_queries, members):
    MemberFactory.create_batch(members, organization=cast.cell_a)
    client = login(cast.users["province_staff"])
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(11):  # + the chosen organization
        assert client.get(LIST, {"q": "nguyen", "org": cast.commune.pk}).status_code == 200


def test_export_xlsx_has_the_filtered_rows(cast, login):
    response = login(cast.users["commune_staff"]).get(
        reverse("members:export"), {"org": cast.cell_a.pk}
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    values = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if "Họ và tên" in row)
    header = values[header_at]
    names = {row[header.index("Họ và tên")] for row in values[header_at + 1 :] if any(row)}
    assert names == {"Nguyễn Văn An", "Trần Thị Bình"}


def test_export_outside_scope_is_empty(cast, login):
    response = login(cast.users["commune_staff"]).get(
        reverse("members:export"), {"format": "csv", "q": "pham duc dung"}
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Phạm Đức Dũng" not in content.decode("utf-8-sig")


def _form_data(cast, **over):
    data = {
        "full_name": "Đỗ Thị Giang",
        "card_number": "93.111.222",
        "birth_date": "05/11/1990",
        "gender": "female",
        "ethnicity": "Tày",
        "citizen_id": "001190123456",
        "phone": "+84 912 111 222",
        "email": "giang@example.vn",
        "home_address": "Số 3, Tổ dân phố 1",
        "organization": cast.cell_a.pk,
        "joined_on": "19/05/2015",
        "official_on": "19/05/2016",
        "status": "active",
        "employer": "",
    }
    data.update(over)
    return data


def test_create_member_journey(cast, login):
    client = login(cast.users["commune_staff"])
    assert client.get(reverse("members:create")).status_code == 200
    response = client.post(reverse("members:create"), _form_data(cast))
    member = Member.objects.get(card_number="93111222")
    assert response["Location"] == reverse("members:detail", kwargs={"pk": member.pk})
    assert member.birth_date.day == 5 and member.birth_date.month == 11
    assert member.phone == "0912111222" and member.search_name == "do thi giang"


def test_create_member_errors_in_vietnamese_keep_typed_values(cast, login):
    client = login(cast.users["commune_staff"])
    data = _form_data(
        cast,
        card_number=cast.members["a1"].card_number,
        citizen_id="12345",
        phone="12345",
        birth_date="31/02/1990",
        official_on="01/01/2010",
        is_working="on",
    )
    response = client.post(reverse("members:create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    for message in [
        "Số thẻ này đã có trong hệ thống.",
        "Số CCCD phải gồm đúng 12 chữ số.",
        "Số điện thoại không hợp lệ",
        "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy.",
        "Ngày chính thức không thể trước ngày vào Đảng.",
        "Đảng viên đang công tác cần ghi rõ cơ quan, đơn vị.",
    ]:
        assert message in body, message
    assert 'value="Đỗ Thị Giang"' in body and 'value="31/02/1990"' in body
    response = client.post(reverse("members:create"), _form_data(cast, birth_date="01/01/2000"))
    assert "Người vào Đảng phải đủ 18 tuổi." in response.content.decode()
    response = client.post(reverse("members:create"), _form_data(cast, full_name=""))
    assert "Vui lòng nhập trường này." in response.content.decode()
    assert not Member.objects.filter(full_name="Đỗ Thị Giang").exists()


def test_create_member_in_a_cell_outside_scope_is_refused(cast, login):
    response = login(cast.users["commune_staff"]).post(
        reverse("members:create"), _form_data(cast, organization=cast.other_cell.pk)
    )
    assert response.status_code == 200
    assert not Member.objects.filter(card_number="93111222").exists()


def test_edit_member_journey_and_history(cast, login):
    member = cast.members["a1"]
    client = login(cast.users["commune_staff"])
    url = reverse("members:edit", kwargs={"pk": member.pk})
    form = client.get(url).context["form"]
    data = _form_data(
        cast,
        full_name=member.full_name,
        card_number=member.card_number,
        birth_date=member.birth_date.strftime("%d/%m/%Y"),
        gender=member.gender,
        citizen_id="",
        phone="0987.654.321",
        organization=cast.cell_b.pk,
        version=form["version"].value(),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "0987654321" and member.organization == cast.cell_b
    detail = client.get(reverse("members:detail", kwargs={"pk": member.pk}))
    body = detail.content.decode()
    assert "Lịch sử thay đổi hồ sơ" in body
    assert "0987654321" in body and "Chi bộ Tổ dân phố 2" in body
    changes = {label for label, _old, _new in detail.context["history"][0]["changes"]}
    assert {"điện thoại", "chi bộ sinh hoạt chính thức"} <= changes
    # The same form again carries a stale version: refused, typed values kept.
    data["phone"] = "0911000000"
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "vừa được người khác sửa" in body
    assert 'value="0911000000"' in body
    member.refresh_from_db()
    assert member.phone == "0987654321"


def test_detail_for_member_themself_and_others(cast, login):
    own = cast.members["w1"]
    client = login(cast.users["member"])
    response = client.get(reverse("members:detail", kwargs={"pk": own.pk}))
    assert response.status_code == 200 and response.context["full"]
    assert not response.context["can_edit"]
    other = cast.members["a1"]
    assert client.get(reverse("members:detail", kwargs={"pk": other.pk})).status_code == 404


def test_search_pages_are_the_scoped_matches_in_name_then_id_order(cast, login, settings):
    """The list reads a page's ids narrow first, then loads those rows (RowsByIds, issue
    21): every page holds exactly the visible matches in (folded name, id) order, equal
    names by id, nothing from outside the scope, the organization already loaded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LIST_PAGE_SIZE = 3
    for name in ["Nguyễn Văn Tư", "Nguyễn Văn Tư", "Lê Nguyên", "Trần Nguyễn Hà", "Nguyễn A"]:
        MemberFactory(full_name=name, organization=cast.cell_a)
    MemberFactory(full_name="Nguyễn Ngoài Xã", organization=cast.other_cell)
    user = cast.users["commune_staff"]
    expected = sorted(
        Member.objects.visible_to(user).search("nguyen"), key=lambda m: (m.search_name, m.pk)
    )
    assert len(expected) >= 6 and "nguyen ngoai xa" not in {m.search_name for m in expected}
    client = login(user)
    seen = []
    for number in range(1, (len(expected) + 2) // 3 + 1):
        response = client.get(LIST, {"q": "nguyen", "page": number})
        page = response.context["page"]
        with CaptureQueriesContext(connection) as queries:
            orgs = [m.organization.name for m in page.object_list]
        assert len(queries) == 0 and all(orgs)
        seen += [m.pk for m in page.object_list]
    assert seen == [m.pk for m in expected]
    assert response.context["page"].paginator.count == len(expected)
