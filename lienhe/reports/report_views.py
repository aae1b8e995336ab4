"""Report pages. The participation report is the model for later reports: params →
toolkit breakdown → page (table + SVG chart) / Excel / PDF."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.guards import check_org_perm, require_perm
from lienhe.access.requests import report_org
from lienhe.access.scoping import has_perm_anywhere
from lienhe.documents.services import pdf_response
from lienhe.members.forms import DateInput
from lienhe.orgs.models import Organization
from lienhe.summaries.cache import cached_for_subtree

from .participation import for_org
from .toolkit import TableExporter, bar_chart_svg, render_report_pdf


class ParamsForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Tính đến ngày"), widget=DateInput(), required=False)


def _params(request):
    on = timezone.localdate()
    form = ParamsForm({"on": request.GET.get("on") or on.strftime("%d/%m/%Y")})
    if form.is_valid() and form.cleaned_data.get("on"):
        on = form.cleaned_data["on"]
    org = report_org(request, "reports:read")
    return org, on, form


def _chart(result):
    bars = [
        (row["name"], None if row["rate"] is None else 100 * row["rate"]) for row in result.rows
    ]
    return bar_chart_svg(
        bars[:40],
        title=_("Tỷ lệ đảng viên đang công tác giữ mối liên hệ với nơi cư trú"),
        max_value=100,
        digits=2,
    )


def _subtitle(org, on) -> str:
    return _("%(org)s — tính đến ngày %(d)s") % {"org": org.name, "d": on.strftime("%d/%m/%Y")}


@require_perm("reports:read")
def participation(request):
    org, on, form = _params(request)  # access checked before the cache is read
    residence = org.side == Organization.Side.RESIDENCE
    on_param = on.strftime("%d/%m/%Y")

    def body() -> str:
        result, columns = for_org(org, on)
        return render_to_string(
            "reports/_participation_body.html",
            {
                "result": result,
                "chart": _chart(result) if result.rows else "",
                "on_param": on_param,
                "residence": residence,
                "columns": columns,
            },
        )

    ancestors = list(
        Organization.objects.visible_to(request.user).filter(path__in=org.ancestor_paths()[:-1])
    )
    query = f"org={org.pk}&on={on.strftime('%d/%m/%Y')}"
    return render(
        request,
        "reports/participation.html",
        {
            "org": org,
            "on": on,
            "form": form,
            "body": cached_for_subtree(
                org.path, "participation", {"on": on}, body, families=("letters", "transfers")
            ),
            "ancestors": ancestors,
            "query": query,
            "can_export": has_perm_anywhere(request.user, "reports:export"),
            "on_param": on_param,
        },
    )


@require_perm("reports:export")
def participation_export(request):
    org, on, _form = _params(request)
    check_org_perm(request.user, org, "reports:export")
    result, columns = for_org(org, on)
    return TableExporter(
        title=_("Tỷ lệ đảng viên đang công tác giữ mối liên hệ nơi cư trú"),
        subtitle=_subtitle(org, on),
        columns=columns,
        rows=result.rows,
        totals=result.totals,
        filename="ty-le-tham-gia-noi-cu-tru",
    ).export(request, org=org)


@require_perm("reports:export")
def participation_pdf(request):
    org, on, _form = _params(request)
    check_org_perm(request.user, org, "reports:export")
    result, columns = for_org(org, on)
    pdf = render_report_pdf(
        title=_("Báo cáo kết quả đảng viên đang công tác giữ mối liên hệ với nơi cư trú"),
        subtitle=_subtitle(org, on),
        columns=columns,
        rows=result.rows,
        totals=result.totals,
        org=org,
        date=timezone.localdate(),
        number_key=f"participation-{on:%Y%m%d}",
        chart=_chart(result) if result.rows else "",
        notes=[
            _(
                "Tỷ lệ trên tổng số đảng viên (số công bố) = số đảng viên đang công tác đã "
                "nộp giấy, đang sinh hoạt nơi cư trú / tổng số đảng viên của đảng bộ."
            ),
            _(
                "Tỷ lệ trên số phải giữ mối liên hệ = số đảng viên đã nộp giấy, đang sinh "
                "hoạt nơi cư trú / số đảng viên phải giữ mối liên hệ (đảng viên đang công "
                "tác trừ người được miễn theo Hướng dẫn 33-HD/BTCTW)."
            ),
            _("Tỷ lệ phần trăm lấy hai chữ số thập phân, không làm tròn (cắt bớt)."),
        ],
    )
    return pdf_response(pdf, "ty-le-tham-gia-noi-cu-tru.pdf")
