"""Rules of Quy định 213-QĐ/TW and Hướng dẫn 33-HD/BTCTW as the introduction letter prints
them (issue 19). The clock is pinned: nothing here depends on today's date."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from lienhe.liaison import services
from lienhe.liaison.views_issue import _pdf_context

from .helpers import letter

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@time_machine.travel(NOON, tick=False)
def test_letter_cites_hd33_of_30_10_2020_and_says_at_the_latest(cast):
    intro = letter(cast, "issued", issued_days_ago=0)
    html = render_to_string("liaison/letter_pdf.html", _pdf_context([intro]))
    assert "Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020" in html
    assert "10/3/2020" not in html
    # The words and the rule agree: the due day itself is on time.
    assert f"chậm nhất ngày {intro.due_on:%d/%m/%Y}" in html
    assert "trước ngày" not in html


@time_machine.travel(NOON + dt.timedelta(days=30), tick=False)
def test_hand_in_on_the_due_day_is_on_time(cast):
    with time_machine.travel(NOON, tick=False):
        intro = letter(cast, "issued", issued_days_ago=0)
    assert intro.due_on == dt.date(2026, 4, 1)
    intro = services.confirm_handin(
        intro, handed_in_on=intro.due_on, actor=cast.users["secretary_a"]
    )
    assert intro.handed_in_late is False


@time_machine.travel(NOON + dt.timedelta(days=31), tick=False)
def test_hand_in_the_day_after_is_late(cast):
    with time_machine.travel(NOON, tick=False):
        intro = letter(cast, "issued", issued_days_ago=0)
    assert intro.days_overdue(dt.date(2026, 4, 1)) == 0
    assert intro.days_overdue(dt.date(2026, 4, 2)) == 1
    intro = services.confirm_handin(
        intro, handed_in_on=dt.date(2026, 4, 2), actor=cast.users["secretary_a"]
    )
    assert intro.handed_in_late is True


def test_policy_sources_cite_hd33_correctly():
    from lienhe.orgs.policy import PARAMETERS

    for param in PARAMETERS.values():
        assert "10/3/2020" not in param.source, param.key
        if "33-HD/BTCTW" in param.source and "mục" in param.source:
            # HD 33 §1.1/§1.2 are the exemption sections, nothing else cites a section.
            assert "mục 1.1" in param.source or "mục 1.2" in param.source, param.key


# Exemption groups of Hướng dẫn 33-HD/BTCTW mục 1.1 and 1.2 (issue 19).


def test_exemption_groups_are_the_five_of_hd33():
    from lienhe.liaison.models import (
        INTRODUCTION_EXEMPTION_GROUPS,
        RESIDENCE_EXEMPTION_GROUPS,
        ExemptionGroup,
    )

    assert len(ExemptionGroup.values) == 5
    # mục 1.1: "Đảng viên giới thiệu nhưng được miễn sinh hoạt nơi cư trú" — four groups.
    assert [g.value for g in RESIDENCE_EXEMPTION_GROUPS] == [
        "barracks",
        "mobile",
        "study",
        "student",
    ]
    assert "12 tháng" in str(ExemptionGroup.STUDY.label)
    # mục 1.2: "Đảng viên được miễn giới thiệu về tổ chức đảng nơi cư trú".
    assert INTRODUCTION_EXEMPTION_GROUPS == [ExemptionGroup.SPECIAL_DUTY]


def test_exemption_needs_a_group_and_reports_count_by_group(cast):
    from lienhe.liaison.selectors import exempt_by_group
    from tests.factories import MemberFactory

    staff = cast.users["agency_staff"]
    intro = letter(cast, "active")
    with pytest.raises(services.LiaisonError, match="mục 1.1"):
        services.set_exemption(intro, reason="Đi học", actor=staff)
    with pytest.raises(services.LiaisonError, match="mục 1.1"):
        services.set_exemption(intro, group="special_duty", actor=staff)
    intro = services.set_exemption(intro, group="student", actor=staff)
    assert intro.exemption_group == "student"
    assert intro.exemption_reason.startswith("Học sinh, sinh viên")
    services.exempt_from_introduction(
        MemberFactory(organization=cast.agency_cell, is_working=True),
        workplace_org=cast.agency,
        residence_org=cast.cell_b,
        reason="Đơn vị thường trực sẵn sàng chiến đấu",
        actor=staff,
    )
    assert exempt_by_group(cast.agency) == {"student": 1, "special_duty": 1}
    assert exempt_by_group(cast.province) == {"student": 1, "special_duty": 1}


@time_machine.travel(NOON, tick=False)
def test_periodic_report_counts_exempt_members_by_hd33_group_as_of_the_period_end(cast):
    # HD 33 mục 1.1 "học sinh, sinh viên đi học xa nhà" (exempt from residence activities)
    # and mục 1.2 "đơn vị thường trực sẵn sàng chiến đấu" (exempt from introduction).
    from lienhe.liaison.periodic import liaison_section
    from tests.factories import MemberFactory

    staff = cast.users["agency_staff"]
    services.set_exemption(
        letter(cast, "active"), group="student", on=dt.date(2026, 2, 1), actor=staff
    )
    services.exempt_from_introduction(
        MemberFactory(organization=cast.agency_cell, is_working=True),
        workplace_org=cast.agency,
        residence_org=cast.cell_b,
        reason="Đơn vị thường trực sẵn sàng chiến đấu",
        on=dt.date(2026, 2, 20),
        actor=staff,
    )
    figures = {
        f.label: f.value for f in liaison_section(cast.agency, dt.date(2026, 1, 1), NOON.date())
    }
    assert figures["Được miễn — Học sinh, sinh viên đi học xa nhà (HD 33 mục 1.1)"] == 1
    special = [v for k, v in figures.items() if k.startswith("Được miễn — Quân đội, Công an làm")]
    assert special == [1]
    assert (
        figures[
            "Được miễn — Quân đội, Công an ở tập trung tại doanh trại, nhà công vụ (HD 33 mục 1.1)"
        ]
        == 0
    )
    # As of 25/02/2026: the special-duty exemption (from 20/02) counts; the student's
    # letter was handed in only on 02/03, so it is not yet in force.
    before = {
        f.label: f.value
        for f in liaison_section(cast.agency, dt.date(2026, 1, 1), dt.date(2026, 2, 25))
    }
    assert before["Được miễn — Học sinh, sinh viên đi học xa nhà (HD 33 mục 1.1)"] == 0
    assert sum(v for k, v in before.items() if k.startswith("Được miễn")) == 1
    # As of 10/02/2026 neither existed.
    earlier = liaison_section(cast.agency, dt.date(2026, 1, 1), dt.date(2026, 2, 10))
    assert sum(f.value for f in earlier if f.label.startswith("Được miễn")) == 0
