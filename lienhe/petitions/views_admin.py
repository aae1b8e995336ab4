"""Clusters (same issue, many cells), the petitions report and the agency register."""

from __future__ import annotations

import datetime as dt
import statistics

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import require_perm
from lienhe.access.requests import paginate, query_without_page, report_org, year_param
from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with
from lienhe.orgs.models import Organization
from lienhe.reports import figures
from lienhe.reports.toolkit import (
    Column,
    TableExporter,
    bar_chart_svg,
    ratio,
    render_report_pdf,
)
from lienhe.text import fold, vi_order

from . import forms as f
from . import services
from .models import Agency, Category, Cluster, Petition
from .selectors import received_between, report_aggregates

# ----------------------------------------------------------------- clusters


def _period(request) -> tuple[dt.date, dt.date]:
    year = year_param(request)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# Annotation on cluster rows built from visible petitions: how many of them carry the
# cluster's title as their summary (then the user sees the title's source).
TITLE_SEEN = Count("id", filter=Q(summary=F("cluster__title")))


def _with_visible_titles(user, rows, visible) -> list[dict]:
    """Cluster rows (annotated with `title_seen=TITLE_SEEN`) with `cluster__title`
    replaced by the heading the user may see (`services.cluster_titles` over
    `visible`, issue 15 finding 8); no query when every title's source is seen."""
    rows = list(rows)
    unsure = [r["cluster_id"] for r in rows if not r["title_seen"]]
    titles = services.cluster_titles(user, unsure, visible=visible) if unsure else {}
    return [
        r if r["title_seen"] else {**r, "cluster__title": titles.get(r["cluster_id"], "")}
        for r in rows
    ]


@require_perm("petitions:read")
def cluster_list(request):
    """Same issue raised in many cells: clusters with their counts, by category and
    by place (commune) of the petitions the user sees."""
    visible = Petition.objects.visible_to(request.user).exclude(
        outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED)
    )
    in_clusters = visible.filter(cluster__isnull=False)
    category = request.GET.get("category") or ""
    q = fold(request.GET.get("q") or "")
    if category.isdigit():
        in_clusters = in_clusters.filter(category_id=int(category))
    rows = (
        in_clusters.values(
            "cluster_id", "cluster__title", "cluster__confirmed_at", "category__name"
        )
        .annotate(
            n=Count("id"),
            cells=Count("organization", distinct=True),
            open=Count("id", filter=Q(state__in=Petition.OPEN_STATES)),
            title_seen=TITLE_SEEN,
        )
        .filter(n__gte=2)
        .order_by("-cells", "-n", "cluster_id")
    )
    if q:
        rows = rows.filter(cluster__petitions__search_text__contains=q).distinct()
    page = paginate(request, rows)
    page.object_list = _with_visible_titles(request.user, page.object_list, visible)
    by_category = list(
        in_clusters.values("category__name")
        .annotate(clusters=Count("cluster", distinct=True), n=Count("id"))
        .order_by("-n")
    )
    by_place = list(
        in_clusters.values("admin_unit__name")
        .annotate(clusters=Count("cluster", distinct=True), n=Count("id"))
        .order_by("-n")[:15]
    )
    query = query_without_page(request)
    return render(
        request,
        "petitions/clusters.html",
        {
            "page": page,
            "by_category": by_category,
            "by_place": by_place,
            "categories": Category.objects.filter(is_active=True),
            "category": category,
            "q": request.GET.get("q") or "",
            "query": query,
        },
    )


@require_perm("petitions:read")
def cluster_detail(request, pk: int):
    cluster = get_object_or_404(Cluster.objects.select_related("category", "confirmed_by"), pk=pk)
    petitions = list(
        Petition.objects.visible_to(request.user)
        .filter(cluster=cluster)
        .select_related("organization", "agency", "admin_unit")
        .order_by("received_on", "id")
    )
    if not petitions:
        raise Http404
    can_route = any(
        has_org_permission(request.user, p.organization, "petitions:route") for p in petitions
    )
    title = services.cluster_titles(request.user, [cluster.pk])[cluster.pk]
    form = f.ClusterForm(request.POST or None, initial={"title": title})
    if request.method == "POST":
        if not can_route:
            raise PermissionDenied
        if form.is_valid():
            services.confirm_cluster(cluster, title=form.cleaned_data["title"], actor=request.user)
            messages.success(request, _("Đã xác nhận đây là cùng một vấn đề."))
            return redirect("petitions:cluster", pk=cluster.pk)
    return render(
        request,
        "petitions/cluster.html",
        {
            "cluster": cluster,
            "cluster_title": title,
            "petitions": petitions,
            "cells": len({p.organization_id for p in petitions}),
            "people": sum(p.people_count for p in petitions),
            "can_route": can_route,
            "form": form,
        },
    )


# ----------------------------------------------------------------- report

COLUMNS = [
    Column("label", "Nhóm", "text", 40),
    Column("received", "Tiếp nhận"),
    Column("answered", "Đã trả lời"),
    Column("on_time", "Trả lời đúng hạn"),
    Column("on_time_rate", "Tỷ lệ đúng hạn", "percent"),
    Column("overdue", "Đang quá hạn"),
    Column("closed", "Đã kết thúc"),
    Column("reopened", "Bị mở lại"),
]


def _rate(row: dict) -> dict:
    return {"on_time_rate": ratio(row.get("on_time"), row.get("answered"))}


def report_data(root: Organization, start: dt.date, end: dt.date, user) -> dict:
    # As of today for the running year, as of its end for a closed one (issue 16).
    today = min(timezone.localdate(), end)
    base = received_between(Petition.objects.visible_to(user).in_subtree(root), start, end)
    aggs = report_aggregates(today)
    by_category = [
        {"label": r.pop("category__name"), **r}
        for r in base.values("category__name").annotate(**aggs).order_by("-received")
    ]
    by_agency = [
        {"label": r.pop("agency__name") or _("(chưa chuyển cơ quan)"), **r}
        for r in base.values("agency__name").annotate(**aggs).order_by("-received")
    ]
    from lienhe.reports.toolkit import subtree_breakdown

    breakdown = subtree_breakdown(root, base, "organization__path", derive=_rate, **aggs)
    by_org = [{"label": r["org"].name, **r} for r in breakdown.rows]
    for rows in (by_category, by_agency):
        for r in rows:
            r.update(_rate(r))
    totals = {"label": _("Tổng cộng"), **breakdown.totals}
    days = [
        (a.date() - (s or r)).days
        for a, s, r in base.filter(answered_at__isnull=False)
        .values_list("answered_at", "assigned_on", "received_on")
        .iterator(chunk_size=2000)
    ]
    clusters = _with_visible_titles(
        user,
        base.filter(cluster__isnull=False)
        .values("cluster_id", "cluster__title")
        .annotate(n=Count("id"), cells=Count("organization", distinct=True), title_seen=TITLE_SEEN)
        .filter(n__gte=2)
        .order_by("-cells", "-n")[:10],
        base,
    )
    return {
        "by_category": by_category,
        "by_agency": by_agency,
        "by_org": by_org,
        "totals": totals,
        "median_days": statistics.median(days) if days else None,
        "clusters": clusters,
    }


def _report_parts(root: Organization, start: dt.date, end: dt.date, by: str, user) -> dict:
    """Data, rows, headline figure, title and chart of the report (page and exports)."""
    data = report_data(root, start, end, user)
    rows = data[f"by_{by}"]
    # The headline figure of the subtree, read through the catalogue (issue 16).
    catalogue = figures.shown(
        ["petitions_on_time"], root, min(timezone.localdate(), end), start=start
    )
    labels = {"category": _("lĩnh vực"), "agency": _("cơ quan giải quyết"), "org": _("tổ chức")}
    title = _("Báo cáo kết quả giải quyết kiến nghị theo %(b)s năm %(y)s") % {
        "b": labels[by],
        "y": start.year,
    }
    chart = bar_chart_svg(
        [
            (r["label"], None if r["on_time_rate"] is None else r["on_time_rate"] * 100)
            for r in rows[:15]
        ],
        title=_("Tỷ lệ trả lời đúng hạn"),
        max_value=100,
    )
    return {"data": data, "rows": rows, "catalogue": catalogue, "title": title, "chart": chart}


def _reads_whole_subtree(user, root: Organization) -> bool:
    """`Petition.objects.visible_to(user)` holds every petition of `root`'s subtree:
    then the report is the organization's, shared in the cache by its readers. An
    agency handler (or a reader of a part only) sees his own report, uncached."""
    from .models import reader_paths

    return user.is_superuser or any(root.path.startswith(p) for p in reader_paths(user))


@require_perm("petitions:read")
def report(request):
    root = report_org(request, "petitions:read")
    start, end = _period(request)
    by = (
        request.GET.get("by")
        if request.GET.get("by") in ("category", "agency", "org")
        else "category"
    )
    fmt = request.GET.get("format")
    if fmt not in ("xlsx", "csv", "pdf"):
        from django.template.loader import render_to_string

        from lienhe.summaries.cache import cached_for_subtree

        def body() -> str:
            parts = _report_parts(root, start, end, by, request.user)
            return render_to_string("petitions/_report_body.html", {**parts, "columns": COLUMNS})

        if _reads_whole_subtree(request.user, root):
            params = {"year": start.year, "by": by}
            body_html = cached_for_subtree(
                root.path, "petitions.report", params, body, families=("petitions",)
            )
        else:
            body_html = body()
        return render(
            request,
            "petitions/report.html",
            {
                "root": root,
                "year": start.year,
                "by": by,
                "body": body_html,
                "orgs": _report_orgs(request.user),
                "can_export": has_perm_anywhere(request.user, "petitions:export"),
            },
        )
    parts = _report_parts(root, start, end, by, request.user)
    data, rows, catalogue = parts["data"], parts["rows"], parts["catalogue"]
    title, chart = parts["title"], parts["chart"]
    if fmt in ("xlsx", "csv"):
        return TableExporter(
            title=title,
            subtitle=f"{root.name} — {start:%d/%m/%Y} – {end:%d/%m/%Y}",
            columns=COLUMNS,
            rows=rows,
            totals=data["totals"],
            permission="petitions:export",
            filename="bao-cao-kien-nghi",
        ).export(request, fmt)
    from lienhe.documents.services import pdf_response

    median = data["median_days"]
    notes = [
        _("Số ngày trung vị từ khi chuyển cơ quan đến khi trả lời: %(d)s.")
        % {"d": "—" if median is None else f"{median:g}".replace(".", ",")}
    ]
    notes += figures.lines(catalogue)
    notes += [
        _("Vấn đề chung “%(t)s”: %(n)s kiến nghị từ %(c)s chi bộ.")
        % {"t": c["cluster__title"], "n": c["n"], "c": c["cells"]}
        for c in data["clusters"][:5]
    ]
    pdf = render_report_pdf(
        title=title,
        subtitle=f"{root.name} — từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}",
        columns=COLUMNS,
        rows=rows,
        totals=data["totals"],
        org=root,
        date=timezone.localdate(),
        number_key=f"petitions-{start:%Y%m%d}-{end:%Y%m%d}",
        chart=chart,
        notes=notes,
    )
    return pdf_response(pdf, "bao-cao-kien-nghi.pdf")


def _report_orgs(user):
    qs = Organization.objects.filter(is_active=True, depth__lte=3).exclude(
        kind=Organization.Kind.CELL
    )
    if user.is_superuser:
        return qs[:300]
    from lienhe.access.scoping import subtree_q

    return qs.filter(subtree_q(paths_with(user, "petitions:read")))[:300]


# ----------------------------------------------------------------- agencies


@require_perm("petitions:read")
def agency_list(request):
    today = timezone.localdate()
    visible = Petition.objects.visible_to(request.user)
    agencies = Agency.objects.order_by(vi_order("name"), "id")
    q = fold(request.GET.get("q") or "")
    if q:
        agencies = agencies.filter(search_name__contains=q)
    stats = {
        r["agency_id"]: r
        for r in visible.filter(agency__isnull=False)
        .values("agency_id")
        .annotate(
            waiting=Count("id", filter=Q(state__in=Petition.WAITING_STATES)),
            overdue=Count("id", filter=Q(state__in=Petition.WAITING_STATES, due_on__lt=today)),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(answered_at__isnull=False, answered_late=False)),
        )
    }
    page = paginate(request, agencies.select_related("organization"))
    rows = [{"agency": a, **stats.get(a.pk, {})} for a in page.object_list]
    return render(
        request,
        "petitions/agencies.html",
        {
            "page": page,
            "rows": rows,
            "q": request.GET.get("q") or "",
            "query": f"q={request.GET.get('q', '')}",
            "can_manage": _can_manage_agencies(request.user),
        },
    )


def _can_manage_agencies(user) -> bool:
    """Agencies are a province-wide register: managed by routers at a root node."""
    if user.is_superuser:
        return True
    return any(len(p) == Organization.steplen for p in paths_with(user, "petitions:route"))


def _agency_form(request, agency: Agency | None):
    if not _can_manage_agencies(request.user):
        raise PermissionDenied
    form = f.AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_agency(
                form,
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu cơ quan %(a)s.") % {"a": saved})
            return redirect("petitions:agencies")
    return render(request, "petitions/agency_form.html", {"form": form, "agency": agency})


@require_perm("petitions:route")
def agency_create(request):
    return _agency_form(request, None)


@require_perm("petitions:route")
def agency_edit(request, pk: int):
    agency = get_object_or_404(Agency, pk=pk)
    return _agency_form(request, agency)
