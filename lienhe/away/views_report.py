"""Supervision report for higher committees: how cells manage away members."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import require_perm
from lienhe.documents.papers import make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.orgs.models import Organization
from lienhe.orgs.widgets import OrgPicker, OrgPickerField
from lienhe.reports import figures

from . import fees, services
from .exports import SupervisionExporter
from .models import AwayPeriod, DestinationComment, Exemption
from .views import _org_or_root, contact_interval, scope_orgs

DURATIONS = [
    (0, 182, "Dưới 6 tháng"),
    (183, 365, "6–12 tháng"),
    (366, 365 * 3, "1–3 năm"),
    (365 * 3 + 1, None, "Trên 3 năm"),
]


def supervision(org: Organization, on: dt.date) -> dict:
    """Figures for the subtree of `org` on `on`. A fixed number of grouped queries."""
    interval = contact_interval(org)
    current = AwayPeriod.objects.current(on).in_subtree(org)
    year = on.year
    commented = DestinationComment.objects.filter(year=year, received_on__isnull=False).values(
        "away_id"
    )

    per_cell: dict[int, Counter] = {}

    def add(rows, key):
        for org_id, n in rows:
            per_cell.setdefault(org_id, Counter())[key] += n

    add(
        current.values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n"),
        "away",
    )
    add(
        AwayPeriod.objects.in_subtree(org)
        .contact_overdue(on, interval)
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n"),
        "overdue",
    )
    add(
        current.exclude(pk__in=commented)
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n"),
        "no_comment",
    )
    exempt_now = Exemption.objects.filter(
        member__organization__path__startswith=org.path, start_on__lte=on, end_on__gte=on
    )
    add(
        exempt_now.values("member__organization_id")
        .annotate(n=Count("id"))
        .values_list("member__organization_id", "n"),
        "exempted",
    )
    expiring = exempt_now.filter(end_on__lte=on + dt.timedelta(days=30)).count()
    add(fees.arrears_by_organization(org, until=on, min_months=3).items(), "arrears")
    pending = (
        AwayPeriod.objects.in_subtree(org)
        .filter(status__in=AwayPeriod.OPEN)
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    add(pending, "pending")

    cells = {o.pk: o for o in Organization.objects.filter(pk__in=per_cell.keys())}
    rows = sorted(
        ({"cell": cells[pk], **counts} for pk, counts in per_cell.items() if pk in cells),
        key=lambda r: (-r.get("overdue", 0), -r.get("away", 0), r["cell"].path),
    )
    destinations = list(
        current.values("destination_unit__name", "destination_country")
        .annotate(n=Count("id"))
        .order_by("-n")[:15]
    )
    for d in destinations:
        d["label"] = d["destination_country"] or d["destination_unit__name"] or "Khác"
    durations = []
    for low, high, label in DURATIONS:
        span = current.filter(start_on__lte=on - dt.timedelta(days=low))
        if high is not None:
            span = span.filter(start_on__gt=on - dt.timedelta(days=high))
        n = span.count()
        durations.append({"label": label, "n": n})
    totals = Counter()
    for r in rows:
        for k in ("away", "overdue", "no_comment", "exempted", "arrears", "pending"):
            totals[k] += r.get(k, 0)
    top = max([d["n"] for d in destinations] or [1])
    for i, d in enumerate(destinations):
        d["bar"] = max(1, round(200 * d["n"] / top))
        d["y"] = i * 20
        d["text_x"] = 176 + d["bar"]
    return {
        "org": org,
        "on": on,
        "year": year,
        "interval": interval,
        "rows": rows[:300],
        "more_rows": max(0, len(rows) - 300),
        "totals": totals,
        "expiring": expiring,
        "destinations": destinations,
        "chart_height": 20 * len(destinations) + 4,
        "durations": durations,
        "abroad": current.exclude(destination_country="").count(),
        # The headline figure read through the catalogue (issue 16).
        "catalogue": figures.shown(["away_in_contact"], org, on),
    }


class OrgFilterForm(forms.Form):
    """The organization of the supervision and fees reports: a search-as-you-type
    picker (issue 21), not a <select> of every committee and commune of a province
    (2.100 options cost ~130 ms of template rendering at 100.000 members)."""

    org = OrgPickerField(
        label=_("Tổ chức"),
        queryset=Organization.objects.none(),
        required=False,
        widget=OrgPicker(max_depth=3),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scope_orgs(user).filter(depth__lte=3)


def picked_org(request) -> tuple[Organization, OrgFilterForm]:
    """The report's organization (`?org=` id, or a name typed without JavaScript and
    resolved in the scope; else the scope root; 404/403 outside it, as before) and the
    picker to show."""
    from lienhe.access.requests import report_org_for

    from .views import REPORT_KINDS

    typed = OrgFilterForm(request.GET, user=request.user) if request.GET.get("org_ten") else None
    if typed is not None and typed.is_valid() and typed.cleaned_data["org"] is not None:
        org_id = typed.cleaned_data["org"].pk
    else:
        org_id = request.GET.get("org", "")
    org = report_org_for(request.user, org_id, "away:read", kinds=REPORT_KINDS)
    if typed is not None and typed.errors:
        return org, typed  # the picker shows why the name did not resolve
    return org, OrgFilterForm(initial={"org": org.pk}, user=request.user)


@require_perm("away:read")
def report(request):
    from django.template.loader import render_to_string

    from lienhe.summaries.cache import cached_for_subtree

    org, form = picked_org(request)  # access checked before the cache is read
    on = services.today()

    def body() -> str:
        return render_to_string("away/_report_body.html", supervision(org, on))

    ctx = {
        "org": org,
        "form": form,
        "body": cached_for_subtree(
            org.path,
            "away.supervision",
            {"on": on},
            body,
            families=("away", "transfers", "fees"),
        ),
    }
    return render(request, "away/report.html", ctx)


@require_perm("away:export")
def report_export(request):
    org = _org_or_root(request)
    return SupervisionExporter(supervision(org, services.today())).export(request)


@require_perm("away:read")
def report_pdf(request):
    org = _org_or_root(request)
    ctx = supervision(org, services.today())
    ctx["paper"] = make_paper(
        org,
        kind="BC",
        title=_("Báo cáo"),
        subtitle=_("tình hình quản lý đảng viên đi làm ăn xa nơi cư trú (đến ngày %(d)s)")
        % {"d": ctx["on"].strftime("%d/%m/%Y")},
        issued_on=timezone.localdate(),
        number_key=f"away-supervision-{ctx['on']:%Y%m%d}",
        recipients=[_("Cấp ủy cấp trên (để b/c)"), _("Các chi bộ trực thuộc"), _("Lưu")],
    )
    return pdf_response(render_pdf("away/pdf/report.html", ctx), "bao-cao-dang-vien-di-xa.pdf")
