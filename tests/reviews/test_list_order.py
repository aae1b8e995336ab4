"""The comment list pages on ids ordered by (state, due date, member name) and loads
only the page's rows (issue 21): the same rows in the same order as ordering the full
rows, across pages, with the search on the member's folded name."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from lienhe.access.scoping import has_org_permission
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
    assert all(c["member_name"] and c["residence_org"] for c in rows)  # the page's values
    return [c["pk"] for c in rows]


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


@pytest.mark.parametrize("who", ["province_staff", "agency_staff", "secretary_a"])
def test_rows_link_and_label_by_the_comments_own_rules(cast, login, who):
    """The list reads its rows as values (issue 21): each row's link, labels, lock and
    lateness are those of the comment instance (form only where the user writes)."""
    _comments(cast)
    sent = ResidenceComment.objects.filter(state=ResidenceComment.State.SENT).order_by("pk")
    ResidenceComment.objects.filter(pk=sent[0].pk).update(
        sent_at=dt.datetime(YEAR, 12, 20, 9, tzinfo=dt.UTC)  # after both due dates
    )
    ResidenceComment.objects.filter(pk=sent[1].pk).update(
        sent_at=dt.datetime(YEAR, 10, 1, 9, tzinfo=dt.UTC), purpose=Purpose.REWARD
    )
    user = cast.users[who]
    client = login(user)
    response = client.get(reverse("reviews:list"), {"year": YEAR})
    rows = response.context["page"].object_list
    assert rows
    for row in rows:
        c = ResidenceComment.objects.select_related("member", "residence_org", "workplace_org").get(
            pk=row["pk"]
        )
        writes = has_org_permission(user, c.residence_org, "reviews:write")
        name = "reviews:comment_edit" if writes and not c.is_locked else "reviews:comment_detail"
        assert row["href"] == reverse(name, args=[c.pk])
        assert row["member_name"] == c.member.full_name
        assert row["residence_org"] == c.residence_org.name
        assert row["workplace_org"] == c.workplace_org.name
        assert row["state_label"] == c.get_state_display()
        assert row["purpose"] == c.purpose
        assert row["purpose_label"] == c.get_purpose_display()
        assert row["is_locked"] == c.is_locked
        assert row["sent_late"] == c.sent_late
        assert row["due_on"] == c.due_on
        assert row["conclusion_label"] == c.conclusion_label
    html = response.content.decode()
    if any(r["sent_late"] and r["is_locked"] for r in rows):
        assert "gửi muộn" in html
    if any(r["purpose"] != Purpose.YEARLY for r in rows):
        assert str(Purpose.REWARD.label) in html
