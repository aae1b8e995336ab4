"""Background exports: the progress page and the download (the job's owner only)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from .export_jobs import KEEP_DAYS
from .models import ExportJob


def _job(request, pk: int) -> ExportJob:
    # A job belongs to the user who asked for it: 404 for everybody else.
    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, user=request.user)


@login_required
def export_job(request, pk: int):
    job = _job(request, pk)
    template = "documents/_export_progress.html" if request.htmx else "documents/export_job.html"
    return render(request, template, {"job": job, "keep_days": KEEP_DAYS})


@login_required
def export_download(request, pk: int):
    job = _job(request, pk)
    if job.state != ExportJob.State.DONE:
        raise Http404
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
