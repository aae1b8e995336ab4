"""Walk the app in Chromium as several demo users and report every Content-Security-
Policy violation (console + securitypolicyviolation events).

    LIENHE_BASE=http://127.0.0.1:8107 python bench/csp_check.py [USER ...] [--shots DIR]

Exit code 1 if any violation is seen. Traffic goes only to LIENHE_BASE."""

import os
import sys
from urllib.parse import urljoin, urlparse

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES_PER_USER = int(os.environ.get("CSP_PAGES", "40"))
SKIP = ("/dang-xuat", "/xuat", "export", ".xlsx", ".csv", ".pdf", "/pdf", "/api/", "/quan-tri/")


def crawl(browser, base: str, user: str, shots: str | None) -> list[str]:
    violations: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSPV ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
    )
    page = context.new_page()
    current = {"url": ""}
    page.on(
        "console",
        lambda m: (
            violations.append(f"{user} {current['url']}: {m.text}")
            if ("Content Security Policy" in m.text or m.text.startswith("CSPV"))
            else None
        ),
    )
    page.on("pageerror", lambda e: violations.append(f"{user} {current['url']}: JS error {e}"))
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", os.environ.get("LIENHE_DEMO_PASSWORD", "lienhe-demo"))
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    host = urlparse(base).netloc
    queue, seen = [base + "/"], set()
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        current["url"] = url
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        # Exercise htmx search boxes where present.
        search = page.query_selector("input[type=search][hx-get], input[name=q][hx-get]")
        if search:
            search.fill("nguyen")
            page.wait_for_timeout(800)
        if shots and len(seen) <= 3:
            page.screenshot(path=f"{shots}/csp-{user}-{len(seen)}.png", full_page=False)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            absolute = urljoin(url, href).split("#")[0]
            parsed = urlparse(absolute)
            if parsed.netloc != host or any(s in absolute for s in SKIP):
                continue
            if absolute not in seen and absolute not in queue:
                queue.append(absolute)
    context.close()
    print(f"{user}: {len(seen)} trang")
    return violations


def main(argv: list[str]) -> int:
    base = os.environ.get("LIENHE_BASE", "http://127.0.0.1:8000")
    shots = None
    if "--shots" in argv:
        i = argv.index("--shots")
        shots = argv[i + 1]
        argv = argv[:i] + argv[i + 2 :]
    users = argv or ["tinh", "xa", "bithu", "dangvien", "uyvien", "so"]
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for user in users:
            problems += crawl(browser, base, user, shots)
        browser.close()
    for line in problems:
        print(line)
    print(f"{len(problems)} vi phạm CSP / lỗi JS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
