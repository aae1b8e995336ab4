from django.contrib import admin

from .models import AdminUnit, Organization, Policy


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "side", "is_active"]
    list_filter = ["kind", "side", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", "numchild"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["organization", "key", "value", "effective_from"]
    raw_id_fields = ["organization"]


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["name"]
