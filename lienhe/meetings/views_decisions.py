"""Decisions in the minutes become tasks, from the meeting page (issue 20 item 11)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.access.guards import check_org_perm

from . import decisions
from .forms import DecisionTaskForm
from .services import MeetingError
from .views import get_meeting


@login_required
def decision_task(request, pk: int):
    """POST from the meeting page: give a decision to a member. GET (or an error)
    shows the same small form on its own page, with what was chosen kept."""
    meeting = get_meeting(request, pk, "meetings:write")
    check_org_perm(request.user, meeting.organization, "liaison:write")
    letters = decisions.assignable_letters(meeting)
    form = DecisionTaskForm(
        request.POST or None,
        letters=letters,
        initial={"decision": request.GET.get("decision", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decisions.task_from_decision(
                meeting,
                decision=data["decision"],
                introduction=data["introduction"],
                due_on=data["due_on"],
                kind=data["kind"],
                actor=request.user,
            )
        except MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã giao việc cho đồng chí %(name)s.")
                % {"name": data["introduction"].member.full_name},
            )
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#ket-luan")
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": _("Giao việc theo kết luận: %(d)s") % {"d": form["decision"].value() or ""},
        },
    )
