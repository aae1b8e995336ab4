"""Settings for pytest: the development defaults of `lienhe.settings` (plain HTTP,
`testserver` host, console mail, a throw-away SECRET_KEY) without changing the
production default DEBUG=0. pytest-django still runs every test with DEBUG=False.
Subprocesses started by tests inherit DEBUG=1 through the environment."""

import os

os.environ.setdefault("DEBUG", "1")

from lienhe.settings import *  # noqa: E402, F403

# Every run of a `@cached_page` view checks it read only the tables it declares
# (lienhe/pagecache.py): the view tests of those pages cover their states.
LIENHE_PAGE_TABLES_CHECK = True
