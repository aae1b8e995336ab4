"""Link crawl (issue 20): for every demo role, start at home and follow every internal
link (GET) up to a bounded depth; no page answers 403/404/500, no English UI words, no
immediately doubled word. A link a role cannot use must not be shown to it."""

import datetime as dt
import html
import importlib
import io
import re
import time
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

TODAY = dt.date(2026, 11, 23)
ROLES = ["tinh", "xa", "bithu", "coquan", "dangvien", "uyvien", "so"]
MAX_DEPTH = 3
MAX_PAGES = 40  # per role
ENGLISH = ["Select", "option", "required", "Submit", "None", "True", "False"]
SKIP = (
    "/static/",
    "/media/",
    "/admin/",
    "/tai-khoan/dang-xuat",
    "/api/",
    "/healthz",
)
HREF = re.compile(r"""(?:href|hx-get)="([^"#][^"]*)\"""")
TEXT_NODE = re.compile(r">([^<]+)<")
DOUBLED = re.compile(r"(?<!\w)(\w{2,})\s+\1(?!\w)", re.IGNORECASE)


def _visible_text_nodes(body: str):
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", body)
    for chunk in TEXT_NODE.findall(body):
        text = html.unescape(chunk).strip()
        if text:
            yield text


def _problems(url: str, body: str) -> list[str]:
    found = []
    for text in _visible_text_nodes(body):
        for word in ENGLISH:
            if re.search(rf"(?<!\w){word}(?!\w)", text):
                found.append(f"{url}: English {word!r} in {text[:80]!r}")
        for match in DOUBLED.finditer(text):
            # Proper names may repeat a word ("Lê Phương Phương"); UI words are lower case.
            if match.group(1).islower():
                found.append(f"{url}: doubled {match.group(0)!r} in {text[:80]!r}")
    return found


def _links(url: str, body: str):
    for raw in HREF.findall(body):
        target = urldefrag(urljoin(url, html.unescape(raw)))[0]
        parts = urlsplit(target)
        if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path.startswith(SKIP):
            continue
        yield path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command(
            "seed_demo", members=150, seed=3, today=TODAY.isoformat(), quiet=True, stdout=out
        )
    # The summary speaks Vietnamese numbers: "150 đảng viên trong 20,9 giây".
    assert re.search(r"150 đảng viên trong \d+,\d giây", out.getvalue()), out.getvalue()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        # Put back what the data migrations load, for the tests that run after this one.
        from django.apps import apps

        from lienhe.orgs.admin_units import load_admin_units
        from lienhe.orgs.models import AdminUnit

        load_admin_units(AdminUnit)
        importlib.import_module("lienhe.petitions.migrations.0002_categories").add(apps, None)


@pytest.mark.parametrize("username", ROLES)
def test_every_link_a_role_sees_works(demo, username, db):
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    seen = {"/"}
    queue = deque([("/", 0, "(home)")])
    failures = []
    pages = 0
    started = time.monotonic()
    with time_machine.travel(
        dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        while queue and pages < MAX_PAGES:
            url, depth, came_from = queue.popleft()
            response = client.get(url)
            pages += 1
            if response.status_code in (403, 404) or response.status_code >= 500:
                failures.append(f"{username}: {url} -> {response.status_code} (from {came_from})")
                continue
            if response.status_code != 200:
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            failures.extend(f"{username}: {p}" for p in _problems(url, body))
            if depth >= MAX_DEPTH:
                continue
            for link in _links(url, body):
                if link not in seen:
                    seen.add(link)
                    queue.append((link, depth + 1, url))
    assert pages >= 5, "the crawl reached too few pages"
    assert not failures, "\n".join(failures)
    print(f"{username}: {pages} pages in {time.monotonic() - started:.1f} s")
