"""Walks every URL name of the project for every role, inside and outside the
role's subtree, and asserts the status. A URL missing from the matrix fails."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests

from .matrix import ROLES, Case

# Not application pages: Django admin (superuser-only, Django's own checks). The API
# namespace is listed too: its web pages as Cases, its token-auth endpoints in
# tests/api/matrix.py API_CASES (run by tests/api/test_api_matrix.py).
EXCLUDED_NAMESPACES = {"admin"}
REFUSED = {401, 403, 404, 405}


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


def _api_case_names() -> set[str]:
    from tests.api.matrix import API_CASES

    return {case.url_name for case in API_CASES}


def _written(case: Case, cast):
    """What a POST may change: the audit trail (all rows, and those of the case's own
    action) and the case's own `effect`."""
    from lienhe.audit.models import AuditEvent

    return (
        AuditEvent.objects.count(),
        AuditEvent.objects.filter(action=case.audit).count() if case.audit else None,
        case.effect(cast) if case.effect else None,
    )


def _check_effect(case: Case, role: str, cast, expected: int, before) -> None:
    """A refused POST (or one a rule turns away, or one without effect) writes nothing;
    an allowed one writes its audit row and changes its effect."""
    after = _written(case, cast)
    if expected in REFUSED or role in case.unchanged_for or case.no_effect:
        assert after == before, (
            f"{role}: POST ({expected}) should write nothing: {before} -> {after}"
        )
        return
    if case.audit:
        assert after[1] > before[1], f"{role}: allowed POST wrote no '{case.audit}' audit row"
    else:
        assert after[0] == before[0], f"{role}: unaudited POST wrote audit rows"
    if case.effect:
        assert after[2] != before[2], f"{role}: allowed POST changed nothing: {before[2]}"


def _declares_effect(case: Case) -> bool:
    if case.no_effect:
        return not (case.effect or case.audit or case.unaudited)
    if case.unaudited:
        return case.effect is not None and not case.audit
    return bool(case.audit)


POSTS = [case for case in CASES if case.method == "post"]


def test_every_post_case_declares_its_effect():
    """A POST case says what it writes (`audit`, with `effect` where a row changes), or
    why it writes no audit row (`unaudited`, with an `effect`), or why it has no effect
    (`no_effect`): a new POST case cannot check its status code only."""
    undeclared = [c.label or c.url_name for c in POSTS if not _declares_effect(c)]
    assert not undeclared, f"POST không khai báo tác động (audit/effect/no_effect): {undeclared}"
    stray = [c.label or c.url_name for c in CASES if c.method != "post" and _has_effect(c)]
    assert not stray, f"tác động khai báo cho một GET: {stray}"


def _has_effect(case: Case) -> bool:
    return bool(case.effect or case.audit or case.unaudited or case.no_effect)


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
    covered = {case.url_name for case in CASES} | _api_case_names()
    missing = sorted(_url_names() - covered)
    assert not missing, f"URL chưa có trong ma trận phân quyền: {missing}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label or c.url_name)
def test_permission_matrix(case: Case, role: str, cast, login, client):
    url = reverse(case.url_name, kwargs=case.kwargs(cast)) + case.query
    user = cast.users[role]
    http = login(user)
    data = case.data(cast) if case.data else {}
    before = _written(case, cast)
    response = getattr(http, case.method)(url, data)
    expected = case.status_for(role)
    assert response.status_code == expected, (
        f"{role} {case.method.upper()} {url}: {response.status_code} != {expected}"
    )
    if case.method == "post":
        _check_effect(case, role, cast, expected, before)


def _refused_roles(case: Case) -> list[str]:
    """One role refused with 403 and one with 404 (the two refusals a page gives)."""
    picked: dict[int, str] = {}
    for role in ROLES:
        status = case.status_for(role)
        if status in (403, 404):
            picked.setdefault(status, role)
    return sorted(picked.values())


GET_REFUSALS = [
    (case, role) for case in CASES if case.method == "get" for role in _refused_roles(case)
]


@pytest.mark.parametrize(
    ("case", "role"),
    GET_REFUSALS,
    ids=[f"{c.label or c.url_name}-{r}" for c, r in GET_REFUSALS],
)
def test_refused_post_to_a_page_writes_nothing(case: Case, role, cast, login):
    """A page refused on GET is refused on POST too (form pages accept POST), and the
    refused POST writes nothing: no audit row, the case's object unchanged."""
    url = reverse(case.url_name, kwargs=case.kwargs(cast)) + case.query
    http = login(cast.users[role])
    data = case.data(cast) if case.data else {}
    before = _written(case, cast)
    response = http.post(url, data)
    assert response.status_code in REFUSED, f"{role} POST {url}: {response.status_code}"
    assert _written(case, cast) == before


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
