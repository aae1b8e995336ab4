"""Walks every URL name of the project for every role, inside and outside the
role's subtree, and asserts the status. A URL missing from the matrix fails."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests

from .matrix import ROLES, Case

# Not application pages: Django admin (superuser-only, Django's own checks) and
# API endpoints (token-auth, covered by tests/api).
EXCLUDED_NAMESPACES = {"admin", "api", "api-1.0.0"}


def _collect_cases() -> list[Case]:
    cases: list[Case] = []
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.matrix")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = _collect_cases()


def _url_names(resolver=None, prefix="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            names |= _url_names(pattern, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    covered = {case.url_name for case in CASES}
    missing = sorted(_url_names() - covered)
    assert not missing, f"URL chưa có trong ma trận phân quyền: {missing}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label or c.url_name)
def test_permission_matrix(case: Case, role: str, cast, login, client):
    url = reverse(case.url_name, kwargs=case.kwargs(cast)) + case.query
    user = cast.users[role]
    http = login(user)
    data = case.data(cast) if case.data else {}
    response = getattr(http, case.method)(url, data)
    expected = case.status_for(role)
    assert response.status_code == expected, (
        f"{role} {case.method.upper()} {url}: {response.status_code} != {expected}"
    )


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.expect.get("anonymous") != 200],
    ids=lambda c: c.label or c.url_name,
)
def test_anonymous_is_sent_to_login(case: Case, cast, client):
    if case.expect.get("anonymous") is not None:
        pytest.skip("public endpoint with its own expectation")
    url = reverse(case.url_name, kwargs=case.kwargs(cast)) + case.query
    response = getattr(client, case.method)(url, case.data(cast) if case.data else {})
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
