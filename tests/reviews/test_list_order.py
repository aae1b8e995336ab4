"""The comment list pages on ids ordered by (state, due date, member name) and loads
only the page's rows (issue 21): the same rows in the same order as ordering the full
rows, across pages, with the search on the member's folded name."""

import datetime as dt

from django.test import override_settings
from django.urls import reverse

from lienhe.reviews.constants import DUTY_KEYS, Purpose
from lienhe.reviews.models import ResidenceComment
from tests.factories import MemberFactory

from .data import YEAR, live_introduction

NAMES = ["Đặng Văn Ánh", "Anh Thị Bé", "Ông Văn Cả", "Nguyễn Văn Ân", "Bùi Thị Ẩn", "Lê Ý"]


def _comments(cast):
    for i, name in enumerate(NAMES * 2):
        member = MemberFactory(
            full_name=f"{name} {i}", organization=cast.agency_cell, is_working=True
        )
        sent = i % 3 == 0
        ResidenceComment.objects.create(
            member=member,
            introduction=live_introduction(cast, member=member),
            residence_org=(cast.cell_a, cast.cell_b)[i % 2],
            workplace_org=cast.agency_cell,
            requested_via="workplace",
            year=YEAR,
            purpose=Purpose.YEARLY,
            due_on=dt.date(YEAR, 11, 30) if i % 4 else dt.date(YEAR, 10, 31),
            state=ResidenceComment.State.SENT if sent else ResidenceComment.State.REQUESTED,
            duties=dict.fromkeys(DUTY_KEYS, "Tốt") if sent else {},
            conclusion=0 if sent else None,
            conclusion_label="Thực hiện tốt" if sent else "",
        )


def _page(client, **params) -> list[int]:
    response = client.get(reverse("reviews:list"), {"year": YEAR, **params})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert all(c.member.full_name and c.residence_org.name for c in rows)  # loaded whole
    return [c.pk for c in rows]


@override_settings(LIST_PAGE_SIZE=5)
def test_pages_keep_the_order_of_state_due_date_and_name(cast, login):
    _comments(cast)
    staff = login(cast.users["province_staff"])
    expected = list(
        ResidenceComment.objects.visible_to(cast.users["province_staff"])
        .filter(year=YEAR)
        .order_by("state", "due_on", "member__search_name")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 12
    assert _page(staff) + _page(staff, page=2) + _page(staff, page=3) == expected

    found = _page(staff, q="van an")  # "Văn Ánh", "Văn Ân": no diacritics
    names = [ResidenceComment.objects.get(pk=pk).member.full_name for pk in found]
    assert names and all("Văn Ánh" in n or "Văn Ân" in n for n in names)
    assert _page(staff, q="khong co ai") == []
