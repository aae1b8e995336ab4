"""Browser tests: Playwright (pytest-playwright) driving Debian's /usr/bin/chromium
against pytest-django's live_server. Skipped where chromium is not installed."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason="chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_page():
    """Log `page` in through the real login form."""

    def _login(page, live_server, username, password):
        page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return _login


@pytest.fixture
def liaison_cast(cast):
    """The shared cast with w1 (Sở Y tế) living in cell A's area, so the issue page
    proposes cell A as the residence."""
    from lienhe.orgs.admin_units import load_admin_units
    from lienhe.orgs.models import AdminUnit

    # A transactional test before this one flushed the units the migration loaded.
    load_admin_units(AdminUnit)
    unit = AdminUnit.objects.filter(level="commune").order_by("code").first()
    cast.commune.admin_unit = unit
    cast.commune.save()
    member = cast.members["w1"]
    member.home_unit = unit
    member.home_address = f"Số 12, Tổ dân phố 1, {unit.name}"
    member.save()
    return cast


@pytest.fixture
def phone_context(browser):
    """A second phone-sized browser (another user on another phone)."""
    contexts = []

    def _new():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()
