from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.access.guards import check_org_perm, require_perm
from lienhe.access.scoping import has_org_permission
from lienhe.api.full_export import build_zip
from lienhe.orgs.models import Organization


def _roots(user):
    kinds = [Organization.Kind.PROVINCE, Organization.Kind.DISTRICT, Organization.Kind.BASE]
    visible = Organization.objects.visible_to(user).filter(kind__in=kinds + ["cell"])
    candidates = list(visible.filter(depth__lte=3).only("pk", "path")[:3000])
    allowed = [o.pk for o in candidates if has_org_permission(user, o, "members:export")]
    return Organization.objects.filter(pk__in=allowed).order_by("path")


class FullExportForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Xuất toàn bộ dữ liệu của tổ chức"), queryset=None)

    def __init__(self, *args, roots=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = roots
        field.empty_label = _("— Chọn tổ chức —")
        first = roots.first()
        if first is not None:
            field.initial = first.pk


@require_perm("members:export")
def full_export(request):
    form = FullExportForm(request.GET or None, roots=_roots(request.user))
    if request.GET and form.is_valid():
        org = form.cleaned_data["org"]
        check_org_perm(request.user, org, "members:export")
        data, _counts = build_zip(request.user, org, actor=request.user)
        stamp = timezone.localdate().strftime("%Y%m%d")
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="lienhe-{org.code.lower()}-{stamp}.zip"'
        )
        return response
    return render(request, "members/full_export.html", {"form": form})
