"""Property-based run of the whole API against its own OpenAPI document (schemathesis
through the WSGI app, seeded cast, a real token): no 5xx, every response matches the
documented status codes, content types and schemas. Bounded to stay well under 60 s."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lienhe.api.services import create_token

MAX_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes "old" connections at each request end; inside the test
    transaction that would close PostgreSQL's connection (Django's test client does the
    same disconnect)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _operations():
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("role", ["province_staff", "secretary_a"])
def test_api_conforms_to_its_schema(cast, role, settings, keep_test_connection):
    settings.API_RATE_LIMIT = 100_000
    cache.clear()
    _token, raw = create_token(cast.users[role], "schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    statuses: dict[int, int] = {}
    operations = list(_operations())
    assert len(operations) >= 9
    for operation in operations:

        @hsettings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        run()
    # the run reached real data, not only error paths
    assert statuses.get(200, 0) > 10, statuses
    print(role, statuses)
