"""Review fixtures built on the shared cast: the working member w1 (agency cell) lives
in cell A with a live liaison; one sent yearly comment and one requested ad hoc one."""

import datetime as dt

from django.utils import timezone

from lienhe.liaison.models import Introduction
from lienhe.reviews.constants import DUTY_KEYS, Purpose
from lienhe.reviews.models import ResidenceComment

YEAR = 2026


def live_introduction(cast, member=None, residence=None) -> Introduction:
    member = member or cast.members["w1"]
    intro = Introduction.objects.filter(member=member).exclude(state="closed").first()
    if intro:
        return intro
    return Introduction.objects.create(
        member=member,
        workplace_org=cast.agency,
        residence_org=residence or cast.cell_a,
        state=Introduction.State.ACTIVE,
        issued_on=dt.date(YEAR, 1, 10),
        due_on=dt.date(YEAR, 2, 9),
        handed_in_on=dt.date(YEAR, 1, 20),
        accepted_on=dt.date(YEAR, 1, 21),
    )


def comments(cast) -> dict:
    cached = getattr(cast, "_review_comments", None)
    if cached:
        return cached
    intro = live_introduction(cast)
    w1 = cast.members["w1"]
    common = {
        "member": w1,
        "introduction": intro,
        "residence_org": cast.cell_a,
        "workplace_org": cast.agency_cell,
        "requested_via": "workplace",
    }
    sent = ResidenceComment.objects.create(
        **common,
        year=YEAR,
        purpose=Purpose.YEARLY,
        due_on=dt.date(YEAR, 11, 30),
        state=ResidenceComment.State.SENT,
        duties=dict.fromkeys(DUTY_KEYS, "Tốt"),
        conclusion=0,
        conclusion_label="Thực hiện tốt",
        sent_at=timezone.now(),
    )
    requested = ResidenceComment.objects.create(
        **common,
        year=YEAR,
        purpose=Purpose.REWARD,
        due_on=dt.date(YEAR, 12, 15),
    )
    cast._review_comments = {"sent": sent, "requested": requested}
    return cast._review_comments
