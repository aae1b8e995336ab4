"""Letters in a given state for the shared cast: w1 (agency) introduced to cell A."""

import datetime as dt

from django.utils import timezone

from lienhe.liaison import services
from lienhe.liaison.models import Introduction


def letter(cast, state: str = "active", member=None, residence=None, issued_days_ago: int = 5):
    member = member or cast.members["w1"]
    existing = Introduction.objects.open().filter(member=member).first()
    if existing is not None:
        return existing
    staff = cast.users["agency_staff"]
    intro = services.create_letter(
        member,
        workplace_org=cast.agency,
        residence_org=residence or cast.cell_a,
        actor=staff,
    )
    if state == "draft":
        return intro
    today = timezone.localdate()
    intro = services.issue_letter(
        intro, issued_on=today - dt.timedelta(days=issued_days_ago), actor=staff
    )
    if state == "issued":
        return intro
    officer = cast.users["secretary_a"]
    intro = services.confirm_handin(intro, handed_in_on=today, actor=officer)
    if state == "handed_in":
        return intro
    cell = intro.residence_org if intro.cell else cast.cell_a
    return services.accept_letter(intro, cell=cell, actor=officer)


def task(cast):
    from lienhe.liaison.models import LocalTask

    intro = letter(cast, "active")
    existing = LocalTask.objects.filter(introduction=intro).first()
    if existing:
        return existing
    return services.add_task(
        intro,
        kind="volunteer",
        title="Vệ sinh môi trường khu dân cư",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        actor=cast.users["secretary_a"],
    )


def unintroduced(cast):
    from lienhe.members.models import Member
    from tests.factories import MemberFactory

    found = Member.objects.filter(full_name="Đặng Thu Hà").first()
    return found or MemberFactory(
        full_name="Đặng Thu Hà", organization=cast.agency_cell, is_working=True, gender="female"
    )
