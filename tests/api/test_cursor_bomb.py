"""Issue 15, finding 5: a crafted cursor is a JSON 400, never a traceback."""

import base64

import pytest

from lienhe.api.errors import ApiError
from lienhe.api.pagination import decode_cursor, encode_cursor

pytestmark = pytest.mark.django_db


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BOMB = _b64("[" * 20000)
BAD = [
    BOMB,
    _b64("[" * 50),  # short nesting: shape check, not length
    _b64('[{"a": 1}]'),
    _b64("[1, 2]"),
    _b64("[true]"),
    "A" * 401,
    "abc$def",
]


@pytest.mark.parametrize("path", ["/members", "/petitions", "/fees/dues"])
@pytest.mark.parametrize("cursor", BAD, ids=range(len(BAD)))
def test_bad_cursor_is_the_api_json_error(cast, api_as, path, cursor):
    response = api_as("province_staff").get(path, {"cursor": cursor})
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "invalid_cursor"
    assert b"Traceback" not in response.content and b"pagination.py" not in response.content


def test_real_cursors_still_decode():
    assert decode_cursor(encode_cursor(12345)) == 12345
    assert decode_cursor(encode_cursor("0001.0002.0003")) == "0001.0002.0003"
    assert decode_cursor(encode_cursor("Tổ 1")) == "Tổ 1"
    with pytest.raises(ApiError):
        decode_cursor(BOMB)
