from tests.matrix import Case, only

from .data import YEAR, comments

READ = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
    "viewer": 200,
}
WRITE_AT_CELL_A = only(
    {
        "admin": 200,
        "province_staff": 200,
        "commune_staff": 200,
        "secretary_a": 200,
        "agency_staff": 403,
        "secretary_b": 404,
    },
    403,
)
SEES_SENT = only(
    {
        "admin": 200,
        "province_staff": 200,
        "commune_staff": 200,
        "secretary_a": 200,
        "agency_staff": 200,
        "viewer": 200,
        "member": 200,
    },
    404,
)

CASES = [
    Case("reviews:list", only(READ, 403)),
    Case("reviews:export", only({**READ, "viewer": 403}, 403)),
    Case("reviews:mine", only({"secretary_a": 200, "secretary_b": 200, "member": 200}, 403)),
    Case(
        "reviews:request_for_org",
        only(
            {
                "admin": 200,
                "province_staff": 200,
                "agency_staff": 200,
                "commune_staff": 404,
                "secretary_a": 404,
                "secretary_b": 404,
            },
            403,
        ),
        kwargs=lambda c: {"pk": c.agency.pk},
    ),
    Case("reviews:comment_detail", SEES_SENT, kwargs=lambda c: {"pk": comments(c)["sent"].pk}),
    Case("reviews:comment_pdf", SEES_SENT, kwargs=lambda c: {"pk": comments(c)["sent"].pk}),
    Case(
        "reviews:comment_edit",
        WRITE_AT_CELL_A,
        kwargs=lambda c: {"pk": comments(c)["requested"].pk},
    ),
    Case(
        "reviews:comment_correct", WRITE_AT_CELL_A, kwargs=lambda c: {"pk": comments(c)["sent"].pk}
    ),
    Case("reviews:review_list", only(READ, 403)),
    Case(
        "reviews:review_edit",
        only(
            {
                "admin": 200,
                "province_staff": 200,
                "agency_staff": 200,
                "member": 200,
                "commune_staff": 403,
                "secretary_a": 403,
                "viewer": 403,
            },
            404,
        ),
        kwargs=lambda c: comments(c) and {"member_pk": c.members["w1"].pk, "year": YEAR},
    ),
    Case("reviews:report", only(READ, 403)),
]
