"""Web pages of the import: upload, column mapping, progress (htmx-polled), preview,
confirm. Thin: the rules are in `import_jobs` and `importers`."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from lienhe.access.guards import get_visible_or_404, require_perm
from lienhe.members.models import ImportJob

from . import import_jobs, importers
from .import_files import ImportFileError, limits


class UploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Nhập vào tổ chức"),
        queryset=None,
        help_text=gettext_lazy(
            "Đảng viên và tổ chức trong tệp phải thuộc tổ chức này (kể cả cấp dưới)."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV"),
        help_text=gettext_lazy(
            "Tệp xuất từ phần mềm quản lý đảng viên hoặc bảng tính; dòng tiêu đề cột có thể "
            "nằm trong 15 dòng đầu."
        ),
    )

    def __init__(self, *args, roots=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = roots
        field.empty_label = _("— Chọn tổ chức —")
        first = list(roots[:2])
        if len(first) >= 1:
            field.initial = first[0].pk  # the user's own top node comes first (tree order)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes, _rows = limits()
        if upload.size > max_bytes:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(n)s MB).") % {"n": max_bytes // (1024 * 1024)}
            )
        return upload


def _jobs(request):
    return ImportJob.objects.visible_to(request.user).select_related("organization")


@require_perm("members:write")
def import_start(request):
    roots = import_jobs.import_roots_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, roots=roots)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.start(
                user=request.user,
                organization=form.cleaned_data["organization"],
                filename=upload.name,
                data=upload.read(),
            )
        except (ImportFileError, import_jobs.ImportJobError) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("members:import_job", pk=job.pk)
    recent = _jobs(request).defer("content")[:10]
    return render(request, "members/import_start.html", {"form": form, "jobs": recent})


def _mapping_rows(job: ImportJob) -> list[dict]:
    return [
        {"index": str(i), "header": header, "selected": job.mapping.get(str(i), "")}
        for i, header in enumerate(job.headers)
        if header or job.mapping.get(str(i))
    ]


@require_perm("members:write")
def import_job(request, pk: int):
    job = get_visible_or_404(_jobs(request), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "check":
                mapping = {
                    key[4:]: value
                    for key, value in request.POST.items()
                    if key.startswith("col-") and value
                }
                import_jobs.request_check(job, mapping, actor=request.user)
            elif action == "commit":
                import_jobs.request_commit(job, actor=request.user)
            elif action == "discard":
                import_jobs.discard(job, actor=request.user)
                messages.success(request, _("Đã hủy lượt nhập “%(f)s”.") % {"f": job.filename})
                return redirect("members:import")
        except import_jobs.ImportJobError as exc:
            messages.error(request, str(exc))
        return redirect("members:import_job", pk=job.pk)
    return render(
        request,
        "members/import_job.html",
        {
            "job": job,
            "columns": importers.COLUMNS[job.kind],
            "mapping_rows": _mapping_rows(job),
            "kind_label": importers.KIND_LABELS[job.kind],
        },
    )


@require_perm("members:write")
def import_progress(request, pk: int):
    job = get_visible_or_404(_jobs(request).defer("content"), pk=pk)
    response = render(request, "members/_import_progress.html", {"job": job})
    if not job.running and request.htmx:
        # finished: reload the page so the preview/result replaces the progress bar
        response["HX-Refresh"] = "true"
    return response


@require_perm("members:write")
def import_template(request):
    """An empty workbook with the recognised headers, for people starting from scratch."""
    kind = request.GET.get("kind", "members")
    columns = importers.COLUMNS.get(kind, importers.MEMBER_COLUMNS)
    wb = Workbook()
    ws = wb.active
    ws.title = "Đảng viên" if kind == "members" else "Tổ chức"
    ws.append([c.label for c in columns])
    for cell in ws[1]:
        ws.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 4)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = "mau-nhap-dang-vien" if kind == "members" else "mau-nhap-to-chuc"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
