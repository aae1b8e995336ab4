"""Screenshot helper for developers: [LIENHE_BASE=http://127.0.0.1:8001] python bench/shot.py USER PATH OUT [WIDTH]."""

import os
import sys

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(user: str, path: str, out: str, width: int = 1280) -> None:
    base = os.environ.get("LIENHE_BASE", "http://127.0.0.1:8000")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", "lienhe-demo")
        page.click("button[type=submit]")
        page.goto(base + path)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 1280)
