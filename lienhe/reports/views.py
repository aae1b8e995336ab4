from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control, never_cache

from lienhe.access.scoping import paths_with, scope_organizations
from lienhe.members.figures import subtree_totals
from lienhe.summaries.cache import cached_pieces
from lienhe.summaries.services import shared_reads

from .home import cached_panel_families, home_panels


@login_required
def home(request):
    user = request.user
    paths = None if user.is_superuser else paths_with(user, "members:read")
    scope = scope_organizations(user, "members:read") if paths else []
    # Panels per user, rendered and cached a short while each under the families it
    # reads: a write in the user's scope drops only the panels of its families (issue
    # 21, lienhe/summaries/cache.py). HTML, not the panels' model instances: unpickling
    # those cost more than the queries saved. Panels registered with cache=False are
    # computed on every view. The figures and, when recounted, the panels' counts
    # share one read of the scope's summary counters and of its regulations
    # (`shared_reads`).
    with shared_reads():
        figures = subtree_totals(paths) if (paths is None or paths) else None
        kept = cached_pieces(
            user,
            cached_panel_families(),
            lambda names: _rendered(request, home_panels(request, live=False, names=names), names),
        )
        live = home_panels(request, live=True)
    panels = sorted([*filter(None, kept.values()), *live], key=lambda p: p["order"])
    return render(
        request,
        "home.html",
        {
            "figures": figures,
            "scope": scope,
            "panels": panels,
        },
    )


PANEL_END = "<!--/panel-->"


def _rendered(request, panels: list[dict], names: list[str]) -> dict[str, dict | None]:
    """{name: the panel's HTML (None: nothing to show)} of each of `names`, from one
    render (context processors run once)."""
    html = render_to_string("_home_panels.html", {"panels": panels}, request) if panels else ""
    parts = html.split(PANEL_END)
    result: dict[str, dict | None] = dict.fromkeys(names)
    for p, part in zip(panels, parts, strict=False):
        result[p["name"]] = {
            "order": p["order"],
            "template": p["template"],
            "title": str(p.get("title", "")),
            "html": mark_safe(part),  # noqa: S308 - our own templates' output
        }
    return result


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site (a 404 otherwise)."""
    path = finders.find("lienhe/favicon.ico")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
