from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
        if change:
            before = Member.objects.filter(pk=obj.pk).values_list(*hooks.HOME_FIELDS).first()
        super().save_model(request, obj, form, change)
        if before is not None:
            hooks.home_changed(hooks.home_changes([(before, obj)]), actor=request.user)
