"""`DEBUG=0 SECRET_KEY=… ALLOWED_HOSTS=x manage.py check --deploy` is clean."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import io, django
django.setup()
from django.core.management import call_command
out = io.StringIO()
call_command("check", deploy=True, fail_level="DEBUG", stdout=out, stderr=out)
print(out.getvalue())
"""

# Variables of the developer's or the CI's shell that must not leak into the check.
LEAKY = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "EMAIL_BACKEND",
)


def _check_deploy(tmp_path, **extra) -> tuple[int, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            "ALLOWED_HOSTS": "x",
            "DJANGO_SETTINGS_MODULE": "lienhe.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def _assert_clean(code: int, output: str) -> None:
    assert code == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "?: (" not in output, output


def test_check_deploy_is_clean_with_a_real_mailer(tmp_path):
    _assert_clean(*_check_deploy(tmp_path, EMAIL_BACKEND="smtp"))


def test_check_deploy_is_clean_with_only_the_three_variables(tmp_path):
    _assert_clean(*_check_deploy(tmp_path))
