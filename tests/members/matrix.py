from tests.matrix import Case, only

READERS = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
    "viewer": 200,
}

CASES = [
    Case("members:list", only(READERS, 403)),
    Case("members:export", only({k: v for k, v in READERS.items() if k != "viewer"}, 403)),
    Case(
        "members:create",
        only({"admin": 200, "province_staff": 200, "commune_staff": 200, "agency_staff": 200}, 403),
    ),
    Case(
        "members:detail",
        only(
            {
                "admin": 200,
                "province_staff": 200,
                "commune_staff": 200,
                "secretary_a": 200,
                "viewer": 200,
            },
            404,
        ),
        kwargs=lambda c: {"pk": c.members["a1"].pk},
        label="members:detail in cell_a",
    ),
    Case(
        "members:detail",
        only({"admin": 200, "province_staff": 200, "agency_staff": 200, "member": 200}, 404),
        kwargs=lambda c: {"pk": c.members["w1"].pk},
        label="members:detail own record",
    ),
    Case(
        "members:edit",
        only({"admin": 200, "province_staff": 200, "commune_staff": 200, "agency_staff": 404}, 403),
        kwargs=lambda c: {"pk": c.members["a1"].pk},
    ),
]
