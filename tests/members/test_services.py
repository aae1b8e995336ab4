"""Validators, member services (create/update with optimistic concurrency), search
without diacritics (runs on SQLite and, in CI, on PostgreSQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lienhe.audit.models import AuditEvent
from lienhe.members import services
from lienhe.members.models import Member
from lienhe.members.validators import (
    normalize_card_number,
    normalize_phone,
    validate_card_number,
    validate_citizen_id,
    validate_phone,
)
from lienhe.text import fold
from tests.factories import MemberFactory, make_org

# --------------------------------------------------------------------------- validators


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(024) 3825 1234", "02438251234"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("good", ["0912345678", "+84 388 123 456", "0912.345.678", "02438251234"])
def test_valid_phones(good):
    validate_phone(good)


@pytest.mark.parametrize("bad", ["12345", "0112345678", "09123456789", "091234567a", "+1 555 1234"])
def test_invalid_phones_have_vietnamese_message(bad):
    with pytest.raises(ValidationError) as exc:
        validate_phone(bad)
    assert "Số điện thoại không hợp lệ" in exc.value.messages[0]


def test_citizen_id_twelve_digits_with_province_code():
    validate_citizen_id("001085012345")
    validate_citizen_id("")
    for bad, message in [
        ("00108501234", "đúng 12 chữ số"),
        ("0010850123456", "đúng 12 chữ số"),
        ("00108501234x", "đúng 12 chữ số"),
        ("999085012345", "mã tỉnh"),
    ]:
        with pytest.raises(ValidationError) as exc:
            validate_citizen_id(bad)
        assert message in exc.value.messages[0]


def test_card_number():
    assert normalize_card_number("93.012 345") == "93012345"
    validate_card_number("93.012.345")
    validate_card_number("930123456789")
    for bad in ["1234567", "9301234567890", "93A12345", ""]:
        with pytest.raises(ValidationError, match="8 đến 12 chữ số"):
            validate_card_number(bad)


# --------------------------------------------------------------------------- services


def _fields(cast, **over):
    fields = {
        "full_name": "  Đặng Thị   Hoa ",
        "card_number": "93.000.111",
        "birth_date": dt.date(1990, 2, 3),
        "gender": Member.Gender.FEMALE,
        "citizen_id": "001190000111",
        "phone": "+84 912 000 111",
        "organization": cast.cell_a,
        "joined_on": dt.date(2015, 5, 19),
        "official_on": dt.date(2016, 5, 19),
    }
    fields.update(over)
    return fields


@pytest.mark.django_db
def test_create_member_normalises_and_audits(cast):
    actor = cast.users["commune_staff"]
    member = services.create_member(actor=actor, **_fields(cast))
    member.refresh_from_db()
    assert member.card_number == "93000111"
    assert member.phone == "0912000111"
    assert member.search_name == "dang thi hoa"
    assert member.version == 1
    event = AuditEvent.objects.get(action="members.member.created", object_id=str(member.pk))
    assert event.actor == actor and event.organization_path == cast.cell_a.path


@pytest.mark.django_db
def test_create_member_validates(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_member(**_fields(cast, citizen_id="123", phone="12345"))
    assert set(exc.value.message_dict) == {"citizen_id", "phone"}
    with pytest.raises(services.MemberError, match="phải sinh hoạt tại một chi bộ"):
        services.create_member(**_fields(cast, organization=cast.province))
    group = make_org(cast.cell_a, kind="group")
    with pytest.raises(services.MemberError):
        services.create_member(**_fields(cast, organization=group))
    cast.cell_b.is_active = False
    with pytest.raises(services.MemberError, match="đã giải thể"):
        services.create_member(**_fields(cast, organization=cast.cell_b))
    assert not Member.objects.filter(card_number="93000111").exists()


@pytest.mark.django_db
def test_update_member_records_history_and_bumps_version(cast):
    member = cast.members["a1"]
    updated = services.update_member(
        member,
        expected_version=member.version,
        actor=cast.users["admin"],
        phone="0987 654 321",
        organization=cast.cell_b,
    )
    assert updated.version == member.version + 1
    assert updated.phone == "0987654321" and updated.organization == cast.cell_b
    event = AuditEvent.objects.get(action="members.member.updated", object_id=str(member.pk))
    assert "phone" in event.data and "organization" in event.data
    latest, previous = updated.history.order_by("-history_date")[:2]
    changed = {c.field for c in latest.diff_against(previous).changes}
    assert changed >= {"phone", "organization"}


@pytest.mark.django_db
def test_update_member_without_change_is_a_no_op(cast):
    member = cast.members["a1"]
    same = services.update_member(
        member, expected_version=member.version, full_name=member.full_name
    )
    assert same.version == member.version
    assert not AuditEvent.objects.filter(action="members.member.updated").exists()


@pytest.mark.django_db
def test_update_member_stale_version_is_refused(cast):
    first = Member.objects.get(pk=cast.members["a1"].pk)
    second = Member.objects.get(pk=cast.members["a1"].pk)
    services.update_member(first, expected_version=first.version, employer="Trường THCS Một")
    with pytest.raises(services.StaleEdit, match="vừa được người khác sửa"):
        services.update_member(second, expected_version=second.version, employer="Khác")
    assert Member.objects.get(pk=first.pk).employer == "Trường THCS Một"


@pytest.mark.django_db
def test_update_member_refuses_moving_to_a_non_cell(cast):
    member = cast.members["a1"]
    with pytest.raises(services.MemberError):
        services.update_member(member, expected_version=member.version, organization=cast.province)


# --------------------------------------------------------------------------- search


def test_fold():
    assert fold("Nguyễn Văn A") == "nguyen van a"
    assert fold("ĐẶNG  Đình   Đức") == "dang dinh duc"
    assert fold("đ") == "d"
    # Decomposed input (typed on a macOS keyboard) folds the same as composed.
    assert fold("Nguye\u0302\u0303n") == "nguyen"


@pytest.mark.django_db
def test_search_without_diacritics(cast):
    target = MemberFactory(full_name="Nguyễn Văn A", organization=cast.cell_a)
    MemberFactory(full_name="Nguyễn Văn Bình", organization=cast.cell_a)
    dang = MemberFactory(full_name="Đặng Thị Đào", organization=cast.cell_b)
    # Substring match: "nguyen van a" also finds the cast's "Nguyễn Văn An", not "Bình".
    found = {m.full_name for m in Member.objects.search("nguyen van a")}
    assert found == {"Nguyễn Văn A", "Nguyễn Văn An"}
    assert set(Member.objects.search("NGUYỄN VĂN A")) == set(Member.objects.search("nguyen van a"))
    assert list(Member.objects.search("dang thi dao")) == [dang]
    assert list(Member.objects.search("đặng")) == [dang]
    assert Member.objects.search("").count() == Member.objects.count()
    # Card number and phone prefixes, whatever the separators.
    assert list(Member.objects.search(target.card_number)) == [target]
    dotted = f"{target.phone[:4]}.{target.phone[4:7]}.{target.phone[7:]}"
    assert list(Member.objects.search(dotted)) == [target]
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_search_within_subtree(cast):
    MemberFactory(full_name="Nguyễn Văn An", organization=cast.other_cell)
    names = Member.objects.in_subtree(cast.commune).search("nguyen van an")
    assert [m.organization for m in names] == [cast.cell_a]
