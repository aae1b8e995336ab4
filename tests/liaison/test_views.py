import datetime as dt

import pytest
from django.utils import timezone

from lienhe.liaison.models import Introduction, LocalTask, ThreadMessage
from lienhe.orgs.models import AdminUnit, Organization
from tests.factories import MemberFactory

from .helpers import letter

pytestmark = pytest.mark.django_db


def _home(cast, member, cell_name="Tổ dân phố 1"):
    unit = AdminUnit.objects.filter(level="commune").first()
    cast.commune.admin_unit = unit
    cast.commune.save()
    member.home_unit = unit
    member.home_address = f"Số 5, {cell_name}, {unit.name}"
    member.save()
    return unit


def test_staff_issues_a_batch_with_proposed_residence_and_prints(cast, login):
    w1 = cast.members["w1"]
    w2 = MemberFactory(full_name="Đặng Thu Hà", organization=cast.agency_cell, is_working=True)
    _home(cast, w1)
    _home(cast, w2, "Tổ dân phố 2")
    client = login(cast.users["agency_staff"])
    page = client.get("/lien-he/cap-giay/?q=dang thu")
    assert "Đặng Thu Hà" in page.content.decode() and "Hoàng Minh Đức" not in page.content.decode()
    review = client.post("/lien-he/cap-giay/", {"step": "review", "member": [w1.pk, w2.pk]})
    body = review.content.decode()
    assert review.status_code == 200 and "Đề xuất: Chi bộ Tổ dân phố 2" in body
    # a bad date keeps the choices and says why
    bad = client.post(
        "/lien-he/cap-giay/",
        {
            "step": "issue",
            "member": [w1.pk, w2.pk],
            f"res_{w1.pk}": cast.cell_a.pk,
            f"res_{w2.pk}": cast.cell_b.pk,
            "issued_on": "31/02/2026",
        },
    )
    assert bad.status_code == 200 and not Introduction.objects.exists()
    issued = client.post(
        "/lien-he/cap-giay/",
        {
            "step": "issue",
            "member": [w1.pk, w2.pk],
            f"res_{w1.pk}": cast.cell_a.pk,
            f"res_{w2.pk}": cast.cell_b.pk,
            "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert issued.status_code == 302 and "printed=" in issued["Location"]
    letters = list(Introduction.objects.order_by("id"))
    assert {(i.member, i.residence_org) for i in letters} == {(w1, cast.cell_a), (w2, cast.cell_b)}
    assert {i.number for i in letters} == {"1-GGT/ĐU", "2-GGT/ĐU"}
    ids = ",".join(str(i.pk) for i in letters)
    pdf = client.get(f"/lien-he/in/?ids={ids}")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_residence_accepts_groups_assigns_task_and_writes(cast, login):
    intro = letter(cast, "issued")
    officer = login(cast.users["secretary_a"])
    inbox = officer.get("/lien-he/giay-den/")
    assert "Hoàng Minh Đức" in inbox.content.decode()
    # the sibling cell's secretary does not see it
    assert (
        "Hoàng Minh Đức"
        not in login(cast.users["secretary_b"]).get("/lien-he/giay-den/").content.decode()
    )
    officer.post(f"/lien-he/chi-bo/{cast.cell_a.pk}/to/", {"name": "Tổ 1"})
    group = Organization.objects.get(kind="group", path__startswith=cast.cell_a.path)
    response = officer.post(
        f"/lien-he/{intro.pk}/tiep-nhan/",
        {
            "cell": cast.cell_a.pk,
            "group": group.pk,
            "handed_in_on": timezone.localdate().strftime("%d/%m/%Y"),
            "version": intro.version,
        },
    )
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.state == "active" and intro.group == group
    due = (timezone.localdate() + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    officer.post(
        f"/lien-he/{intro.pk}/giao-viec/",
        {"kind": "campaign", "title": "Tuyên truyền bầu cử", "due_on": due, "note": ""},
    )
    assert LocalTask.objects.filter(introduction=intro).count() == 1
    officer.post(
        f"/lien-he/{intro.pk}/trao-doi/",
        {"body": "Đồng chí đã nhận nhiệm vụ.", "side": "residence"},
    )
    # the workplace answers in the same thread and sees the residence record
    work = login(cast.users["agency_staff"])
    work.post(f"/lien-he/{intro.pk}/trao-doi/", {"body": "Cảm ơn chi bộ.", "side": "workplace"})
    sides = list(ThreadMessage.objects.filter(introduction=intro).values_list("side", flat=True))
    assert "residence" in sides and "workplace" in sides and "system" in sides
    page = work.get(f"/dang-vien/{intro.member_id}/").content.decode()
    assert "Sinh hoạt nơi cư trú năm" in page and "0/1 đã hoàn thành" in page


def test_residence_sees_only_the_liaison_card(cast, login):
    intro = letter(cast, "active")
    member = intro.member
    member.citizen_id = "042080001234"
    member.save()
    page = login(cast.users["secretary_a"]).get(f"/dang-vien/{member.pk}/").content.decode()
    assert member.card_number in page and member.phone in page and "Sở Y tế" in page
    assert "042080001234" not in page and "Sinh hoạt nơi cư trú năm" not in page


def test_stale_task_result_keeps_typed_text(cast, login):
    intro = letter(cast, "active")
    officer = login(cast.users["secretary_a"])
    due = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    officer.post(
        f"/lien-he/{intro.pk}/giao-viec/",
        {"kind": "fund", "title": "Đóng góp quỹ khuyến học", "due_on": due},
    )
    task = LocalTask.objects.get()
    LocalTask.objects.filter(pk=task.pk).update(version=5)
    response = officer.post(
        f"/lien-he/viec/{task.pk}/",
        {"version": 1, "status": "done", "outcome": "Đóng 200.000 đồng"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "vừa được người khác cập nhật" in body
    assert "Đóng 200.000 đồng" in body


def test_lists_have_bounded_queries(cast, login, django_assert_max_num_queries):
    for _i in range(12):
        m = MemberFactory(organization=cast.agency_cell, is_working=True)
        letter(cast, "issued", member=m, issued_days_ago=40)
    staff = login(cast.users["province_staff"])
    with django_assert_max_num_queries(14):
        page = staff.get("/lien-he/?overdue=1")
    assert page.status_code == 200 and "quá hạn 10 ngày" in page.content.decode()
    with django_assert_max_num_queries(14):
        assert staff.get("/lien-he/giay-den/?q=").status_code == 200
    with django_assert_max_num_queries(14):
        assert staff.get("/lien-he/cap-giay/").status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(f"/lien-he/chi-bo/{cast.cell_a.pk}/to/").status_code == 200
    xlsx = staff.get("/lien-he/xuat/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_member_self_service_page(cast, login):
    letter(cast, "issued")
    page = login(cast.users["member"]).get("/lien-he/cua-toi/").content.decode()
    assert "Nghĩa vụ nơi cư trú của tôi" in page and "còn 25 ngày" in page
    assert "Chi bộ Tổ dân phố 1" in page


def test_close_exempt_and_move_pages(cast, login):
    intro = letter(cast, "active")
    staff = login(cast.users["agency_staff"])
    r = staff.post(
        f"/lien-he/{intro.pk}/mien/",
        {"reason": "", "on": timezone.localdate().strftime("%d/%m/%Y"), "version": intro.version},
    )
    body = r.content.decode()
    assert r.status_code == 200 and "This field is required" not in body
    assert "Trường này là bắt buộc." in body and r.context["form"].errors["group"]
    intro.refresh_from_db()
    assert intro.state == "active"  # the refused exemption changed nothing
    r = staff.post(
        f"/lien-he/{intro.pk}/chuyen-noi-cu-tru/",
        {"residence_org": cast.other_cell.pk, "issue": "on", "version": intro.version},
    )
    assert r.status_code == 302
    new = Introduction.objects.get(state="issued")
    assert new.previous_id == intro.pk
    detail = staff.get(f"/lien-he/{new.pk}/").content.decode()
    assert "Các giấy khác của đảng viên" in detail


def test_home_panel_for_both_sides(cast, login):
    letter(cast, "issued", issued_days_ago=40)
    officer = login(cast.users["secretary_a"]).get("/").content.decode()
    assert "giấy đến chờ tiếp nhận" in officer and "giấy quá hạn chưa nộp" in officer
    member = login(cast.users["member"]).get("/").content.decode()
    assert "Nghĩa vụ nơi cư trú của tôi" in member and "quá hạn 10 ngày" in member


def test_draft_after_a_move_is_issued_from_its_page(cast, login):
    intro = letter(cast, "draft")
    staff = login(cast.users["agency_staff"])
    assert "Cấp số và in giấy giới thiệu" in staff.get(f"/lien-he/{intro.pk}/").content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert staff.post(f"/lien-he/{intro.pk}/cap-so/", {"issued_on": today}).status_code == 302
    intro.refresh_from_db()
    assert intro.state == "issued" and intro.number == "1-GGT/ĐU"


def test_accept_with_garbage_cell_keeps_the_form(cast, login):
    intro = letter(cast, "issued", residence=cast.commune)
    client = login(cast.users["commune_staff"])
    response = client.post(f"/lien-he/{intro.pk}/tiep-nhan/", {"cell": "abc", "group": "x"})
    assert response.status_code == 200
    assert "Chi bộ tiếp nhận" in response.content.decode()


def test_accepting_keeps_the_group_and_groups_only_after_acceptance(cast, login):
    """Issue 20 item 2: a member already placed in a group keeps it as the default when
    the letter is accepted; the detail page offers "Xếp tổ" only once accepted."""
    from lienhe.liaison import services

    intro = letter(cast, "handed_in")
    officer = login(cast.users["secretary_a"])
    detail = officer.get(f"/lien-he/{intro.pk}/").content.decode()
    assert "Xếp tổ</button>" not in detail  # not before acceptance
    group = services.create_group(cast.cell_a, name="Tổ 1", actor=cast.users["secretary_a"])
    intro = services.place_in_group(intro, group=group, actor=cast.users["secretary_a"])
    page = officer.get(f"/lien-he/{intro.pk}/tiep-nhan/").content.decode()
    assert f'<option value="{group.pk}" selected>' in page
    # The form as the browser sends it, with the defaults untouched.
    response = officer.post(
        f"/lien-he/{intro.pk}/tiep-nhan/",
        {"cell": cast.cell_a.pk, "group": group.pk, "version": intro.version},
    )
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.state == "active" and intro.group == group
    detail = officer.get(f"/lien-he/{intro.pk}/").content.decode()
    assert "Xếp tổ</button>" in detail
