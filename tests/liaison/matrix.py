from tests.matrix import Case, only, rows

from .helpers import letter, task, unintroduced

READERS = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
    "viewer": 200,
}
EXPORTERS = {k: v for k, v in READERS.items() if k != "viewer"}
# Residence-side writers of the letter (w1 introduced to cell A).
RESIDENCE = {"admin", "province_staff", "commune_staff", "secretary_a"}
SEES_LETTER = RESIDENCE | {"agency_staff", "viewer", "member"}


def by_scope(inside: int, no_right: int, outside: int = 404, writers=RESIDENCE):
    """`inside` for writers, `no_right` (403) for others who see the letter, else 404."""
    return {
        **{r: inside for r in writers},
        **{r: no_right for r in SEES_LETTER - set(writers)},
        "default": outside,
    }


def pk(c):
    return {"pk": letter(c).pk}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().strftime("%d/%m/%Y")


def _group_of_cell_a(c) -> dict:
    from lienhe.liaison.services import create_group

    return {"group": create_group(c.cell_a, name="Tổ ma trận").pk}


LETTERS = rows("liaison.Introduction", "state", "version", "group_id")


CASES = [
    Case("liaison:list", only(READERS, 403)),
    Case("liaison:export", only(EXPORTERS, 403)),
    Case(
        "liaison:issue",
        only({"admin": 200, "province_staff": 200, "commune_staff": 200, "agency_staff": 200}, 403),
    ),
    Case(
        "liaison:batch_pdf",
        only(dict.fromkeys(READERS, 404), 403),
        query="?ids=0",
        label="liaison:batch_pdf unknown ids",
    ),
    Case("liaison:inbox", only(READERS, 403)),
    Case("liaison:mine", only({}, 200)),
    Case(
        "liaison:groups",
        only(
            {
                "admin": 200,
                "province_staff": 200,
                "commune_staff": 200,
                "secretary_a": 200,
                "viewer": 200,
                "secretary_b": 404,
                "agency_staff": 404,
            },
            403,
        ),
        kwargs=lambda c: {"pk": c.cell_a.pk},
    ),
    Case(
        "liaison:exempt_member",
        only({"admin": 200, "province_staff": 200, "agency_staff": 200, "commune_staff": 404}, 403),
        kwargs=lambda c: {"member_pk": unintroduced(c).pk},
    ),
    Case(
        "liaison:task_result",
        {**by_scope(200, 403), "secretary_b": 404},
        kwargs=lambda c: {"pk": task(c).pk},
    ),
    Case("liaison:detail", {**{r: 200 for r in SEES_LETTER}, "default": 404}, kwargs=pk),
    Case("liaison:pdf", {**{r: 200 for r in SEES_LETTER}, "default": 404}, kwargs=pk),
    Case(
        "liaison:handin",
        by_scope(302, 403),
        kwargs=lambda c: {"pk": letter(c, "issued").pk},
        method="post",
        data=lambda c: {"handed_in_on": _today()},
        effect=LETTERS,
        audit="liaison.letter.handed_in",
    ),
    Case(
        "liaison:issue_draft",
        by_scope(302, 403, writers={"admin", "province_staff", "agency_staff"}),
        kwargs=lambda c: {"pk": letter(c, "draft").pk},
        method="post",
        data=lambda c: {"issued_on": _today()},
        effect=LETTERS,
        audit="liaison.letter.issued",
    ),
    Case("liaison:accept", by_scope(302, 403), kwargs=pk),
    Case(
        "liaison:place",
        by_scope(302, 403),
        kwargs=pk,
        method="post",
        data=_group_of_cell_a,
        effect=LETTERS,
        audit="liaison.letter.grouped",
    ),
    Case(
        "liaison:close",
        by_scope(200, 403, writers=RESIDENCE | {"agency_staff"}),
        kwargs=pk,
    ),
    Case(
        "liaison:exempt",
        by_scope(200, 403, writers={"admin", "province_staff", "agency_staff"}),
        kwargs=pk,
    ),
    Case(
        "liaison:move",
        by_scope(200, 403, writers={"admin", "province_staff", "agency_staff"}),
        kwargs=pk,
    ),
    Case(
        "liaison:task_add",
        by_scope(302, 403),
        kwargs=pk,
        method="post",
        data=lambda c: {"kind": "volunteer", "title": "Trực an ninh khu phố", "due_on": _today()},
        effect=rows("liaison.LocalTask", "title"),
        audit="liaison.task.assigned",
    ),
    Case(
        "liaison:message",
        by_scope(302, 403, writers=RESIDENCE | {"agency_staff"}),
        kwargs=pk,
        method="post",
        data=lambda c: {"body": "Đề nghị chi bộ nơi cư trú nhận xét", "side": "residence"},
        effect=rows("liaison.ThreadMessage", "body"),
        audit="liaison.thread.posted",
        # The workplace's staff cannot write for the residence side (sides_of).
        unchanged_for=frozenset({"agency_staff"}),
    ),
    # The cross-tree window: the residence cell sees the liaison card of the introduced
    # member (w1 lives in cell A); the sibling cell does not; the workplace sees the
    # full page with the residence record.
    Case(
        "members:detail",
        {
            "admin": 200,
            "province_staff": 200,
            "commune_staff": 200,
            "secretary_a": 200,
            "agency_staff": 200,
            "member": 200,
            "viewer": 200,
            "default": 404,
        },
        kwargs=lambda c: {"pk": letter(c).member_id},
        label="members:detail liaison card window",
    ),
]
