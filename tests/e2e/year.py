"""Whole-year journeys at 390×844 (issue 20): every step is a tap on something the
user can see — no URL typed after logging in — and the taps are counted.

`Journey` collects the count of one journey over one or more phones; `Phone` wraps a
Playwright page: `menu()`, `tap()`, `check()`, `choose()` (a native <select>: one tap
to open, one to pick = 2 taps), `confirm()` (the browser's confirmation dialog = 1 tap)
and `type()` (a text field: counted apart as a field typed, not as taps). Logging in
(the only `goto`) is counted apart too.

At the end `Journey.report()` prints the count and writes it as JSON (one file per
journey) plus a markdown table of every journey written so far to
`$LIENHE_E2E_TAPS_DIR` (default `build/e2e-taps/` at the repository root), so the
closing note of the issue can quote it.

Every response a phone receives is watched: a server error (5xx) fails the journey,
and so does a page (document) answered 403 or 404 — a link the user could tap that
leads nowhere.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]


def taps_dir() -> Path:
    return Path(os.environ.get("LIENHE_E2E_TAPS_DIR") or ROOT / "build" / "e2e-taps")


@dataclass
class Step:
    who: str
    what: str
    taps: int = 0
    fields: int = 0


@dataclass
class Journey:
    key: str
    title: str
    steps: list[Step] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def step(self, who: str, what: str) -> None:
        self.steps.append(Step(who, what))

    def _add(self, who: str, *, taps: int = 0, fields: int = 0) -> None:
        if not self.steps or self.steps[-1].who != who:
            self.step(who, "")
        self.steps[-1].taps += taps
        self.steps[-1].fields += fields

    @property
    def taps(self) -> int:
        return sum(s.taps for s in self.steps)

    @property
    def fields(self) -> int:
        return sum(s.fields for s in self.steps)

    def not_built(self, what: str) -> None:
        """A step of the journey whose UI does not exist yet (said in the report)."""
        self.missing.append(what)

    def phone(self, page: Page, who: str) -> Phone:
        return Phone(self, page, who)

    def report(self) -> dict:
        data = {
            "journey": self.key,
            "title": self.title,
            "viewport": "390x844",
            "taps": self.taps,
            "fields_typed": self.fields,
            "steps": [s.__dict__ for s in self.steps],
            "not_built_yet": self.missing,
        }
        lines = [f"[{self.key}] {self.title}: {self.taps} taps, {self.fields} fields typed"]
        lines += [f"  {s.taps:3d} taps {s.fields:2d} fields  {s.who}: {s.what}" for s in self.steps]
        lines += [f"  not built yet: {m}" for m in self.missing]
        print("\n".join(lines))
        out = taps_dir()
        out.mkdir(parents=True, exist_ok=True)
        _write(out / f"{self.key}.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        _write(out / "taps.md", _table(out))
        return data


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _table(out: Path) -> str:
    rows = ["| Hành trình | Số chạm | Ô nhập | Bước chưa có giao diện |", "|---|---:|---:|---|"]
    for path in sorted(out.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        missing = "; ".join(data["not_built_yet"]) or "—"
        rows.append(f"| {data['title']} | {data['taps']} | {data['fields_typed']} | {missing} |")
    return (
        "# Số lần chạm mỗi hành trình (390×844)\n\n"
        "Chọn trong danh sách (select) tính 2 chạm; hộp xác nhận tính 1 chạm; "
        "đăng nhập không tính.\n\n" + "\n".join(rows) + "\n"
    )


class Phone:
    def __init__(self, journey: Journey, page: Page, who: str):
        self.journey = journey
        self.page = page
        self.who = who
        self.bad: list[str] = []
        page.set_default_timeout(10_000)
        page.on("response", self._watch)

    def _watch(self, response) -> None:
        status = response.status
        if status >= 500 or (status in (403, 404) and response.request.resource_type == "document"):
            self.bad.append(f"{status} {response.request.method} {response.url}")

    def assert_clean(self) -> None:
        assert not self.bad, f"{self.who}: {self.bad}"

    # --- counting ---------------------------------------------------------------

    def _count(self, taps: int = 0, fields: int = 0) -> None:
        self.journey._add(self.who, taps=taps, fields=fields)

    def _visible(self, target: Locator | str) -> Locator:
        locator = self.page.locator(target) if isinstance(target, str) else target
        # .first rather than counting now: a count read before a navigation settles
        # belongs to the previous page.
        locator = locator.first
        locator.scroll_into_view_if_needed()
        expect(locator).to_be_visible()
        return locator

    # --- actions ----------------------------------------------------------------

    def tap(self, target: Locator | str) -> None:
        self._visible(target).click()
        self._count(taps=1)
        self.assert_clean()

    def link(self, name: str | re.Pattern, *, exact: bool = False) -> None:
        """Tap a link (or a button styled as one) by its visible text."""
        page = self.page
        # One locator for both roles: Playwright waits until either appears, so a tap
        # right after a navigation does not read the previous page and pick the wrong role.
        role = page.get_by_role("link", name=name, exact=exact).or_(
            page.get_by_role("button", name=name, exact=exact)
        )
        self.tap(role)

    def button(self, name: str | re.Pattern, *, exact: bool = False) -> None:
        self.tap(self.page.get_by_role("button", name=name, exact=exact))

    def menu(self, label: str) -> None:
        """Open the phone menu (☰) if it is folded, then tap the entry."""
        toggle = self.page.locator("button.nav-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            self.tap(toggle)
        self.tap(self.page.locator("#main-nav").get_by_role("link", name=label, exact=True))

    def check(self, target: Locator | str) -> None:
        self._visible(target).check()
        self._count(taps=1)

    def choose(self, target: Locator | str, **option) -> None:
        """Pick in a native select: a tap to open it and a tap on the option."""
        self._visible(target).select_option(**option)
        self._count(taps=2)

    def type(self, target: Locator | str, text: str) -> None:
        self._visible(target).fill(text)
        self._count(fields=1)

    def confirm(self, asked: list[str] | None = None) -> None:
        """The next confirmation dialog is accepted (a tap on "OK")."""

        def _accept(dialog):
            if asked is not None:
                asked.append(dialog.message)
            dialog.accept()
            self._count(taps=1)

        self.page.once("dialog", _accept)

    def home(self) -> None:
        """Back to the home page by the brand link in the header."""
        self.tap(self.page.locator("header a.brand"))

    def says(self, text: str) -> None:
        """The page's message area (role=status, aria-live) tells the user `text`."""
        expect(self.page.locator("#live")).to_contain_text(text)

    def fits(self) -> bool:
        # Measure once the page has settled (fonts, htmx swaps): under load the width was
        # read mid-render and a page that fits was reported as overflowing.
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("document.fonts.ready")
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
