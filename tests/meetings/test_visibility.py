"""`Meeting.objects.visible_to` is one rule written two ways (the OR below, or a UNION of
meeting ids for members whose scope is at most cells, which PostgreSQL plans well):
every role of the test world sees exactly the meetings of the plain OR rule."""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from lienhe.access.scoping import paths_with
from lienhe.liaison.models import Introduction
from lienhe.meetings.models import Attendance, Meeting
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from tests.factories import MemberFactory, make_user
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.usefixtures("mid_year_clock")


def reference_rule(user) -> set[int]:
    """Meetings in the subtrees where the user reads meetings, or (for a user linked to
    a member) attended by the member, of the member's own organization, or
    working-members meetings of a residence cell the member was introduced to."""
    meetings = Meeting.all_objects.all()
    if user.is_superuser:
        return set(meetings.values_list("pk", flat=True))
    q = Q(pk__in=[])
    for path in paths_with(user, "meetings:read"):
        q |= Q(organization__path__startswith=path)
    if user.member_id:
        q |= Q(pk__in=Attendance.objects.filter(member_id=user.member_id).values("meeting_id"))
        q |= Q(organization__in=Member.objects.filter(pk=user.member_id).values("organization"))
        q |= Q(
            kind=Meeting.Kind.WORKING_MEMBERS,
            organization__in=Introduction.objects.filter(member_id=user.member_id).values(
                "residence_org"
            ),
        )
    return set(meetings.filter(q).values_list("pk", flat=True))


@pytest.fixture
def meetings(cast):
    """A meeting of every cell and of a commune, working-members meetings where w1 was and
    was not introduced, a meeting elsewhere that bithu's member attended, a deleted one."""
    soon = timezone.now() + dt.timedelta(days=3)
    Introduction.objects.create(
        member=cast.members["w1"],
        workplace_org=cast.agency,
        residence_org=cast.cell_a,
        state=Introduction.State.ACTIVE,
        issued_on=dt.date(2025, 1, 10),
        due_on=dt.date(2025, 2, 9),
        handed_in_on=dt.date(2025, 1, 20),
        accepted_on=dt.date(2025, 1, 21),
    )
    made = {
        "a": make_meeting(cast.cell_a),
        "a_soon": make_meeting(cast.cell_a, soon),
        "a_working": make_meeting(cast.cell_a, kind=Meeting.Kind.WORKING_MEMBERS),
        "b": make_meeting(cast.cell_b),
        "b_working": make_meeting(cast.cell_b, soon, kind=Meeting.Kind.WORKING_MEMBERS),
        "other": make_meeting(cast.other_cell),
        "other_attended": make_meeting(cast.other_cell, title="Dự ở nơi khác"),
        "agency": make_meeting(cast.agency_cell),
        "commune": make_meeting(cast.commune),
        "deleted": make_meeting(cast.cell_a, deleted_at=timezone.now()),
    }
    Attendance.objects.create(
        meeting=made["other_attended"], member=cast.members["a2"], status="present"
    )
    return made


@pytest.fixture
def users(cast):
    """The cast, plus member-linked users with a wide scope (the OR spelling) and with
    no meetings scope at all."""
    return {
        **cast.users,
        "province_member": make_user(
            "tinhdv", "committee_staff", cast.province, member=cast.members["o1"]
        ),
        "commune_member": make_user(
            "xadv", "committee_staff", cast.commune, member=cast.members["a1"]
        ),
        "bare_member": make_user(
            "chidv", member=MemberFactory(full_name="Đỗ Văn Em", organization=cast.cell_b)
        ),
    }


@pytest.mark.parametrize(
    "narrow_kinds",
    [
        None,  # as shipped: the UNION for member scopes of at most cells, else the OR
        frozenset(),  # the OR for everyone
        frozenset(Organization.Kind),  # the UNION for every member-linked user
    ],
)
def test_every_role_sees_exactly_the_meetings_of_the_or_rule(
    cast, meetings, users, monkeypatch, narrow_kinds
):
    if narrow_kinds is not None:
        monkeypatch.setattr("lienhe.meetings.models.CELL_SCOPE_KINDS", narrow_kinds)
    for name, user in users.items():
        expected = reference_rule(user)
        seen = set(Meeting.all_objects.visible_to(user).values_list("pk", flat=True))
        assert seen == expected, name
        alive = set(Meeting.objects.visible_to(user).values_list("pk", flat=True))
        assert alive == expected - {meetings["deleted"].pk}, name


def test_the_cases_the_member_arms_are_for(cast, meetings):
    secretary = set(Meeting.objects.visible_to(cast.users["secretary_a"]))
    assert meetings["other_attended"] in secretary  # attended elsewhere
    assert meetings["other"] not in secretary and meetings["b"] not in secretary
    member = set(Meeting.objects.visible_to(cast.users["member"]))  # w1, introduced to A
    assert meetings["a_working"] in member and meetings["agency"] in member
    assert meetings["a"] not in member and meetings["b_working"] not in member
