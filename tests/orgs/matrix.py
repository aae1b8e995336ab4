from tests.matrix import Case, only

WRITE_CELL_A = only(
    {"admin": 200, "province_staff": 200, "commune_staff": 200, "agency_staff": 404}, 403
)

CASES = [
    Case("orgs:tree", only({"handler": 403, "member": 403, "outsider": 403}, 302)),
    Case(
        "orgs:detail",
        only(
            {
                "admin": 200,
                "province_staff": 200,
                "commune_staff": 200,
                "secretary_a": 200,
                "visitor": 200,
                "viewer": 200,
            },
            404,
        ),
        kwargs=lambda c: {"pk": c.cell_a.pk},
        label="orgs:detail cell_a",
    ),
    Case(
        "orgs:detail",
        only(
            {
                "admin": 200,
                "province_staff": 200,
                "agency_staff": 200,
                "visitor": 200,
                "member": 200,
            },
            404,
        ),
        kwargs=lambda c: {"pk": c.agency_cell.pk},
        label="orgs:detail own cell of member",
    ),
    Case("orgs:create_child", WRITE_CELL_A, kwargs=lambda c: {"pk": c.commune.pk}),
    Case("orgs:edit", WRITE_CELL_A, kwargs=lambda c: {"pk": c.cell_a.pk}),
    Case("orgs:move", WRITE_CELL_A, kwargs=lambda c: {"pk": c.cell_a.pk}),
    Case("orgs:merge", WRITE_CELL_A, kwargs=lambda c: {"pk": c.cell_a.pk}),
    Case("orgs:dissolve", WRITE_CELL_A, kwargs=lambda c: {"pk": c.cell_a.pk}),
    Case("orgs:policy", WRITE_CELL_A, kwargs=lambda c: {"pk": c.commune.pk}),
    # The organization picker's suggestions: any signed-in user, scoped inside (issue 21).
    Case("orgs:pick", {"default": 200}, query="?q=chi"),
]
