from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["card_number", "full_name", "organization", "status", "is_working"]
    list_filter = ["status", "is_working"]
    search_fields = ["card_number", "search_name"]
    raw_id_fields = ["organization", "home_unit"]
