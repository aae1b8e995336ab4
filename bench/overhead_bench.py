"""The fixed cost of a signed-in page (issue 21, session 8): what every page pays before
and after its own work (middleware, context processors, the base template, the session),
as a ratio to /healthz measured the same way in the same run. Two pages that do nothing
else are added to the URLs for the measurement only: `bare` (a signed-in view answering
"ok": the middleware stack) and `base` (the same rendering `base.html`: plus the context
processors and the menu). Production settings as `bench/loadtest.py` runs them:

    PYTHONPATH=. DATABASE_URL=postgres://postgres@127.0.0.1:5432/lienhe_demo \\
    .venv/bin/python bench/overhead_bench.py [--repeat 200] [--profile base] [-v]

`--profile NAME` runs cProfile over that page (cumulative and own time); `-v` prints
the queries of each page.
"""

from __future__ import annotations

import argparse
import os
import time

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "DB_CONN_MAX_AGE": "600",
    "EMAIL_BACKEND": "locmem",
    "LOG_LEVEL": "ERROR",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="runs per page (minimum kept)")
    parser.add_argument("--profile", default="", help="cProfile this page (a name below)")
    parser.add_argument("-v", action="store_true", help="print the queries of each page")
    parser.add_argument("--user", default="tinh")
    parser.add_argument(
        "--security",
        action="store_true",
        help="keep 2FA and axes on (the load test turns them off)",
    )
    args = parser.parse_args()
    for key, value in PRODUCTION.items():
        os.environ.setdefault(key, value)
    if not args.security:
        os.environ.setdefault("LIENHE_REQUIRE_2FA", "0")
        os.environ.setdefault("AXES_ENABLED", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.db import connection
    from django.http import HttpResponse
    from django.shortcuts import render
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import path, reverse

    import lienhe.urls
    from lienhe.access.models import User

    @login_required
    def bare(request):
        return HttpResponse("ok")

    @login_required
    def base(request):
        return render(request, "base.html")

    class Urls:
        urlpatterns = [
            path("__bare/", bare, name="bench_bare"),
            path("__base/", base, name="bench_base"),
            *lienhe.urls.urlpatterns,
        ]

    with override_settings(ROOT_URLCONF=Urls):
        user = User.objects.get(username=args.user)
        client = Client()
        # The backend a login through the form records (force_login takes the first one).
        client.force_login(user, backend="lienhe.access.backends.UsernameOrPhoneBackend")
        pages = [
            ("healthz", "/healthz"),
            ("bare", "/__bare/"),
            ("base", "/__base/"),
            ("profile", reverse("access:profile")),
            ("inbox", reverse("notify:inbox")),
            ("home", reverse("home")),
            ("members", reverse("members:list")),
            ("letters", reverse("liaison:list")),
            ("meetings", reverse("meetings:list")),
            ("petitions", reverse("petitions:list")),
        ]

        def best(url: str) -> float:
            for _ in range(3):  # warm-up (templates, caches, statement plans)
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            samples = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            return samples[0], samples[len(samples) // 2]

        load = os.getloadavg()
        print(
            f"DEBUG={settings.DEBUG} 2FA={settings.LIENHE_REQUIRE_2FA} axes={settings.AXES_ENABLED}"
            f" cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
            f" session={settings.SESSION_ENGINE.rsplit('.', 1)[-1]};"
            f" load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        health = best("/healthz")[0]
        print(f"{'page':<12}{'min ms':>9}{'p50 ms':>9}{'× healthz':>11}{'queries':>9}")
        for name, url in pages:
            low, mid = best(url)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            print(
                f"{name:<12}{low:>9.2f}{mid:>9.2f}{low / health:>10.1f}×"
                f"{len(ctx.captured_queries):>9}",
                flush=True,
            )
            if args.v:
                for query in ctx.captured_queries:
                    print(f"    {query['sql'][:200]}")
        load = os.getloadavg()
        print(f"load after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

        if args.profile:
            import cProfile
            import pstats

            url = dict(pages)[args.profile]
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(url)
            profiler.disable()
            stats = pstats.Stats(profiler)
            print(f"\n--- {args.profile}: {args.repeat} requests, cumulative")
            stats.sort_stats("cumulative").print_stats(45)
            print(f"\n--- {args.profile}: own time")
            stats.sort_stats("tottime").print_stats(35)


if __name__ == "__main__":
    main()
