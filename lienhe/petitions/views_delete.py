"""Delete a petition entered by mistake (with a reason), the "Đã xóa" page, restore
(issue 10; soft delete, lienhe/audit/softdelete.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienhe.access.guards import get_visible_or_404
from lienhe.access.scoping import has_perm_anywhere
from lienhe.audit.softdelete_views import confirm_delete, deleted_list, restore_record

from . import services
from .models import Petition
from .views import _get

LIST_LABEL = gettext_lazy("Kiến nghị")


@login_required
def petition_delete(request, pk: int):
    petition = _get(request, pk)
    if not services.can_write_petition(request.user, petition):
        raise PermissionDenied
    return confirm_delete(
        request,
        petition,
        delete=services.delete_petition,
        error=services.PetitionError,
        what=_("kiến nghị"),
        list_url=reverse("petitions:list"),
        list_label=LIST_LABEL,
        detail_url=reverse("petitions:detail", args=[petition.pk]),
    )


@login_required
def petition_deleted(request):
    user = request.user
    queryset = Petition.all_objects.visible_to(user)
    perm = "petitions:write"
    if not has_perm_anywhere(user, perm):
        if not has_perm_anywhere(user, "petitions:write_own"):
            raise PermissionDenied
        # a committee member restores only the petitions he recorded himself
        perm = "petitions:write_own"
        queryset = queryset.filter(source_type=Petition.Source.VISIT, raised_by_user=user)
    return deleted_list(
        request,
        queryset,
        perm=perm,
        heading=_("Kiến nghị đã xóa"),
        restore_url_name="petitions:restore",
        list_url=reverse("petitions:list"),
        list_label=LIST_LABEL,
    )


@login_required
@require_POST
def petition_restore(request, pk: int):
    petition = get_visible_or_404(
        Petition.all_objects.deleted().visible_to(request.user).select_related("organization"),
        pk=pk,
    )
    if not services.can_write_petition(request.user, petition):
        raise PermissionDenied
    restore_record(
        request,
        petition,
        restore=services.restore_petition,
        error=services.PetitionError,
        what=_("kiến nghị"),
    )
    return redirect("petitions:detail", pk=petition.pk)
