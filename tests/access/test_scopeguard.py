"""The unscoped-query guard (lienhe/access/scopeguard.py) that every view test runs
under: an unfiltered read of a scoped model during a request fails."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from lienhe.access.scopeguard import ScopeGuardMiddleware, UnscopedQuery, unscoped
from lienhe.liaison.models import Introduction
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

pytestmark = pytest.mark.django_db


def _run(view, user):
    request = RequestFactory().get("/thu/")
    request.user = user
    return ScopeGuardMiddleware(view)(request)


def test_unfiltered_read_of_a_scoped_model_in_a_request_fails(scope_guard, cast):
    def view(request):
        return HttpResponse(str(Member.objects.count()))

    with pytest.raises(UnscopedQuery, match="members.Member during GET /thu/"):
        _run(view, cast.users["commune_staff"])

    def listing(request):
        return HttpResponse(str(list(Introduction.objects.all())))

    with pytest.raises(UnscopedQuery, match="liaison.Introduction"):
        _run(listing, cast.users["secretary_a"])


def test_filtered_superuser_explicit_and_outside_requests_pass(scope_guard, cast):
    def scoped(request):
        return HttpResponse(str(Member.objects.visible_to(request.user).count()))

    assert _run(scoped, cast.users["commune_staff"]).content == b"3"

    def everything(request):
        return HttpResponse(str(Organization.objects.count()))

    assert _run(everything, cast.users["admin"]).status_code == 200

    def on_purpose(request):
        with unscoped():
            return HttpResponse(str(Organization.objects.count()))

    assert _run(on_purpose, cast.users["commune_staff"]).status_code == 200
    assert Member.objects.count() == 5  # services, tasks and tests are not guarded


def test_the_guard_is_on_for_the_test_client(scope_guard, cast, login, settings):
    assert "lienhe.access.scopeguard.ScopeGuardMiddleware" in settings.MIDDLEWARE
    from django.urls import reverse

    # the two unscoped reads named in issue 18 (liaison home panel, away arrears)
    for user in ("commune_staff", "agency_staff", "secretary_a"):
        http = login(cast.users[user])
        assert http.get("/").status_code == 200
        assert http.get(reverse("away:fee_arrears")).status_code in (200, 403)
