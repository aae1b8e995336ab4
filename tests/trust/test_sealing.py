"""Tamper-evident chain: seal, then change rows behind the application's back."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from lienhe.audit import sealing
from lienhe.audit.models import AuditEvent, RecordSeal
from lienhe.members.models import Member


def member_content(member: Member) -> dict:
    return {
        "name": member.full_name,
        "org": member.organization_id,
        "joined": member.joined_on,
    }


@pytest.fixture
def registry():
    saved = dict(sealing._builders)
    sealing.register_sealed("members.member", member_content)
    yield
    sealing._builders.clear()
    sealing._builders.update(saved)


def run_verify(capsys) -> tuple[int, str]:
    try:
        call_command("verify_records")
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out + out.err


def seal_all(cast, actor):
    seals = []
    for key in ("a1", "a2", "b1"):
        m = cast.members[key]
        seals.append(
            sealing.seal(m, member_content(m), organization=cast.commune, year=2026, actor=actor)
        )
    return seals


def test_chain_links_per_org_and_year(cast, registry):
    actor = cast.users["commune_staff"]
    s1, s2, s3 = seal_all(cast, actor)
    assert [s.sequence for s in (s1, s2, s3)] == [1, 2, 3]
    assert s1.previous_hash == sealing.GENESIS
    assert s2.previous_hash == s1.chain_hash and s3.previous_hash == s2.chain_hash
    other = sealing.seal(
        cast.members["o1"], organization=cast.other_commune, year=2026, actor=actor
    )  # content from the registered builder
    assert other.sequence == 1 and other.previous_hash == sealing.GENESIS
    next_year = sealing.seal(cast.members["a1"], organization=cast.commune, year=2027)
    assert next_year.sequence == 1


def test_verify_clean(cast, registry, capsys):
    seal_all(cast, cast.users["commune_staff"])
    code, out = run_verify(capsys)
    assert code == 0 and "OK: 3 mắt xích trong 1 chuỗi" in out


def test_raw_sql_edit_is_reported(cast, registry, capsys):
    seal_all(cast, cast.users["commune_staff"])
    target = cast.members["a2"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Member._meta.db_table} SET full_name = %s WHERE id = %s",
            ["Trần Thị Bình (sửa lén)", target.pk],
        )
    code, out = run_verify(capsys)
    assert code == 1
    assert f"[changed] members.member#{target.pk}" in out
    assert f"members.member#{cast.members['a1'].pk}" not in out


def test_legitimate_change_is_resealed(cast, registry, capsys):
    seal_all(cast, cast.users["commune_staff"])
    member = cast.members["a1"]
    member.full_name = "Nguyễn Văn An (đính chính)"
    member.save()
    sealing.seal(member, organization=cast.commune, year=2026, actor=cast.users["commune_staff"])
    code, out = run_verify(capsys)
    assert code == 0, out


def test_deleted_row_and_edited_seal_are_reported(cast, registry, capsys):
    seals = seal_all(cast, cast.users["commune_staff"])
    gone = cast.members["a1"]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Member._meta.db_table} WHERE id = %s", [gone.pk])
        # Someone "fixes" the stored hash of a2 to hide an edit.
        cursor.execute(
            f"UPDATE {RecordSeal._meta.db_table} SET content_hash = %s WHERE id = %s",
            ["f" * 64, seals[1].pk],
        )
    code, out = run_verify(capsys)
    assert code == 1
    assert f"[missing] members.member#{gone.pk}" in out
    assert "mắt xích số 2 đã bị sửa" in out


def test_truncated_chain_detected_against_saved_heads(cast, registry, capsys, tmp_path):
    seals = seal_all(cast, cast.users["commune_staff"])
    heads = tmp_path / "heads.json"
    call_command("verify_records", heads=str(heads))
    capsys.readouterr()
    RecordSeal.objects.filter(pk=seals[-1].pk).delete()
    try:
        call_command("verify_records", against=str(heads))
        code = 0
    except SystemExit as exc:
        code = exc.code
    assert code == 1
    assert "chuỗi ngắn hơn lần lưu trước" in capsys.readouterr().out


def test_full_dossier_view_and_export_are_recorded(cast, login):
    staff = cast.users["commune_staff"]
    member = cast.members["a1"]
    client = login(staff)
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 200
    event = AuditEvent.objects.get(action="privacy.dossier")
    assert event.actor == staff and event.object_id == str(member.pk)
    assert event.organization_path == member.organization.path

    response = client.get(reverse("members:export") + "?q=nguyen&format=csv")
    assert response.status_code == 200
    export = AuditEvent.objects.get(action="privacy.export")
    assert export.actor == staff
    assert export.data["filters"]["q"] == "nguyen" and export.data["count"] >= 1
    # Reads do not clutter the member's change history.
    from lienhe.audit.services import events_for

    assert not events_for(member).filter(action__startswith="privacy.").exists()
