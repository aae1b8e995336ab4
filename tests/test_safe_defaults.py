"""Issue 15, finding 9: DEBUG is off unless asked for; own error pages; favicon."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
CODE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _settings_debug(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", CODE],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "lienhe.settings", "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_defaults_to_off():
    result = _settings_debug(SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    # Without DEBUG and without SECRET_KEY the start refuses (no silent dev key).
    refused = _settings_debug()
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr


@pytest.mark.django_db
def test_unknown_url_shows_lienhe_404_not_the_debug_page(cast, login):
    response = login(cast.users["commune_staff"]).get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in body
    assert "URLconf" not in body and "Using the URLconf" not in body


@pytest.mark.django_db
def test_favicon_answers():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
