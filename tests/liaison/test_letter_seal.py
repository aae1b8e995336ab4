"""Issued letters are tamper-evident (issue 10): a raw edit of the number is reported."""

from django.db import connection
from django.utils import timezone

from lienhe.audit.sealing import verify_contents
from lienhe.liaison import services


def _issue(cast):
    w1 = cast.members["w1"]
    draft = services.create_letter(
        w1, workplace_org=cast.agency, residence_org=cast.cell_a, actor=cast.users["agency_staff"]
    )
    return services.issue_letter(draft, actor=cast.users["agency_staff"])


def test_issued_letter_is_sealed_and_a_raw_edit_is_detected(cast):
    letter = _issue(cast)
    assert not [p for p in verify_contents() if p.object_type == "liaison.introduction"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE liaison_introduction SET number = 'GIA-MAO' WHERE id = %s", [letter.pk]
        )
    problems = [p for p in verify_contents() if p.object_type == "liaison.introduction"]
    assert [p.object_id for p in problems] == [str(letter.pk)]


def test_legitimate_steps_after_issue_keep_the_seal_valid(cast):

    letter = _issue(cast)
    services.confirm_handin(
        letter, handed_in_on=timezone.localdate(), actor=cast.users["secretary_a"]
    )
    assert not [p for p in verify_contents() if p.object_type == "liaison.introduction"]
