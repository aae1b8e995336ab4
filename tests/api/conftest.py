import pytest
from django.core.cache import cache
from django.test import Client

from lienhe.api.services import create_token


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    def __init__(self, raw: str):
        self.raw = raw
        self.http = Client()

    def _headers(self, extra):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}", **extra}

    def get(self, path, data=None, **extra):
        return self.http.get(f"/api/v1{path}", data or {}, **self._headers(extra))

    def post(self, path, body, **extra):
        return self.http.post(
            f"/api/v1{path}", body, content_type="application/json", **self._headers(extra)
        )

    def put(self, path, body, **extra):
        return self.http.put(
            f"/api/v1{path}", body, content_type="application/json", **self._headers(extra)
        )

    def patch(self, path, body, **extra):
        return self.http.patch(
            f"/api/v1{path}", body, content_type="application/json", **self._headers(extra)
        )


@pytest.fixture
def api_as(cast):
    def _as(role: str) -> ApiClient:
        _token, raw = create_token(cast.users[role], "thử nghiệm")
        return ApiClient(raw)

    return _as
