"""Periodic report pages: choose subtree and period, compute (inline for small
subtrees, in the background with a progress bar for large ones), read, export."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.guards import check_org_perm, require_perm
from lienhe.access.requests import report_org_for
from lienhe.documents.services import pdf_response
from lienhe.orgs.models import Organization

from .models import ReportRun
from .periodic import current_period_code, from_json, parse_period, period_choices
from .services import start_periodic_report
from .toolkit import Column, TableExporter, render_report_pdf


class PeriodForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Kỳ báo cáo"), max_length=10)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Human names ("6 tháng đầu năm 2026", "Quý III/2026", "Năm 2026"); the
        # value stays the code, and any valid code is still accepted.
        choices = period_choices(today or timezone.localdate())
        sent = (self.data.get("period") or "").strip() if self.is_bound else ""
        if sent and sent.upper() not in {c for c, _label in choices}:
            choices.insert(0, (sent, sent))  # echo what was sent beside the error
        self.fields["period"].widget = forms.Select(choices=choices)

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
    return report_org_for(request.user, org_id, "reports:read")


@require_perm("reports:read")
def periodic(request):
    org = _scope_org(request)
    form = PeriodForm(
        request.POST or None, initial={"period": current_period_code(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        run = start_periodic_report(org, form.cleaned_data["period"], actor=request.user)
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
    Column("value", "Kỳ này", "int", 14),
    Column("previous", "Kỳ trước", "int", 14),
]
TEXT_COLUMNS = [
    *COLUMNS[:2],
    Column("value", "Kỳ này", "text", 14),
    Column("previous", "Kỳ trước", "text", 14),
]


def _fmt(value, kind) -> str:
    from django.utils import formats

    from .toolkit import percent_text

    if value is None:
        return "—"
    if kind == "percent":
        return percent_text(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _rows(sections, *, text: bool = True):
    """Rows for the PDF (text, formatted) or the Excel/CSV (numbers: counts as
    integers, rates as truncated 0..1 ratios with a percent format per row)."""
    rows = []
    for s in sections:
        for f in s.figures:
            if text:
                value, previous = _fmt(f.value, f.kind), _fmt(f.previous, f.kind)
            else:
                value, previous = f.value, f.previous
            rows.append(
                {
                    "section": s.title,
                    "label": f.label,
                    "value": value,
                    "previous": previous,
                    "_kinds": {"value": f.kind, "previous": f.kind},
                }
            )
    return rows


def run_title(run: ReportRun, period) -> str:
    """ "Báo cáo 6 tháng cuối năm 2026 (tính đến ngày 03/12/2026)" for a running
    period (figures as of the day the report was made), plain for a closed one."""
    made_on = timezone.localtime(run.created_at).date()
    title = _("Báo cáo %(p)s") % {"p": period.label}
    if period.running(made_on):
        title += " " + _("(tính đến ngày %(d)s)") % {"d": made_on.strftime("%d/%m/%Y")}
    return title


@require_perm("reports:read")
def periodic_run(request, pk: int):
    run = _run(request, pk)
    period = parse_period(run.period)
    sections = from_json(run.result) if run.result else []
    fmt = request.GET.get("format")
    title = run_title(run, period)
    if run.state == ReportRun.State.DONE and fmt in ("xlsx", "csv"):
        exporter = TableExporter(
            title=title,
            subtitle=run.organization.name,
            columns=COLUMNS,
            rows=_rows(sections, text=False),
            filename=f"bao-cao-{run.period}",
        )
        # "Tính đến ngày" follows the figures' as-of rule: a closed period is read as
        # of its end, not as of the day the file is downloaded.
        exporter.as_of = period.as_of(timezone.localtime(run.created_at).date())
        return exporter.export(request, fmt)
    if run.state == ReportRun.State.DONE and fmt == "pdf":
        pdf = render_report_pdf(
            title=title,
            subtitle=run.organization.name,
            columns=TEXT_COLUMNS,
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
            "title": title,
            "period": period,
            "previous": period.previous(),
            "sections": sections,
            "children": children,
        },
    )
