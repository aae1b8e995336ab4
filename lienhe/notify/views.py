from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import services
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(user=request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
def open_notification(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, note.pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notify:inbox")


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("Nhận thông báo qua thư điện tử"), required=False)
    sms = forms.BooleanField(label=gettext_lazy("Nhận thông báo qua tin nhắn SMS"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("sms") and not self.user.phone:
            self.add_error("sms", _("Tài khoản chưa có số điện thoại để nhận SMS."))
        if data.get("email") and not self.user.email:
            self.add_error("email", _("Tài khoản chưa có địa chỉ thư điện tử."))
        return data


@login_required
def preferences(request):
    pref = services.get_preference(request.user)
    form = PreferenceForm(
        request.POST or None,
        user=request.user,
        initial={"email": pref.email, "sms": pref.sms},
    )
    if request.method == "POST" and form.is_valid():
        services.set_preference(
            request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"]
        )
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})
