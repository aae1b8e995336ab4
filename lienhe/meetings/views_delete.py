"""Delete a meeting entered by mistake (with a reason), the "Đã xóa" page, restore
(issue 10; soft delete, lienhe/audit/softdelete.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.audit.softdelete_views import confirm_delete, deleted_list, restore_record

from . import services
from .models import Meeting
from .views import get_meeting

LIST_LABEL = gettext_lazy("Sinh hoạt chi bộ")


@login_required
def meeting_delete(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    return confirm_delete(
        request,
        meeting,
        delete=services.delete_meeting,
        error=services.MeetingError,
        what=_("buổi sinh hoạt"),
        list_url=reverse("meetings:list"),
        list_label=LIST_LABEL,
        detail_url=reverse("meetings:detail", args=[meeting.pk]),
    )


@require_perm("meetings:write")
def meeting_deleted(request):
    return deleted_list(
        request,
        Meeting.all_objects.visible_to(request.user),
        perm="meetings:write",
        heading=_("Buổi sinh hoạt đã xóa"),
        restore_url_name="meetings:restore",
        list_url=reverse("meetings:list"),
        list_label=LIST_LABEL,
    )


@login_required
@require_POST
def meeting_restore(request, pk: int):
    meeting = get_visible_or_404(
        Meeting.all_objects.deleted().visible_to(request.user).select_related("organization"),
        pk=pk,
    )
    check_org_perm(request.user, meeting.organization, "meetings:write")
    restore_record(
        request,
        meeting,
        restore=services.restore_meeting,
        error=services.MeetingError,
        what=_("buổi sinh hoạt"),
    )
    return redirect("meetings:detail", pk=meeting.pk)
