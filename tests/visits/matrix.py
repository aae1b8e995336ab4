from tests.matrix import Case, only, rows

from .world import world

STAFF = {"admin": 200, "province_staff": 200}
# visits:read somewhere: province/commune/agency staff, the visitor, the viewer.
READERS = {**STAFF, "commune_staff": 200, "agency_staff": 200, "visitor": 200, "viewer": 200}
# Province committee pages: only those whose scope holds the province.
PROVINCE = only(
    {**STAFF, "visitor": 200, "commune_staff": 404, "agency_staff": 404, "viewer": 404}, 403
)
# Without a visible committee, exports answer 404.
EXPORTS = only(
    {**STAFF, "visitor": 200, "commune_staff": 404, "agency_staff": 404, "viewer": 404}, 403
)
# Exports need visits:export, which the viewer lacks (403 before any lookup).
EXPORTS_NO_VIEWER = {**EXPORTS, "viewer": 403}
MANAGE_PROVINCE = only({**STAFF, "commune_staff": 404, "agency_staff": 404}, 403)
VISIT_READ = only(
    {**STAFF, "visitor": 200, "commune_staff": 200, "viewer": 200, "agency_staff": 404}, 403
)
VISIT_ACT = only(
    {**STAFF, "visitor": 200, "commune_staff": 403, "viewer": 403, "agency_staff": 404}, 403
)


def _with_world(c):
    world(c)
    return {}


def _unplanned_assignment(c):
    """The visitor's assignment to cell B: no visit planned there, so it can be removed."""
    from lienhe.visits.models import VisitAssignment

    w = world(c)
    return {"pk": VisitAssignment.objects.get(committee_member=w.visitor_cm, cell=c.cell_b).pk}


def _committee(c):
    return {"pk": world(c).committee.pk}


CASES = [
    Case("visits:mine", only(READERS, 403), kwargs=_with_world),
    Case(
        "visits:ical",
        {"default": 200, "anonymous": 200},
        kwargs=lambda c: {
            "token": __import__("lienhe.visits.views", fromlist=["ical_token"]).ical_token(
                world(c).visitor_cm.user
            )
        },
    ),
    Case("visits:plan", only(READERS, 403), kwargs=_with_world),
    Case("visits:plan_export", EXPORTS_NO_VIEWER, kwargs=_with_world),
    Case("visits:plan_pdf", EXPORTS, kwargs=_with_world),
    Case("visits:committees", only(READERS, 403), kwargs=_with_world),
    Case(
        "visits:committee_create",
        only({**STAFF, "commune_staff": 200, "agency_staff": 200}, 403),
    ),
    Case("visits:committee_detail", PROVINCE, kwargs=_committee),
    Case("visits:committee_export", {**PROVINCE, "viewer": 403}, kwargs=_committee),
    Case("visits:assignments", PROVINCE, kwargs=_committee),
    Case("visits:member_create", MANAGE_PROVINCE, kwargs=_committee),
    Case("visits:assistant", MANAGE_PROVINCE, kwargs=_committee),
    Case("visits:visit_create", MANAGE_PROVINCE, kwargs=_committee),
    Case("visits:member_detail", PROVINCE, kwargs=lambda c: {"pk": world(c).visitor_cm.pk}),
    Case("visits:member_edit", MANAGE_PROVINCE, kwargs=lambda c: {"pk": world(c).visitor_cm.pk}),
    Case(
        "visits:assignment_delete",
        only({"admin": 302, "province_staff": 302, "commune_staff": 404, "agency_staff": 404}, 403),
        kwargs=_unplanned_assignment,
        method="post",
        effect=rows("visits.VisitAssignment"),
        audit="visits.assignment.removed",
    ),
    Case("visits:visit_detail", VISIT_READ, kwargs=lambda c: {"pk": world(c).planned.pk}),
    Case("visits:visit_missed", VISIT_ACT, kwargs=lambda c: {"pk": world(c).planned.pk}),
    Case(
        "visits:visit_move",
        only({**STAFF, "commune_staff": 403, "agency_staff": 404}, 403),
        kwargs=lambda c: {"pk": world(c).planned.pk},
    ),
    Case("visits:report", VISIT_ACT, kwargs=lambda c: {"pk": world(c).planned.pk}),
    Case("visits:report_pdf", VISIT_READ, kwargs=lambda c: {"pk": world(c).done.pk}),
    Case("visits:compliance", only(READERS, 403), kwargs=_with_world),
    Case("visits:compliance_export", EXPORTS_NO_VIEWER, kwargs=_with_world),
    Case("visits:compliance_pdf", EXPORTS, kwargs=_with_world),
]
