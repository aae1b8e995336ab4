"""Two officers edit the same record from the same starting version: the second save
is refused with a clear message and the first officer's change survives."""

import datetime as dt

import pytest
from django.urls import reverse

from lienhe.members import services as member_services
from lienhe.members.forms import MemberForm, organization_choices_for
from lienhe.members.models import Member
from lienhe.orgs import services as org_services
from lienhe.orgs.models import Organization


def form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = value.strftime("%d/%m/%Y")
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    return data


def test_member_second_save_is_refused_in_the_view(cast, login):
    first_officer = login(cast.users["commune_staff"])
    second_officer = login(cast.users["province_staff"])
    member = cast.members["a1"]
    base = form_data(
        MemberForm(
            instance=member, org_choices=organization_choices_for(cast.users["commune_staff"])
        )
    )
    url = reverse("members:edit", args=[member.pk])
    first = first_officer.post(url, {**base, "full_name": "Nguyễn Văn An A"})
    assert first.status_code == 302, first.content.decode()[:2000]
    second = second_officer.post(url, {**base, "full_name": "Nguyễn Văn An B"})
    assert second.status_code == 200
    page = second.content.decode()
    assert "vừa được người khác sửa" in page
    assert "Nguyễn Văn An B" in page  # what the second officer typed is kept
    assert Member.objects.get(pk=member.pk).full_name == "Nguyễn Văn An A"


def test_member_service_refuses_stale_version(cast):
    member = cast.members["b1"]
    version = member.version
    member_services.update_member(member, expected_version=version, full_name="Lê Văn Cường 1")
    with pytest.raises(member_services.StaleEdit):
        member_services.update_member(member, expected_version=version, full_name="Lê Văn Cường 2")
    assert Member.objects.get(pk=member.pk).full_name == "Lê Văn Cường 1"


def test_organization_second_save_is_refused(cast):
    org = cast.cell_a
    version = org.version
    org_services.update_organization(org, expected_version=version, name="Chi bộ TDP 1 (mới)")
    with pytest.raises(org_services.StaleEdit, match="vừa được người khác sửa"):
        org_services.update_organization(org, expected_version=version, name="Chi bộ khác")
    assert Organization.objects.get(pk=org.pk).name == "Chi bộ TDP 1 (mới)"
