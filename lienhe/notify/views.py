from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienhe.access.requests import paginate

from . import services
from .models import ChannelPreference, Delivery, Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(user=request.user)
    page = paginate(request, qs)
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
    mode = forms.ChoiceField(
        label=gettext_lazy("Cách gửi thư và tin nhắn"),
        choices=ChannelPreference.Mode.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "Việc không thể chờ (ví dụ buổi sinh hoạt bị dời) luôn được gửi ngay."
        ),
    )

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
        initial={"email": pref.email, "sms": pref.sms, "mode": pref.mode},
    )
    if request.method == "POST" and form.is_valid():
        services.set_preference(
            request.user,
            email=form.cleaned_data["email"],
            sms=form.cleaned_data["sms"],
            mode=form.cleaned_data["mode"] or None,
        )
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})


def _operator(request) -> None:
    if not services.can_operate(request.user):
        raise PermissionDenied


@login_required
def deliveries(request):
    """Operators: e-mails and SMS that failed or were given up, with the error."""
    _operator(request)
    qs = services.failed_deliveries().order_by("-last_attempt_at", "-id")
    state = request.GET.get("state")
    if state in (Delivery.State.FAILED, Delivery.State.GIVEN_UP):
        qs = qs.filter(state=state)
    page = paginate(request, qs)
    return render(
        request,
        "notify/deliveries.html",
        {"page": page, "state": state or "", "query": f"state={state or ''}"},
    )


@login_required
@require_POST
def retry_delivery(request, pk: int):
    _operator(request)
    delivery = get_object_or_404(Delivery, pk=pk)
    if services.retry([delivery], actor=request.user):
        messages.success(request, _("Đã đưa vào hàng đợi gửi lại."))
    else:
        messages.info(request, _("Thư này không ở trạng thái lỗi, không cần gửi lại."))
    return redirect("notify:deliveries")


def home_panel(request) -> dict | None:
    """Home (operators): how many deliveries failed or were given up."""
    if not services.can_operate(request.user):
        return None
    counts = {Delivery.State.FAILED: 0, Delivery.State.GIVEN_UP: 0}
    rows = services.failed_deliveries().order_by().values("state").annotate(n=Count("id"))
    counts.update({row["state"]: row["n"] for row in rows})
    return {
        "title": _("Thư, tin nhắn gửi lỗi"),
        "template": "notify/_home_panel.html",
        "failed": counts[Delivery.State.FAILED],
        "given_up": counts[Delivery.State.GIVEN_UP],
    }
