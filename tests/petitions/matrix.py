"""Petitions in cell A (commune) assigned to the agency of `handler` (cast.agency)."""

from lienhe.petitions.models import Agency, Category, Petition
from tests.matrix import Case, only, rows


def _petition(cast, state="assigned"):
    from lienhe.petitions import services

    agency, _ = Agency.objects.get_or_create(
        name="Sở Y tế tỉnh", defaults={"kind": "department", "organization": cast.agency}
    )
    p = services.create_petition(
        organization=cast.cell_a,
        summary="Đèn chiếu sáng ngõ 5 hỏng",
        category=Category.objects.get(code="infrastructure"),
        source_type=Petition.Source.STAFF,
    )
    if state in ("assigned", "answered"):
        services.assign(p, agency)
    if state == "answered":
        services.answer_petition(p, answer="Đã thay bóng đèn và sửa đường dây.")
    return p


def _deleted(cast):
    from lienhe.petitions.services import delete_petition

    p = _petition(cast)
    delete_petition(p, actor=None, reason="Nhập trùng")
    return {"pk": p.pk}


def _visit_petition(cast, deleted=False):
    """A petition of cell A heard by the visitor in his visit report."""
    from lienhe.petitions import services

    p = services.create_petition(
        organization=cast.cell_a,
        summary="Cống thoát nước khu chợ bị tắc",
        category=Category.objects.get(code="infrastructure"),
        source_type=Petition.Source.VISIT,
        raised_by_kind=Petition.RaisedBy.VISITOR,
        raised_by_user=cast.users["visitor"],
    )
    if deleted:
        services.delete_petition(p, actor=None, reason="Nhập trùng")
    return p


def pk(state="assigned"):
    return lambda cast: {"pk": _petition(cast, state).pk}


# Read roles of the subtree, plus the assigned agency's handler and the visitor
# (petitions:read at the province).
SEE = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "viewer": 200,
    "visitor": 200,
    "handler": 200,
}
READERS = {**SEE, "secretary_b": 200, "agency_staff": 200}
ROUTERS = {"admin": 200, "province_staff": 200, "commune_staff": 200}
# The visitor (committee member) holds only petitions:write_own: he reads the
# province and writes the petitions he recorded from his visit reports (issue 15,
# finding 4), never another cell's petition (403 below) nor a new one at /them/.
WRITERS = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
}
NOT_SEEN = {"default": 404}


def step(perm_ok: dict, status=200, handler_sees=True):
    """Visible roles without the right get 403; invisible ones 404. The handler sees
    only petitions assigned to their agency."""
    out = {**{k: 403 for k in SEE}, **{k: status for k in perm_ok}, **NOT_SEEN}
    if not handler_sees:
        out["handler"] = 404
    return out


CASES = [
    Case("petitions:list", only(READERS, 403)),
    Case("petitions:export", only({**READERS, "viewer": 403}, 403)),
    Case("petitions:clusters", only(READERS, 403)),
    Case("petitions:report", only(READERS, 403)),
    Case("petitions:agencies", only(READERS, 403)),
    Case(
        "petitions:create",
        only({**WRITERS, "secretary_b": 200, "agency_staff": 200}, 403),
    ),
    Case(
        "petitions:submit",
        only({"secretary_a": 200, "secretary_b": 200, "member": 200}, 403),
    ),
    Case("petitions:agency_create", only({"admin": 200, "province_staff": 200}, 403)),
    Case(
        "petitions:agency_edit",
        only({"admin": 200, "province_staff": 200, "commune_staff": 403, "agency_staff": 403}, 403),
        kwargs=lambda c: {"pk": Agency.objects.create(name="Sở Xây dựng", kind="department").pk},
    ),
    Case("petitions:detail", {**SEE, **NOT_SEEN}, kwargs=pk()),
    Case("petitions:pdf", {**SEE, **NOT_SEEN}, kwargs=pk()),
    Case("petitions:edit", step(WRITERS), kwargs=pk()),
    Case("petitions:assign", step(ROUTERS, handler_sees=False), kwargs=pk("new")),
    Case("petitions:transfer", step({**ROUTERS, "handler": 200}), kwargs=pk()),
    Case("petitions:start", step({"admin": 302, "handler": 302}, 302), kwargs=pk()),
    Case("petitions:answer", step({"admin": 200, "handler": 200}), kwargs=pk()),
    Case("petitions:close", step(WRITERS), kwargs=pk("answered")),
    Case("petitions:reopen", step(WRITERS), kwargs=pk("answered")),
    Case("petitions:split", step(WRITERS, handler_sees=False), kwargs=pk("new")),
    Case("petitions:merge", step(ROUTERS), kwargs=pk()),
    Case("petitions:uncluster", step({**ROUTERS}, 302), kwargs=pk()),
    Case(
        "petitions:attach",
        step({**WRITERS, "handler": 302}, 302),
        kwargs=pk(),
    ),
    Case(
        "petitions:attachment",
        NOT_SEEN,
        kwargs=lambda c: {"pk": _petition(c).pk, "att": 999999},
        label="petitions:attachment missing file",
    ),
    Case("petitions:delete", step(WRITERS), kwargs=pk()),
    Case(
        "petitions:deleted",
        only({**WRITERS, "secretary_b": 200, "agency_staff": 200, "visitor": 200}, 403),
    ),
    Case(
        "petitions:restore",
        step(WRITERS, 302),
        kwargs=_deleted,
        method="post",
        effect=rows("petitions.Petition", "deleted_at"),
        audit="petitions.petition.restored",
    ),
    # The visitor's own petition, heard in his visit report: he may write it.
    Case(
        "petitions:edit",
        step({**WRITERS, "visitor": 200}, handler_sees=False),
        kwargs=lambda c: {"pk": _visit_petition(c).pk},
        label="petitions:edit own visit petition",
    ),
    Case(
        "petitions:delete",
        step({**WRITERS, "visitor": 200}, handler_sees=False),
        kwargs=lambda c: {"pk": _visit_petition(c).pk},
        label="petitions:delete own visit petition",
    ),
    Case(
        "petitions:restore",
        step({**WRITERS, "visitor": 302}, 302, handler_sees=False),
        kwargs=lambda c: {"pk": _visit_petition(c, deleted=True).pk},
        method="post",
        effect=rows("petitions.Petition", "deleted_at"),
        audit="petitions.petition.restored",
        label="petitions:restore own visit petition",
    ),
    Case(
        "petitions:cluster",
        {**READERS, "secretary_b": 404, "agency_staff": 404, "handler": 404, "default": 403},
        kwargs=lambda c: {"pk": _cluster(c).pk},
    ),
]


def _cluster(cast):
    from lienhe.petitions import services

    cat = Category.objects.get(code="environment")
    a = services.create_petition(
        organization=cast.cell_a,
        summary="Bãi rác tự phát gây ô nhiễm cạnh chợ",
        category=cat,
        source_type="staff",
    )
    services.create_petition(
        organization=cast.cell_a,
        summary="Ô nhiễm từ bãi rác tự phát cạnh chợ",
        category=cat,
        source_type="staff",
    )
    a.refresh_from_db()
    return a.cluster
