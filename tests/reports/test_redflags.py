"""The board's red flags: each module's rule on real records, the ranking, the scope,
and the page (filter, search without diacritics, export, bounded queries)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.away.models import AwayPeriod
from lienhe.liaison.models import Introduction
from lienhe.meetings.models import Meeting
from lienhe.petitions import services as petition_services
from lienhe.petitions.models import Agency, Petition
from lienhe.reports import redflags
from lienhe.reviews.constants import Purpose, ReviewLevel
from lienhe.reviews.models import ResidenceComment, YearReview
from lienhe.visits.models import Visit
from tests.away.helpers import filed
from tests.factories import MemberFactory
from tests.liaison.helpers import letter
from tests.meetings.helpers import at, make_meeting
from tests.petitions.world import make_petition
from tests.visits.world import world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def flags_of(module: str, org, today=TODAY, limit=50):
    source = next(s for s in redflags.RED_FLAG_SOURCES if s.module == module)
    return source.func(org, today, limit)


def keys(flags) -> set[str]:
    return {f.key for f in flags}


def _overdue_letter(cast, days=12):
    intro = letter(cast, "issued")
    Introduction.objects.filter(pk=intro.pk).update(due_on=TODAY - dt.timedelta(days=days))
    return intro


def _overdue_petition(cast, days=5, member=None, org=None):
    p = make_petition(org or cast.cell_a)
    agency, _ = Agency.objects.get_or_create(name="Sở Giao thông", kind="department")
    p = petition_services.assign(p, agency, actor=cast.users["commune_staff"])
    Petition.objects.filter(pk=p.pk).update(due_on=TODAY - dt.timedelta(days=days))
    return p


def _uncontacted(cast, period=None):
    period = period or filed(cast, "a1")
    AwayPeriod.objects.filter(pk=period.pk).update(
        status=AwayPeriod.Status.APPROVED,
        start_on=TODAY - dt.timedelta(days=200),
        approved_on=TODAY - dt.timedelta(days=200),
        last_contact_on=None,
    )
    return period


def _late_comment(cast, days=3):
    return ResidenceComment.objects.create(
        member=cast.members["w1"],
        year=TODAY.year,
        purpose=Purpose.YEARLY,
        residence_org=cast.cell_a,
        workplace_org=cast.agency_cell,
        requested_via="workplace",
        due_on=TODAY - dt.timedelta(days=days),
    )


# ------------------------------------------------------------------ each module


def test_liaison_flags_letter_past_hand_in_deadline(cast):
    intro = letter(cast, "issued")
    assert f"liaison:overdue:{intro.pk}" not in keys(flags_of("liaison", cast.province))
    _overdue_letter(cast)
    flags = flags_of("liaison", cast.province)
    flag = next(f for f in flags if f.key == f"liaison:overdue:{intro.pk}")
    assert flag.url == reverse("liaison:detail", args=[intro.pk])
    assert flag.days(TODAY) == -12 and flag.org_name == cast.agency.name
    assert "Hoàng Minh Đức" in flag.title


def test_liaison_flags_handed_in_letter_not_accepted_after_a_week(cast):
    intro = letter(cast, "handed_in")
    assert not flags_of("liaison", cast.province)
    Introduction.objects.filter(pk=intro.pk).update(handed_in_on=TODAY - dt.timedelta(days=10))
    assert f"liaison:accept:{intro.pk}" in keys(flags_of("liaison", cast.province))


def test_meetings_flags_unrecorded_meeting_after_alert_days(cast):
    recent = make_meeting(cast.cell_a, at(TODAY - dt.timedelta(days=2)))
    old = make_meeting(cast.cell_b, at(TODAY - dt.timedelta(days=9)))
    held = make_meeting(cast.cell_b, at(TODAY - dt.timedelta(days=20)), state=Meeting.State.HELD)
    found = keys(flags_of("meetings", cast.province))
    assert f"meetings:unrecorded:{old.pk}" in found
    assert f"meetings:unrecorded:{recent.pk}" not in found
    assert f"meetings:unrecorded:{held.pk}" not in found


def test_meetings_flags_cell_without_any_meeting_last_month(cast):
    last = TODAY.replace(day=1) - dt.timedelta(days=1)
    make_meeting(cast.cell_a, at(last.replace(day=5)), state=Meeting.State.HELD)
    found = keys(flags_of("meetings", cast.commune))
    month = last.strftime("%m/%Y")
    assert f"meetings:silent:{cast.cell_b.pk}:{month}" in found
    assert f"meetings:silent:{cast.cell_a.pk}:{month}" not in found


def test_visits_flags_report_overdue(cast):
    w = world(cast)  # a visit 2 days ago awaits its report: not yet overdue (7 days)
    assert f"visits:report:{w.planned.pk}" not in keys(flags_of("visits", cast.province))
    Visit.objects.filter(pk=w.planned.pk).update(planned_on=TODAY - dt.timedelta(days=10))
    flag = next(
        f for f in flags_of("visits", cast.province) if f.key == f"visits:report:{w.planned.pk}"
    )
    assert flag.url == reverse("visits:visit_detail", args=[w.planned.pk])
    assert flag.deadline == TODAY - dt.timedelta(days=3)


def test_visits_flags_members_behind_quota_only_after_mid_year(cast):
    w = world(cast)
    year = TODAY.year
    september = dt.date(year, 9, 15)
    april = dt.date(year, 4, 15)
    quota = f"visits:quota:{w.standing.pk}:{year}"
    assert quota in keys(flags_of("visits", cast.province, today=september))
    assert quota not in keys(flags_of("visits", cast.province, today=april))
    # Enough planned visits for the rest of the year: the plan reaches the minimum.
    Visit.objects.bulk_create(
        Visit(
            committee_member=w.standing,
            cell=cast.cell_a,
            planned_on=dt.date(year, 12, 1),
            year=year,
        )
        for _ in range(12)
    )
    assert quota not in keys(flags_of("visits", cast.province, today=september))


def test_petitions_flags_overdue_and_ranks_escalated_higher(cast):
    fine = make_petition(cast.cell_a, summary="Đèn đường hỏng")
    late = _overdue_petition(cast, days=5)
    escalated = _overdue_petition(cast, days=5)
    Petition.objects.filter(pk=escalated.pk).update(escalated_on=TODAY)
    flags = flags_of("petitions", cast.province)
    assert [f.key for f in flags] == [
        f"petitions:overdue:{escalated.pk}",
        f"petitions:overdue:{late.pk}",
    ]
    assert f"petitions:overdue:{fine.pk}" not in keys(flags)


def test_away_flags_member_not_contacted_within_policy_interval(cast):
    period = filed(cast, "a1")
    assert not flags_of("away", cast.province)  # only a report, not yet away
    _uncontacted(cast, period)
    flags = flags_of("away", cast.province)
    assert [f.key for f in flags] == [f"away:contact:{period.pk}"]
    AwayPeriod.objects.filter(pk=period.pk).update(last_contact_on=TODAY - dt.timedelta(days=3))
    assert not flags_of("away", cast.province)


def test_reviews_flags_late_comment(cast):
    on_time = _late_comment(cast, days=-5)
    assert f"reviews:comment:{on_time.pk}" not in keys(flags_of("reviews", cast.province))
    ResidenceComment.objects.filter(pk=on_time.pk).update(due_on=TODAY - dt.timedelta(days=2))
    assert f"reviews:comment:{on_time.pk}" in keys(flags_of("reviews", cast.province))
    # The workplace that asked for it sees it too; a third commune does not.
    assert f"reviews:comment:{on_time.pk}" in keys(flags_of("reviews", cast.agency))
    assert not flags_of("reviews", cast.other_commune)


def test_reviews_flags_good_proposal_against_poor_residence_comment(cast):
    member = cast.members["w1"]
    comment = _late_comment(cast)
    ResidenceComment.objects.filter(pk=comment.pk).update(
        state=ResidenceComment.State.SENT, conclusion=0, sent_at=timezone.now()
    )
    review = YearReview.objects.create(
        member=member,
        year=TODAY.year,
        organization=member.organization,
        state=YearReview.State.PROPOSED,
        proposal_level=ReviewLevel.GOOD,
    )
    assert f"reviews:conflict:{review.pk}" not in keys(flags_of("reviews", cast.province))
    ResidenceComment.objects.filter(pk=comment.pk).update(conclusion=2)
    flag = next(
        f for f in flags_of("reviews", cast.province) if f.key == f"reviews:conflict:{review.pk}"
    )
    assert flag.url == reverse("reviews:review_edit", args=[member.pk, TODAY.year])


# ------------------------------------------------------------------ ranking, scope


def test_ranking_puts_the_worst_first_across_modules(cast):
    _overdue_letter(cast, days=40)
    _overdue_petition(cast, days=2)
    flags = redflags.collect(
        [cast.province], TODAY, limit=20, modules=["liaison", "petitions"], allowed=None
    )
    assert [f.module for f in flags][:2] == ["liaison", "petitions"]
    assert flags[0].severity == "danger" and flags[1].severity == "warn"
    scores = [f.score for f in flags]
    assert scores == sorted(scores, reverse=True)


def test_home_panel_spreads_the_top_ten_across_modules():
    from lienhe.reports.today import spread

    def flag(module, score):
        return redflags.RedFlag(module, score, f"{module} {score}", "Chi bộ", "0001", "/x/")

    flags = redflags.rank(
        [flag("meetings", 300 - i) for i in range(8)] + [flag("away", 10), flag("visits", 5)]
    )
    top = spread(flags, 5)
    assert [f.module for f in top] == ["meetings"] * 3 + ["away", "visits"]
    assert [f.module for f in spread(flags[:8], 5)] == ["meetings"] * 5


def test_policy_for_paths_takes_the_deepest_override(cast):
    from lienhe.orgs.models import Policy

    Policy.objects.create(
        organization=cast.province,
        key="visit_quota_standing_committee",
        value=9,
        effective_from=dt.date(2020, 1, 1),
    )
    Policy.objects.create(
        organization=cast.commune,
        key="visit_quota_standing_committee",
        value=3,
        effective_from=dt.date(2020, 1, 1),
    )
    value = redflags.policy_for_paths(cast.province)
    on = dt.date(2026, 1, 1)
    assert value(cast.cell_a.path, "visit_quota_standing_committee", on) == 3
    assert value(cast.other_cell.path, "visit_quota_standing_committee", on) == 9
    # Before any row: the registry default (no minimum since issue 19's neutral default).
    assert value(cast.cell_a.path, "visit_quota_standing_committee", dt.date(2019, 1, 1)) == 0
    from lienhe.orgs.services import effective_policy

    for org in (cast.cell_a, cast.other_cell, cast.province):
        assert value(org.path, "away_contact_interval_days", on) == effective_policy(
            org, "away_contact_interval_days", on
        )


def test_commune_user_does_not_see_another_communes_flags(cast, login):
    mine = _overdue_petition(cast, org=cast.cell_a)
    theirs = _overdue_petition(cast, org=cast.other_cell)
    body = login(cast.users["commune_staff"]).get(reverse("today:redflags")).content.decode()
    assert reverse("petitions:detail", args=[mine.pk]) in body
    assert reverse("petitions:detail", args=[theirs.pk]) not in body
    body = login(cast.users["province_staff"]).get(reverse("today:redflags")).content.decode()
    assert reverse("petitions:detail", args=[theirs.pk]) in body


def test_cell_secretary_and_member_have_no_board_page(cast, login):
    for role in ("secretary_a", "member", "visitor", "handler", "outsider"):
        assert login(cast.users[role]).get(reverse("today:redflags")).status_code == 403


# ------------------------------------------------------------------ the page


def test_page_filters_by_module_and_searches_without_diacritics(cast, login):
    _overdue_letter(cast)
    p = _overdue_petition(cast)
    client = login(cast.users["province_staff"])
    body = client.get(reverse("today:redflags"), {"module": "petitions"}).content.decode()
    assert f"#{p.pk}" in body and "quá hạn nộp giấy" not in body
    body = client.get(reverse("today:redflags"), {"q": "hoang minh duc"}).content.decode()
    assert "Hoàng Minh Đức quá hạn nộp giấy" in body and f"#{p.pk} quá hạn" not in body
    assert "quá hạn 12 ngày" in body


def test_export_lists_the_flags_in_excel(cast, login):
    import io

    from openpyxl import load_workbook

    _overdue_letter(cast)
    response = login(cast.users["province_staff"]).get(reverse("today:redflags_export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))[int(ws.freeze_panes[1:]) - 2 :]
    assert rows[0][3] == "Nội dung"
    assert any("Hoàng Minh Đức" in (r[3] or "") and r[6] == -12 for r in rows[1:])
    response = login(cast.users["province_staff"]).get(
        reverse("today:redflags_export"), {"format": "csv"}
    )
    assert "Hoàng Minh Đức" in response.content.decode("utf-8-sig")


def _many_flags(cast, n: int):
    for i in range(n):
        member = MemberFactory(organization=cast.cell_b)
        cast.members[f"many{member.pk}"] = member
        _uncontacted(cast, filed(cast, f"many{member.pk}"))
        make_meeting(cast.cell_b, at(TODAY - dt.timedelta(days=30 + i)))
        ResidenceComment.objects.create(
            member=member,
            year=TODAY.year,
            purpose=Purpose.YEARLY,
            residence_org=cast.cell_a,
            workplace_org=cast.agency_cell,
            requested_via="workplace",
            due_on=TODAY - dt.timedelta(days=1 + i),
        )
        _overdue_petition(cast, days=1 + i)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_query_count_does_not_grow_with_flags(cast, login, django_assert_max_num_queries):
    world(cast)
    client = login(cast.users["province_staff"])
    _many_flags(cast, 1)
    page_one, home_one = _queries(client, reverse("today:redflags")), _queries(client, "/")
    _many_flags(cast, 12)
    page_many, home_many = _queries(client, reverse("today:redflags")), _queries(client, "/")
    assert (page_one, home_one) == (page_many, home_many)
    with django_assert_max_num_queries(25):
        client.get(reverse("today:redflags"))
    with django_assert_max_num_queries(60):  # every module's panel plus the top 10
        client.get(reverse("home"))
