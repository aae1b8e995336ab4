from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Role, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class LienheUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Lienhe", {"fields": ("phone", "member")}))
    raw_id_fields = ["member"]
    inlines = [RoleInline]
    list_display = ["username", "phone", "first_name", "last_name", "is_active"]
    search_fields = ["username", "phone", "first_name", "last_name"]


@admin.action(description="Đặt lại xác thực hai bước (mất điện thoại)")
def reset_two_factor(modeladmin, request, queryset):
    from . import twofactor

    for user in queryset:
        twofactor.reset(user, actor=request.user)
    modeladmin.message_user(
        request,
        f"Đã đặt lại xác thực hai bước cho {queryset.count()} tài khoản; "
        "họ sẽ cài lại ở lần đăng nhập tới.",
    )


LienheUserAdmin.actions = [reset_two_factor]
