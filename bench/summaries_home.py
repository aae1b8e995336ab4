"""Home page for `tinh` with the per-user cache cold and warm, after a write of one
summary family in a cell of the province (a comment saved: what a busy morning does
between two views of the province board), and the red-flag page, as a ratio to /healthz (issue 21, docs/benchmarks.md). In-process test client, minimum of 7
after a warm-up; the load average is printed with the figures.

    DEBUG=1 LIENHE_REQUIRE_2FA=0 AXES_ENABLED=0 PYTHONPATH=. \\
    DATABASE_URL=sqlite:////tmp/sum.db .venv/bin/python bench/summaries_home.py [-v]
"""

import os
import sys
import time


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lienhe.access.models import User

    home = reverse("home")
    client = Client()
    client.force_login(User.objects.get(username="tinh"))

    from lienhe.orgs.models import Organization
    from lienhe.summaries import hooks

    cell = Organization.objects.filter(kind="cell").order_by("path").first()

    def best(url: str, cold: bool | str = False) -> float:
        client.get(url)
        samples = []
        for _ in range(7):
            if cold == "write":
                hooks.changed("comments", [cell.pk])  # recounts that cell's comments
            elif cold:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        return min(samples)

    health = best("/healthz")
    print(f"load average {os.getloadavg()[0]:.2f}")
    pages = (
        ("home (cache cold)", home, True),
        ("home (cache warm)", home, False),
        ("home (after a comment write)", home, "write"),
        ("red flags", reverse("today:redflags"), True),
        ("red flags (cache warm)", reverse("today:redflags"), False),
        ("red flags (after a comment write)", reverse("today:redflags"), "write"),
    )
    for label, url, cold in pages:
        ms = best(url, cold)
        if cold == "write":
            hooks.changed("comments", [cell.pk])
        elif cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        print(
            f"{label}: {ms:.1f} ms = {ms / health:.1f}x healthz ({health:.2f} ms); "
            f"{len(ctx.captured_queries)} queries"
        )
        if "-v" in sys.argv:
            for query in ctx.captured_queries:
                print(f"  {query['time']} {query['sql'][:220]}")


if __name__ == "__main__":
    main()
