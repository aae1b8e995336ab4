"""The API's part of the permission matrix (tests/api/matrix.py API_CASES): every
endpoint refuses a user without any role (403 or 404; a refused write leaves no audit
row and changes nothing), answers 401 without a token, and the superuser reads the
lists, reports and the cast's objects (200)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from lienhe.api.services import create_token
from lienhe.audit.models import AuditEvent

from .matrix import API_CASES, ApiCase

pytestmark = pytest.mark.django_db
WRITES = {"post", "put", "patch", "delete"}


def _call(case: ApiCase, kwargs: dict, raw: str | None):
    url = reverse(case.url_name, kwargs=kwargs)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    http = Client()
    if case.method == "get":
        return http.get(url, **headers)
    return getattr(http, case.method)(
        url, json.dumps({}), content_type="application/json", **headers
    )


def _ids(cases):
    return [f"{c.method}-{c.url_name}" for c in cases]


@pytest.mark.parametrize("case", API_CASES, ids=_ids(API_CASES))
def test_a_user_without_roles_is_refused_and_writes_nothing(case: ApiCase, cast):
    """Refused: 403/404 on an object or a report (404: no organization in scope); a
    scoped list answers 200 with no
    item; a write with an empty body is refused before or by validation (422) and
    leaves no audit row."""
    kwargs = case.kwargs(cast)  # build the objects before counting
    _token, raw = create_token(cast.users["outsider"], "ma trận")
    before = AuditEvent.objects.count()
    response = _call(case, kwargs, raw)
    status = response.status_code
    if case.public:
        assert status == case.public
    elif case.url_name == "api:me":
        assert status == 200
    elif case.method in WRITES:
        assert status in (403, 404, 422), response.content[:300]
        assert AuditEvent.objects.count() == before
    elif kwargs:
        assert status in (403, 404), response.content[:300]
    else:
        assert status in (403, 404) or (status == 200 and response.json()["items"] == []), (
            status,
            response.content[:300],
        )


PRIVATE = [c for c in API_CASES if not c.public]


@pytest.mark.parametrize("case", PRIVATE, ids=_ids(PRIVATE))
def test_no_token_is_401(case: ApiCase, cast):
    kwargs = case.kwargs(cast)
    before = AuditEvent.objects.count()
    assert _call(case, kwargs, None).status_code == 401
    assert AuditEvent.objects.count() == before


ADMIN = [c for c in API_CASES if c.admin is not None]


@pytest.mark.parametrize("case", ADMIN, ids=_ids(ADMIN))
def test_the_superuser_reads(case: ApiCase, cast):
    _token, raw = create_token(cast.users["admin"], "ma trận")
    response = _call(case, case.kwargs(cast), raw)
    assert response.status_code == case.admin, response.content[:300]
