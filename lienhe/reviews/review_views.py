"""Year-end review (đánh giá, xếp loại) pages on the workplace side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.requests import paginate, query_without_page, year_param
from lienhe.access.scoping import has_org_permission
from lienhe.liaison.selectors import current_introduction
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member
from lienhe.text import choice_labels, fold
from lienhe.urlformat import url_for

from . import services
from .constants import Regulation, ReviewLevel, regulation_for_year
from .criteria import scoring_basis
from .forms import ReviewForm
from .models import ResidenceComment, YearReview

# The tables a page of reviews reads (lienhe/listcache.py).
_REVIEW_TABLES = list_tables(Member, YearReview, ResidenceComment)


@require_perm("reviews:read")
def review_list(request):
    """Members of the user's subtree with their review state and residence conclusion."""
    year = year_param(request)
    members = Member.objects.visible_to(request.user).filter(status=Member.Status.ACTIVE)
    if request.GET.get("working") == "1":
        members = members.filter(is_working=True)
    q = fold(request.GET.get("q", ""))
    if q:
        members = members.filter(search_name__contains=q)
    if request.GET.get("conflict") == "1":
        members = members.filter(year_reviews__year=year, year_reviews__conflict=True)

    def rows():
        # The page's rows as values, links and labels made once per page (issue 21).
        page = paginate(
            request,
            members.order_by("organization__path", "search_name").values(
                "pk", "full_name", "is_working", "organization__name"
            ),
        )
        ids = [m["pk"] for m in page.object_list]
        levels = choice_labels(ReviewLevel.choices)
        reviews = {
            member_id: {
                "proposal": levels.get(proposal, proposal),
                "decision": levels.get(decision, decision),
                "conflict": conflict,
            }
            for member_id, proposal, decision, conflict in YearReview.objects.filter(
                member_id__in=ids, year=year
            ).values_list("member_id", "proposal_level", "decision_level", "conflict")
        }
        states = choice_labels(ResidenceComment.State.choices)
        comments = {}
        for member_id, state, due_on, conclusion_label in (
            ResidenceComment.objects.filter(member_id__in=ids, year=year, purpose="yearly")
            .exclude(state="superseded")
            .values_list("member_id", "state", "due_on", "conclusion_label")
        ):
            comments[member_id] = {
                "is_locked": ResidenceComment.locked(state),
                "state_label": states.get(state, state),
                "due_on": due_on,
                "conclusion_label": conclusion_label,
            }
        edit = url_for("reviews:review_edit", 2)
        page.object_list = [
            {
                "member": m,
                "href": edit(m["pk"], year),
                "review": reviews.get(m["pk"]),
                "comment": comments.get(m["pk"]),
            }
            for m in page.object_list
        ]
        return page

    context = {"year": year, "q": request.GET.get("q", ""), "query": query_without_page(request)}
    return list_response(
        request,
        "reviews/review_list.html",
        "reviews/_review_results.html",
        context,
        rows,
        tables=_REVIEW_TABLES,
    )


@login_required
def review_edit(request, member_pk: int, year: int):
    member = get_visible_or_404(
        Member.objects.visible_to(request.user).select_related("organization"), pk=member_pk
    )
    can_write = has_org_permission(request.user, member.organization, "reviews:write")
    is_self = request.user.member_id == member.pk
    if not (is_self or has_org_permission(request.user, member.organization, "reviews:read")):
        raise PermissionDenied
    review = YearReview.objects.filter(member=member, year=year).first()
    comment = services.current_comment(member, year)
    intro = current_introduction(member)
    # Members who worked away: the destination authority's comment (seed 004).
    from lienhe.away.selectors import destination_comments

    destination = destination_comments([member.pk], year).get(member.pk)
    # Committee members: their attendance at cell meetings is a criterion of the review
    # (Quy định 1120-QĐ/TU Sơn La: "tiêu chí xem xét mức độ hoàn thành nhiệm vụ của các
    # cấp ủy"), shown where the committee decides.
    from lienhe.visits.selectors import committee_member_summary

    visit_seats = committee_member_summary(member.pk, year)
    form = ReviewForm(request.POST or None, initial={"version": review.version if review else None})
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "self" and not is_self:
            check_org_perm(request.user, member.organization, "reviews:write")
        if step in ("propose", "final"):
            check_org_perm(request.user, member.organization, "reviews:write")
        if form.is_valid():
            d = form.cleaned_data
            review = review or services.get_or_open_review(member, year)
            try:
                if step == "self":
                    services.save_self_assessment(
                        review,
                        level=d["level"],
                        text=d["text"],
                        actor=request.user,
                        expected_version=d["version"],
                    )
                elif step == "propose":
                    services.propose(
                        review,
                        level=d["level"],
                        note=d["text"],
                        actor=request.user,
                        expected_version=d["version"],
                    )
                else:
                    services.finalise(
                        review,
                        level=d["level"],
                        justification=d["justification"],
                        absence_reason=d["absence_reason"],
                        score_general=d.get("score_general"),
                        score_tasks=d.get("score_tasks"),
                        actor=request.user,
                        expected_version=d["version"],
                    )
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lưu."))
                return redirect("reviews:review_edit", member_pk=member.pk, year=year)
    return render(
        request,
        "reviews/review_edit.html",
        {
            "member": member,
            "year": year,
            "review": review,
            "comment": comment,
            "form": form,
            "destination": destination,
            "visit_seats": visit_seats,
            # Quy định 366: what feeds each criteria group, beside its score field.
            "basis": scoring_basis(
                comment=comment, destination=destination, visit_seats=visit_seats
            ),
            "regulation": review.get_regulation_display()
            if review
            else Regulation(regulation_for_year(year)).label,
            "scored": (review.regulation if review else regulation_for_year(year))
            == Regulation.QD366,
            "can_write": can_write,
            "is_self": is_self,
            "levels": ReviewLevel.choices,
            "exempt": services.exemption_reason(intro) if member.is_working else "",
            "conflict_preview": services.is_conflict(ReviewLevel.GOOD, comment),
        },
    )
