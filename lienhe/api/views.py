from functools import wraps
from pathlib import Path

import ninja
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import get_visible_or_404

from . import services
from .models import ApiToken

_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}
_ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"


def docs_asset(request, name: str):
    """Swagger UI files bundled with django-ninja, served locally (no CDN)."""
    if name not in _ASSETS:
        raise Http404
    response = FileResponse(open(_ASSET_DIR / name, "rb"), content_type=_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def verified_session_required(view):
    """Token pages sit in the "api" URL namespace, which the two-factor gate exempts for
    the token-authenticated API; a token is a long-lived credential, so creating or
    revoking one needs the same verified session as the rest of the web."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        from lienhe.access.twofactor import enforced, has_device, is_required

        user = request.user
        if enforced() and user.is_authenticated and not user.is_verified():
            if has_device(user):
                return redirect_to_login(request.get_full_path(), "access:two_factor", "next")
            if is_required(user):
                return redirect_to_login(request.get_full_path(), "access:two_factor_setup", "next")
        return view(request, *args, **kwargs)

    return wrapped


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ của khóa"),
        max_length=100,
        help_text=_("Ví dụ: Sổ tay đảng viên trên điện thoại, Hệ thống báo cáo của tỉnh."),
    )


@login_required
@verified_session_required
def token_list(request):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.create_token(
                request.user, form.cleaned_data["name"], actor=request.user
            )
        except services.TokenError as exc:
            form.add_error("name", str(exc))
        else:
            form = TokenForm()
    tokens = ApiToken.objects.visible_to(request.user)[:100]
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "raw": raw})


@require_POST
@login_required
@verified_session_required
def token_revoke(request, pk: int):
    token = get_visible_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    try:
        services.revoke_token(token, actor=request.user)
    except services.TokenError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã thu hồi khóa “%(name)s”.") % {"name": token.name})
    return redirect("api:tokens")
