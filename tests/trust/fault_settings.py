"""Settings for the database-fault test's gunicorn: production error pages
(DEBUG off, so a failure must not show a traceback) but plain HTTP on 127.0.0.1 and
static files without a collectstatic manifest."""

from lienhe.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LIENHE_REQUIRE_2FA = False
