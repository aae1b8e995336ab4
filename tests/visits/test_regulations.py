"""Visits under Quy định 1120-QĐ/TU (Sơn La) as a named province preset (issue 19)."""

import datetime as dt

import pytest

from lienhe.orgs.policy import PARAMETERS, PRESETS
from lienhe.orgs.services import apply_preset, effective_policy
from lienhe.visits import compliance
from lienhe.visits.models import Committee, CommitteeMember, Position, Visit
from tests.factories import make_org

pytestmark = pytest.mark.django_db
TERM = {"term_start": dt.date(2025, 10, 1), "term_end": dt.date(2030, 10, 1)}


def test_neutral_default_invents_no_minimum():
    for key in (
        "visit_quota_standing_officer",
        "visit_quota_standing_committee",
        "visit_quota_executive_committee",
    ):
        assert PARAMETERS[key].default == 0
        assert "1120" not in PARAMETERS[key].source
    assert PARAMETERS["visit_monthly_rhythm"].default is False


def test_son_la_preset_reads_the_seed_numbers():
    preset = PRESETS["son_la_1120"]
    assert str(preset.label) == "Sơn La — Quy định 1120-QĐ/TU"
    # Seed 001: BTV "tối thiểu dự sinh hoạt 2 lần/năm", BCH "tối thiểu … 3 lần/năm";
    # no number for the Thường trực.
    assert preset.values["visit_quota_standing_committee"] == 2
    assert preset.values["visit_quota_executive_committee"] == 3
    assert preset.values["visit_quota_standing_officer"] == 0
    assert preset.values["visit_monthly_rhythm"] is True


def test_neutral_province_secretary_is_not_shown_as_failing():
    province = make_org(None, name="Đảng bộ tỉnh Hà Tĩnh", kind="province", side="other")
    committee = Committee.objects.create(organization=province, name="BCH", term="XX", **TERM)
    CommitteeMember.objects.create(
        committee=committee, full_name="Bí thư Tỉnh ủy", position=Position.STANDING_OFFICER
    )
    [row] = compliance.member_rows(committee, 2026, today=dt.date(2026, 12, 1))
    assert row.required == 0 and row.light == "none"
    assert str(row.light_label) == "Không quy định số lần"


def test_preset_applies_with_its_source_and_monthly_rhythm(cast):
    apply_preset(cast.province, "son_la_1120", dt.date(2020, 1, 1))
    assert effective_policy(cast.commune, "visit_quota_executive_committee") == 3
    from lienhe.orgs.models import Policy

    row = Policy.objects.get(organization=cast.province, key="visit_quota_standing_committee")
    assert "1120-QĐ/TU" in row.source
    district = Committee.objects.create(
        organization=cast.commune, name="BCH phường", term="X", **TERM
    )
    cm = CommitteeMember.objects.create(
        committee=district, full_name="Ủy viên", position=Position.EXECUTIVE_COMMITTEE
    )
    for month in (1, 2, 4):
        Visit.objects.create(
            committee_member=cm,
            cell=cast.cell_a,
            planned_on=dt.date(2026, month, 5),
            state=Visit.State.DONE,
        )
    # "định kỳ hằng tháng": March was skipped; May is not over on 15/5.
    assert compliance.monthly_gaps(district, 2026, today=dt.date(2026, 5, 15)) == [3]
    # The province's own committee is not asked for the monthly rhythm.
    prov = Committee.objects.create(organization=cast.province, name="BCH tỉnh", term="X", **TERM)
    assert compliance.monthly_gaps(prov, 2026, today=dt.date(2026, 5, 15)) is None


def test_neutral_province_has_no_monthly_rhythm():
    # (tests/visits/conftest.py gives the shared cast Sơn La's preset; a fresh province
    # keeps the neutral default.)
    province = make_org(None, name="Đảng bộ tỉnh Hà Tĩnh", kind="province", side="other")
    commune = make_org(province, name="Đảng bộ xã", kind="base")
    district = Committee.objects.create(organization=commune, name="BCH xã", term="X", **TERM)
    assert compliance.monthly_gaps(district, 2026, today=dt.date(2026, 5, 15)) is None


def test_committee_members_visit_record_appears_on_their_year_review(cast, login):
    from django.urls import reverse
    from django.utils import timezone

    from .world import world

    w = world(cast)
    w.visitor_cm.member = cast.members["a1"]
    w.visitor_cm.save()
    year = timezone.localdate().year
    http = login(cast.users["province_staff"])
    page = http.get(reverse("reviews:review_edit", args=[cast.members["a1"].pk, year]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dự sinh hoạt chi bộ (cấp ủy viên)" in text
    assert "/3 lần tối thiểu" in text and w.committee.name in text


def test_compliance_page_shows_the_monthly_rhythm_only_under_the_preset(cast, login):
    # Quy định 1120-QĐ/TU: "phân công cấp ủy định kỳ hằng tháng về dự sinh hoạt với chi bộ".
    from zoneinfo import ZoneInfo

    import time_machine
    from django.urls import reverse

    district = Committee.objects.create(
        organization=cast.commune, name="BCH phường Một", term="X", **TERM
    )
    cm = CommitteeMember.objects.create(
        committee=district, full_name="Ủy viên", position=Position.EXECUTIVE_COMMITTEE
    )
    for month in (1, 2, 4):
        Visit.objects.create(
            committee_member=cm,
            cell=cast.cell_a,
            planned_on=dt.date(2026, month, 5),
            state=Visit.State.DONE,
        )
    http = login(cast.users["admin"])
    url = reverse("visits:compliance") + f"?committee={district.pk}&year=2026"
    with time_machine.travel(
        dt.datetime(2026, 5, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        text = http.get(url).content.decode()
        assert "chưa có cấp ủy viên nào dự trong tháng 3/2026" in text
        # A province without the preset (neutral default) shows no monthly check.
        from lienhe.orgs.models import Policy

        Policy.objects.filter(organization=cast.province, key="visit_monthly_rhythm").delete()
        assert 'id="monthly-rhythm"' not in http.get(url).content.decode()


def test_minimums_of_a_committee_are_one_policy_read_with_the_inheritance_rule(cast):
    """Issue 21: the visits board's per-position minimums cost one query (was one per
    position) and give what `effective_policy` gives, a later row included."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lienhe.orgs.services import effective_policy, set_policy
    from lienhe.visits.models import QUOTA_KEYS
    from lienhe.visits.services import minimums_for
    from tests.visits.world import world

    committee = world(cast).committee
    set_policy(cast.province, "visit_quota_standing_officer", 7, dt.date(2027, 1, 1))
    for year in (2026, 2027):
        with CaptureQueriesContext(connection) as ctx:
            got = minimums_for(committee, year)
        assert len(ctx.captured_queries) == 1
        on = dt.date(year, 1, 1)
        org = committee.organization
        assert got == {p: int(effective_policy(org, k, on)) for p, k in QUOTA_KEYS.items()}
    assert 7 in got.values()  # the 2027 row is read
