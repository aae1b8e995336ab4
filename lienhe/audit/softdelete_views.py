"""Shared pieces of the "Xóa" (with a reason) / "Đã xóa" / "Khôi phục" pages that
modules with soft-deletable records wire to their own URLs and permissions."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.requests import paginate
from lienhe.access.scoping import paths_with, subtree_q


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do xóa"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Hãy ghi lý do xóa.")},
        help_text=gettext_lazy("Ví dụ: nhập trùng, nhập nhầm chi bộ. Lý do được ghi vào nhật ký."),
    )


def confirm_delete(
    request,
    obj,
    *,
    delete: Callable,
    error: type[Exception],
    what: str,
    list_url: str,
    list_label: str,
    detail_url: str,
):
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(obj, actor=request.user, reason=form.cleaned_data["reason"])
        except error as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã xóa %(what)s. Có thể khôi phục ở trang “Đã xóa”.") % {"what": what},
            )
            return redirect(list_url)
    return render(
        request,
        "audit/softdelete_confirm.html",
        {
            "form": form,
            "obj": obj,
            "what": what,
            "list_url": list_url,
            "list_label": list_label,
            "detail_url": detail_url,
        },
    )


def deleted_list(
    request,
    queryset,
    *,
    perm: str,
    heading: str,
    restore_url_name: str,
    list_url: str,
    list_label: str,
):
    """Deleted records the user could restore: visible to them and in a subtree where
    they hold the module's write permission."""
    qs = queryset.deleted()
    if not request.user.is_superuser:
        qs = qs.filter(subtree_q(paths_with(request.user, perm), "organization__path"))
    qs = qs.select_related("organization", "deleted_by__member").order_by("-deleted_at", "-pk")
    page = paginate(request, qs)
    return render(
        request,
        "audit/softdelete_list.html",
        {
            "page": page,
            "heading": heading,
            "restore_url_name": restore_url_name,
            "list_url": list_url,
            "list_label": list_label,
            "query": "",
        },
    )


def restore_record(request, obj, *, restore: Callable, error: type[Exception], what: str):
    try:
        restore(obj, actor=request.user)
    except error as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã khôi phục %(what)s.") % {"what": what})
