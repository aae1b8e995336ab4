"""Issue 20 items 3, 4 and 8 on the shared cast: no link a role cannot use, the hidden
pages linked from the UI, Vietnamese blank choices."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_member_home_and_meeting_page_do_not_link_the_meeting_list(cast, login):
    meeting = Meeting.objects.create(
        organization=cast.agency_cell,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() + dt.timedelta(days=2),
    )
    client = login(cast.users["member"])
    assert client.get(reverse("meetings:list")).status_code == 403
    home = client.get("/").content.decode()
    assert "Lịch sinh hoạt sắp tới" in home
    assert f'href="{reverse("meetings:list")}"' not in home
    detail = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert detail.status_code == 200
    assert f'href="{reverse("meetings:list")}"' not in detail.content.decode()


def test_report_export_link_only_for_those_who_may_export(cast, login):
    visitor = login(cast.users["visitor"])
    page = visitor.get(reverse("meetings:report"))
    assert page.status_code == 200
    if visitor.get(reverse("meetings:report_export")).status_code == 403:
        assert reverse("meetings:report_export") not in page.content.decode()
    staff = login(cast.users["province_staff"])
    assert (
        reverse("meetings:report_export") in staff.get(reverse("meetings:report")).content.decode()
    )


def test_periodic_report_and_comment_request_are_linked(cast, login):
    staff = login(cast.users["province_staff"])
    reports = staff.get(reverse("reports:participation")).content.decode()
    assert f'href="{reverse("reports:periodic")}"' in reports
    comments = staff.get(reverse("reviews:list")).content.decode()
    assert reverse("reviews:request_for_org", args=[cast.province.pk]) in comments


def test_profile_links_only_organizations_the_user_may_open(cast, login):
    client = login(cast.users["member"])
    page = client.get(reverse("access:profile")).content.decode()
    for org_id in [r.organization_id for r in cast.users["member"].roles.all()]:
        url = reverse("orgs:detail", args=[org_id])
        if client.get(url).status_code == 404:
            assert f'href="{url}"' not in page


def test_blank_choice_is_vietnamese(cast, login):
    page = login(cast.users["province_staff"]).get(reverse("members:create")).content.decode()
    assert "Select an option" not in page
    assert "— chọn —" in page
