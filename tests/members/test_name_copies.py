"""The member's folded name copied onto the letters and residence comments (issue 21,
lienhe.members.names): filled on every insert, renamed with the member by the member
form's service and the importer, and the two searches that read the copy find the same
rows, in the same order and with the same counts, as the former searches joining the
members."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models import Q
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from lienhe.liaison.models import Introduction
from lienhe.members import importers, services
from lienhe.members.models import Member
from lienhe.members.names import FIELD, carriers, copy_member_names
from lienhe.reviews.constants import Purpose
from lienhe.reviews.models import ResidenceComment
from tests.factories import MemberFactory
from tests.reviews.data import YEAR, live_introduction

NAMES = [
    "Nguyễn Văn An",
    "Nguyễn Thị Bình",
    "Trần Văn Cường",
    "Lê Thị Dung",
    "Nguyễn Văn Anh",
    "Vũ Thị Hà",
    "Trần Văn Nguyên",
    "Thi Văn Lê",
]


def _copies_agree() -> None:
    for model in (Introduction, ResidenceComment):
        rows = model.objects.values_list(FIELD, "member__search_name")
        assert rows and all(copy == name for copy, name in rows), model


def _comment(cast, member, i: int) -> ResidenceComment:
    return ResidenceComment.objects.create(
        member=member,
        introduction=live_introduction(cast, member=member),
        residence_org=(cast.cell_a, cast.cell_b)[i % 2],
        workplace_org=cast.agency_cell,
        requested_via="workplace",
        year=YEAR,
        purpose=Purpose.YEARLY,
        due_on=dt.date(YEAR, 11, 30) if i % 3 else dt.date(YEAR, 10, 31),
        state=(ResidenceComment.State.REQUESTED, ResidenceComment.State.SENT)[i % 2],
    )


def _world(cast) -> list[Member]:
    members = [
        MemberFactory(full_name=f"{name} {i}", organization=cast.agency_cell, is_working=True)
        for i, name in enumerate(NAMES * 3)
    ]
    for i, member in enumerate(members):
        _comment(cast, member, i)
    return members


def test_every_insert_takes_the_member_name(cast):
    members = _world(cast)
    _copies_agree()  # Model.save (create)
    extra = MemberFactory.create_batch(3, organization=cast.agency_cell, is_working=True)
    # bulk_create with the member loaded, or with its id only
    Introduction.objects.bulk_create(
        [
            Introduction(member=extra[0], workplace_org=cast.agency, residence_org=cast.cell_a),
            Introduction(
                member_id=extra[1].pk, workplace_org=cast.agency, residence_org=cast.cell_a
            ),
        ]
    )
    assert carriers() == [Introduction, ResidenceComment]
    _copies_agree()
    assert members


def test_a_rename_renames_the_copies_in_the_same_save(cast):
    members = _world(cast)
    member = members[0]
    services.update_member(member, expected_version=member.version, full_name="Hoàng Thị Mới")
    _copies_agree()
    assert Introduction.objects.get(member=member).member_search_name == "hoang thi moi"

    # A save that does not touch the name writes no copy.
    member = Member.objects.get(pk=member.pk)
    with CaptureQueriesContext(connection) as ctx:
        member.save(update_fields=["phone"])
        member.employer = "Sở Tài chính"
        member.save()
    assert ctx.captured_queries
    assert not [q for q in ctx.captured_queries if FIELD in q["sql"]]
    # A member loaded without its folded name (deferred) is copied on save, to be safe.
    member = Member.objects.only("pk", "full_name").get(pk=member.pk)
    member.full_name = "Hoàng Thị Khác"
    member.save()
    _copies_agree()


def test_the_importer_renames_the_copies(cast):
    _world(cast)
    renamed = cast.members["a1"]  # in the commune the file is imported into
    _comment(cast, renamed, 0)
    wb = Workbook()
    wb.active.append(["Số thẻ đảng viên", "Họ và tên", "Chi bộ"])
    wb.active.append([renamed.card_number, "Đỗ Văn Đổi", renamed.organization.name])
    content = io.BytesIO()
    wb.save(content)
    plan = importers.commit(
        content.getvalue(), "u.xlsx", cast.commune, actor=cast.users["commune_staff"]
    )
    assert len(plan.updates) == 1
    _copies_agree()
    assert ResidenceComment.objects.get(member=renamed).member_search_name == "do van doi"


def test_copy_member_names_repairs_any_drift(cast):
    _world(cast)
    Introduction.objects.update(member_search_name="")
    ResidenceComment.objects.update(member_search_name="x")
    copy_member_names(Member.objects.values_list("pk", flat=True))
    _copies_agree()


TERMS = ["nguyen", "van", "thi", "tran van", "nguyen van an", "Nguyễn Văn", "le", "a", "zzz"]


def _former_letters(user, q: str) -> list[int]:
    """The letters search before the copy: through the members' own search."""
    members = Member.objects.search(q).values("pk")
    return list(
        Introduction.objects.visible_to(user)
        .filter(Q(member__in=members) | Q(number__icontains=q.strip()))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )


def _former_comments(user, q: str) -> list[int]:
    """The comment search before the copy: the member's folded name, joined."""
    from lienhe.text import fold

    return list(
        ResidenceComment.objects.visible_to(user)
        .filter(year=YEAR, member__search_name__contains=fold(q))
        .order_by("state", "due_on", "member__search_name", "id")
        .values_list("pk", flat=True)
    )


def _pages(client, url: str, params: dict) -> tuple[list[int], list[int]]:
    """Every page's ids, and the count each page shows."""
    ids, counts = [], []
    for number in range(1, 30):
        page = client.get(url, {**params, "page": number}).context["page"]
        if page.number != number:  # past the end: the last page again
            break
        ids += [row.pk if hasattr(row, "pk") else row["pk"] for row in page.object_list]
        counts.append(page.paginator.count)
    return ids, counts


@pytest.mark.parametrize("who", ["province_staff", "agency_staff", "secretary_a"])
@override_settings(LIST_PAGE_SIZE=4)
def test_both_searches_find_what_the_former_searches_found(cast, login, who):
    members = _world(cast)
    services.update_member(members[1], expected_version=members[1].version, full_name="Lê An")
    user = cast.users[who]
    client = login(user)
    for q in TERMS + [members[3].card_number[:6]]:
        letters = _former_letters(user, q)
        assert _pages(client, reverse("liaison:list"), {"q": q}) == _paged(letters), q
        comments = _former_comments(user, q)
        params = {"q": q, "year": YEAR}
        assert _pages(client, reverse("reviews:list"), params) == _paged(comments), q


def _paged(ids: list[int]) -> tuple[list[int], list[int]]:
    """The ids and the count shown on each of their pages of 4 (one empty page)."""
    return ids, [len(ids)] * max(1, -(-len(ids) // 4))
