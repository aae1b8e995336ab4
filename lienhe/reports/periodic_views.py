"""Periodic report pages: choose subtree and period, compute (inline for small
subtrees, in the background with a progress bar for large ones), read, export."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.guards import check_org_perm, get_report_org, require_perm
from lienhe.documents.services import pdf_response
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from .models import ReportRun
from .periodic import current_period_code, from_json, parse_period
from .tasks import periodic_report_task, run_periodic_report
from .toolkit import Column, TableExporter, render_report_pdf


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Kỳ báo cáo"),
        max_length=10,
        help_text=gettext_lazy("Ví dụ: 2026 (cả năm), 2026-H1 (6 tháng đầu năm), 2026-Q3 (quý)"),
    )

    def clean_period(self):
        code = self.cleaned_data["period"].strip().upper()
        try:
            parse_period(code)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Kỳ báo cáo không hợp lệ; nhập dạng 2026, 2026-H1 hoặc 2026-Q3.")
            ) from exc
        return code


def _scope_org(request) -> Organization:
    org_id = request.GET.get("org") or request.POST.get("org")
    return get_report_org(request.user, org_id, "reports:read")


@require_perm("reports:read")
def periodic(request):
    org = _scope_org(request)
    form = PeriodForm(
        request.POST or None, initial={"period": current_period_code(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        run = ReportRun.objects.create(
            user=request.user, organization=org, period=form.cleaned_data["period"]
        )
        size = Member.objects.in_subtree(org).count()
        if size <= settings.PERIODIC_INLINE_LIMIT:
            run_periodic_report(run.pk)
        else:
            transaction.on_commit(lambda: periodic_report_task.enqueue(run.pk))
        return redirect("reports:periodic_run", pk=run.pk)
    runs = ReportRun.objects.filter(user=request.user, organization=org)[:10]
    return render(request, "reports/periodic.html", {"org": org, "form": form, "runs": runs})


def _run(request, pk) -> ReportRun:
    run = get_object_or_404(
        ReportRun.objects.select_related("organization"), pk=pk, user=request.user
    )
    check_org_perm(request.user, run.organization, "reports:read")
    return run


COLUMNS = [
    Column("section", "Lĩnh vực", "text", 28),
    Column("label", "Chỉ tiêu", "text", 48),
    Column("value", "Kỳ này", "text", 14),
    Column("previous", "Kỳ trước", "text", 14),
]


def _fmt(value, kind) -> str:
    from django.utils import formats

    if value is None:
        return "—"
    if kind == "percent":
        return formats.number_format(100 * value, 2, use_l10n=True) + "%"
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _rows(sections):
    rows = []
    for s in sections:
        for f in s.figures:
            rows.append(
                {
                    "section": s.title,
                    "label": f.label,
                    "value": _fmt(f.value, f.kind),
                    "previous": _fmt(f.previous, f.kind),
                }
            )
    return rows


@require_perm("reports:read")
def periodic_run(request, pk: int):
    run = _run(request, pk)
    period = parse_period(run.period)
    sections = from_json(run.result) if run.result else []
    fmt = request.GET.get("format")
    title = _("Báo cáo %(p)s") % {"p": period.label}
    if run.state == ReportRun.State.DONE and fmt in ("xlsx", "csv"):
        return TableExporter(
            title=title,
            subtitle=run.organization.name,
            columns=COLUMNS,
            rows=_rows(sections),
            filename=f"bao-cao-{run.period}",
        ).export(request, fmt)
    if run.state == ReportRun.State.DONE and fmt == "pdf":
        pdf = render_report_pdf(
            title=title,
            subtitle=run.organization.name,
            columns=COLUMNS,
            rows=_rows(sections),
            totals=None,
            org=run.organization,
            date=timezone.localdate(),
            number_key=f"periodic-{run.period}",
        )
        return pdf_response(pdf, f"bao-cao-{run.period}.pdf")
    template = (
        "reports/_periodic_progress.html"
        if request.htmx and run.state != "done"
        else "reports/periodic_run.html"
    )
    if request.htmx and run.state == ReportRun.State.DONE:
        response = render(request, "reports/_periodic_progress.html", {"run": run})
        response["HX-Refresh"] = "true"
        return response
    children = list(
        Organization.objects.get_children(run.organization).filter(is_active=True)[:200]
    )
    return render(
        request,
        template,
        {
            "run": run,
            "period": period,
            "previous": period.previous(),
            "sections": sections,
            "children": children,
        },
    )
