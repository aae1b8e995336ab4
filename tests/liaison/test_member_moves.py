"""A member's change of home closes the liaison the same way whichever writer records
it: the member form (`update_member`) or the import of a file (bulk writes), both
through the explicit hook `lienhe.members.hooks.on_home_changed`."""

import io

import pytest
from openpyxl import Workbook

from lienhe.liaison.models import Introduction, ThreadMessage
from lienhe.members import hooks, importers
from lienhe.members.models import Member
from lienhe.members.services import update_member
from lienhe.orgs.models import AdminUnit

from .helpers import letter

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _living_in_cell_a(cast):
    unit = AdminUnit.objects.filter(level="commune").first()
    cast.commune.admin_unit = unit
    cast.commune.save()
    intro = letter(cast, "active")  # w1 introduced to cell A
    Member.objects.filter(pk=intro.member_id).update(
        home_unit=unit, home_address="Số 1, Tổ dân phố 1, " + unit.name
    )
    return intro, unit


def _move_by_form(cast, member, address):
    member.refresh_from_db()
    update_member(
        member,
        expected_version=member.version,
        home_address=address,
        actor=cast.users["agency_staff"],
    )


def _move_by_import(cast, member, address):
    content = _xlsx(
        [
            ["Số thẻ đảng viên", "Họ và tên", "Chi bộ", "Địa chỉ"],
            [member.card_number, member.full_name, cast.agency_cell.name, address],
        ]
    )
    plan = importers.commit(content, "d.xlsx", cast.agency, actor=cast.users["agency_staff"])
    assert len(plan.updates) == 1


@pytest.mark.parametrize("move", [_move_by_form, _move_by_import], ids=["form", "import"])
def test_address_change_closes_the_letter_and_drafts_one_to_the_new_cell(cast, move):
    intro, unit = _living_in_cell_a(cast)
    move(cast, intro.member, "Số 3, Tổ dân phố 2, " + unit.name)
    intro.refresh_from_db()
    assert intro.state == "closed" and intro.closed_reason == "moved"
    new = Introduction.objects.get(member=intro.member, state="draft")
    assert new.residence_org == cast.cell_b and new.previous == intro
    assert ThreadMessage.objects.filter(introduction=new, event="moved").count() == 1
    member = Member.objects.get(pk=intro.member_id)
    assert member.home_address == "Số 3, Tổ dân phố 2, " + unit.name


@pytest.mark.parametrize("move", [_move_by_form, _move_by_import], ids=["form", "import"])
def test_same_cell_address_change_keeps_the_letter(cast, move):
    intro, unit = _living_in_cell_a(cast)
    move(cast, intro.member, "Số 9, Tổ dân phố 1, " + unit.name)
    intro.refresh_from_db()
    assert intro.state == "active"
    assert not Introduction.objects.filter(member=intro.member, state="draft").exists()


def test_import_calls_the_hook_once_with_every_changed_home(cast):
    seen = []

    def spy(changes, *, actor):
        seen.append(([c.member.card_number for c in changes], actor))

    hooks.on_home_changed(spy)
    try:
        a1, b1 = cast.members["a1"], cast.members["b1"]
        content = _xlsx(
            [
                ["Số thẻ đảng viên", "Họ và tên", "Chi bộ", "Địa chỉ", "Điện thoại"],
                [a1.card_number, a1.full_name, cast.cell_a.name, "Số 7 phố Huế", ""],
                [b1.card_number, b1.full_name, cast.cell_b.name, b1.home_address, "0912345678"],
            ]
        )
        importers.commit(content, "h.xlsx", cast.commune, actor=cast.users["commune_staff"])
    finally:
        hooks._home_changed.remove(spy)
    assert seen == [([a1.card_number], cast.users["commune_staff"])]
