from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import twofactor
from .forms import ConfirmDeviceForm, LoginForm, TokenForm
from .scoping import grants

NEW_CODES_SESSION_KEY = "_2fa_new_codes"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("access:password_change_done")


@login_required
def profile(request):
    roles = list(request.user.roles.select_related("organization").order_by("organization__path"))
    from lienhe.orgs.models import Organization

    # Link only the organizations the user may open (no link to a 404).
    visible = set(
        Organization.objects.visible_to(request.user)
        .filter(pk__in=[r.organization_id for r in roles])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "access/profile.html",
        {
            "roles": roles,
            "visible_orgs": visible,
            "grant_count": len(grants(request.user)),
            "two_factor_on": twofactor.has_device(request.user),
            "two_factor_required": twofactor.is_required(request.user),
        },
    )


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url})


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@login_required
def two_factor(request):
    """Second step of login: a code from the app or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not twofactor.has_device(request.user):
        return redirect(_with_next("access:two_factor_setup", _next_url(request)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = twofactor.verify(request, form.cleaned_data["token"])
        except twofactor.TwoFactorError as exc:
            form.add_error("token", str(exc))
        else:
            if kind == "static":
                messages.warning(
                    request,
                    _(
                        "Bạn vừa dùng một mã dự phòng (mỗi mã chỉ dùng được một lần). "
                        "Nếu mất điện thoại, hãy tạo lại mã dự phòng hoặc báo quản trị."
                    ),
                )
            return redirect(_next_url(request))
    return render(request, "access/two_factor.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_setup(request):
    """Enroll (or replace) the authenticator app. Replacing needs a verified session."""
    user = request.user
    if twofactor.has_device(user) and not user.is_verified():
        return redirect(_with_next("access:two_factor", reverse("access:profile")))
    enrollment = twofactor.start_enrollment(user)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrollment(
                request, enrollment.device, form.cleaned_data["token"]
            )
        except twofactor.TwoFactorError as exc:
            form.add_error("token", str(exc))
        else:
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect(_with_next("access:two_factor_codes", _next_url(request)))
    return render(
        request,
        "access/two_factor_setup.html",
        {
            "form": form,
            "enrollment": enrollment,
            "required": twofactor.is_required(user),
            "next": _next_url(request),
        },
    )


@login_required
def two_factor_codes(request):
    """Recovery codes, shown once right after they are made. POST makes new ones."""
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect(_with_next("access:two_factor", reverse("access:profile")))
        try:
            codes = twofactor.regenerate_recovery_codes(request.user, actor=request.user)
        except twofactor.TwoFactorError as exc:
            messages.error(request, str(exc))
            return redirect("access:profile")
        request.session[NEW_CODES_SESSION_KEY] = codes
        return redirect("access:two_factor_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(
        request, "access/two_factor_codes.html", {"codes": codes, "next": _next_url(request)}
    )


@login_required
@require_POST
def two_factor_disable(request):
    user = request.user
    if twofactor.is_required(user):
        messages.error(request, _("Vai trò của bạn bắt buộc xác thực hai bước, không thể tắt."))
    elif twofactor.has_device(user) and not user.is_verified():
        return redirect(_with_next("access:two_factor", reverse("access:profile")))
    else:
        twofactor.disable(user, actor=user)
        messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("access:profile")


@login_required
@require_POST
def logout_everywhere(request):
    twofactor.end_all_sessions(request.user, actor=request.user)
    logout(request)
    messages.success(
        request, _("Đã đăng xuất trên mọi thiết bị. Hãy đăng nhập lại trên máy này nếu cần.")
    )
    return redirect("access:login")
