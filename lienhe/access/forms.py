from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập hoặc số điện thoại"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập/số điện thoại hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=32,
        help_text=_("Mã 6 số trong ứng dụng xác thực, hoặc một mã dự phòng."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 số đang hiện trong ứng dụng"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
