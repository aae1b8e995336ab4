"""The organization board's ranked red flags (page /hom-nay/canh-bao/, its Excel export
and the top-10 home panel). Modules supply the flags (`lienhe/<module>/flags.py`,
registry in `redflags.py`); here we only decide who sees them and where.

Who: a user holding `reports:read` at an organization above cell level (province,
district, base committee: the board or committee staff, or a viewer). A module's
flags are asked only where the user also reads that module (`liaison:read`, …)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.requests import paginate, query_without_page
from lienhe.access.scoping import has_org_permission, scope_organizations
from lienhe.documents.exports import ListExporter
from lienhe.orgs.models import Organization
from lienhe.summaries.cache import cached
from lienhe.text import fold

from .redflags import MODULE_LABELS, RedFlag, collect, families_of_all, pack, rank, unpack

BOARD_PERM = "reports:read"
# Flags asked from each module per scope root on the page and in the export: enough
# for a province's worst cases, bounded whatever its size (docs/reports.md).
PAGE_LIMIT = 200
PANEL_SIZE = 10
CELL_KINDS = (Organization.Kind.CELL, Organization.Kind.GROUP)


def board_roots(user) -> list[Organization]:
    """Top organizations where the user watches a subtree as board/committee staff
    (one query; none for a cell officer or a plain member)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lienhe_board_roots", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        # One pass over the whole country (the empty path prefix) rather than one per
        # province: the cost must not grow with the number of provinces.
        from lienhe.reports.periodic import national_root

        roots = [national_root()]
    else:
        roots = [o for o in scope_organizations(user, BOARD_PERM) if o.kind not in CELL_KINDS]
    user._lienhe_board_roots = roots  # the panel and the page ask twice per request
    return roots


def board_flags(user, today: dt.date, *, limit: int, module: str = "") -> list[RedFlag]:
    roots = board_roots(user)
    if not roots:
        raise PermissionDenied
    return collect(
        roots,
        today,
        limit=limit,
        modules=[module] if module else None,
        allowed=lambda org, perm: has_org_permission(user, org, perm),
    )


def page_flags(user, today: dt.date) -> list[RedFlag]:
    """Every module's ranked flags for the page, its HTMX results and the export: one
    list per user, day and version of the user's scope (`summaries.cache.cached`; a
    write in scope through the summaries hooks drops it, else it lives
    `LIENHE_PAGE_CACHE_SECONDS`). Filters and pages are cut from it in Python; the
    entries are tuples of str/int/date (`redflags.pack`: ≈ 1.000 flags, 230 kB pickled
    on the 100k demo, issue 21), never model instances."""
    if not board_roots(user):
        raise PermissionDenied  # before the cache: a refused user reads nothing
    rows = cached(
        user,
        f"redflags-page:{today.isoformat()}",
        lambda: pack(board_flags(user, today, limit=PAGE_LIMIT)),
        families=families_of_all(),
    )
    return unpack(rows)


def _filtered(request) -> tuple[list[RedFlag], str, str, dt.date]:
    today = timezone.localdate()
    module = request.GET.get("module", "")
    if module not in MODULE_LABELS:
        module = ""
    query = request.GET.get("q", "").strip()
    flags = page_flags(request.user, today)
    if module:
        # The same flags as asking only that module: each module's list is its own.
        flags = [f for f in flags if f.module == module]
    folded = fold(query)
    if folded:
        flags = [f for f in flags if f.matches(folded)]
    return flags, module, query, today


@login_required
def red_flags(request):
    flags, module, query, today = _filtered(request)
    page = paginate(request, flags)
    params = query_without_page(request)
    rows = [{"flag": f, "days": f.days(today)} for f in page.object_list]
    template = "reports/_redflags_results.html" if request.htmx else "reports/redflags.html"
    return render(
        request,
        template,
        {
            "page": page,
            "rows": rows,
            "query": params,
            "module": module,
            "q": query,
            "modules": [(k, str(v)) for k, v in MODULE_LABELS.items()],
            "limit": PAGE_LIMIT,
        },
    )


class RedFlagExporter(ListExporter):
    permission = "reports:export"
    title = "Cảnh báo"
    filename = "canh-bao"

    def __init__(self, flags: list[RedFlag], today: dt.date, base_url: str) -> None:
        self.flags, self.today, self.base_url = flags, today, base_url

    def header(self):
        return [
            _("Thứ tự"),
            _("Mức"),
            _("Lĩnh vực"),
            _("Nội dung"),
            _("Tổ chức"),
            _("Hạn"),
            _("Số ngày còn lại (âm: quá hạn)"),
            _("Ghi chú"),
            _("Đường dẫn"),
        ]

    def rows(self):
        for i, f in enumerate(self.flags, start=1):
            yield [
                i,
                _("Nghiêm trọng") if f.severity == "danger" else _("Cần chú ý"),
                f.module_label,
                f.title,
                f.org_name,
                f.deadline,
                f.days(self.today),
                f.detail,
                self.base_url + f.url,
            ]


@login_required
def red_flags_export(request):
    flags, _module, _query, today = _filtered(request)
    base = request.build_absolute_uri("/").rstrip("/")
    return RedFlagExporter(flags, today, base).export(request)


PANEL_PER_MODULE = 3


def spread(flags: list[RedFlag], size: int) -> list[RedFlag]:
    """The top `size` in rank order, at most PANEL_PER_MODULE from one module while
    other modules have flags left — so one module's backlog does not hide the rest."""
    chosen: list[RedFlag] = []
    per_module: dict[str, int] = {}
    for flag in flags:
        if per_module.get(flag.module, 0) < PANEL_PER_MODULE:
            chosen.append(flag)
            per_module[flag.module] = per_module.get(flag.module, 0) + 1
    chosen += [f for f in flags if f not in chosen][: max(0, size - len(chosen))]
    return rank(chosen)[:size]


def home_panel(request) -> dict | None:
    """Top 10 red flags of the board's subtree on the home page."""
    user = request.user
    if not board_roots(user):
        return None
    today = timezone.localdate()
    # Not cached here: the home page keeps the rendered panel per user under every
    # module's flag families (`reports.views.home`, `Panel(..., families=)`). Not cut
    # from the page's list (`page_flags`): asked for 10, a module cuts its rows in SQL
    # order (deadline, id) where `rank` breaks ties by organization path, so the two
    # top 10s can differ on ties (one row of ten on the 100k demo) — and computing 10
    # per module is the cheaper cold path for the home page.
    flags = spread(board_flags(user, today, limit=PANEL_SIZE), PANEL_SIZE)
    return {
        "template": "reports/_redflags_panel.html",
        "title": _("Cảnh báo trong phạm vi phụ trách"),
        "rows": [{"flag": f, "days": f.days(today)} for f in flags],
    }
