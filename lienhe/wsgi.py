import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
application = get_wsgi_application()

# Import the URL configuration, and with it every view module, while the server process
# starts rather than in a user's first request to it: a gunicorn worker (a fresh one
# after --max-requests too) spent 1–2 s of CPU there (py-spy, issue 21).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
