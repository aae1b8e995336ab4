from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lienhe.summaries import hooks as summary_hooks

from . import hooks
from .models import Member


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["card_number", "full_name", "organization", "status", "is_working"]
    list_filter = ["status", "is_working"]
    search_fields = ["card_number", "search_name"]
    raw_id_fields = ["organization", "home_unit"]

    def save_model(self, request, obj, form, change):
        """An edit here follows the same hook as the member form (no post_save rule)."""
        before = None
        old_org = None
        if change:
            before = Member.objects.filter(pk=obj.pk).values_list(*hooks.HOME_FIELDS).first()
            old_org = Member.objects.filter(pk=obj.pk).values_list("organization_id", flat=True)
            old_org = old_org.first()
        super().save_model(request, obj, form, change)
        summary_hooks.members_changed([old_org, obj.organization_id])  # issue 21
        if before is not None:
            hooks.home_changed(hooks.home_changes([(before, obj)]), actor=request.user)
