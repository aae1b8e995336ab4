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
EXPORTERS = {k: v for k, v in READERS.items() if k != "viewer"}

CASES = [
    Case("reports:participation", only(READERS, 403)),
    Case(
        "reports:participation",
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
        query="?org=0",
        label="reports:participation unknown org",
        extra={"note": "org=0 → 404 for readers"},
    ),
    Case("reports:participation_export", only(EXPORTERS, 403)),
    Case("reports:participation_pdf", only(EXPORTERS, 403)),
]
# org=0 is unknown for everyone: readers get 404.
CASES[1].expect = only(dict.fromkeys(READERS, 404), 403)

# Today / red flags (board and committee staff above cell level; docs/reports.md).
BOARD = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "agency_staff": 200,
    "viewer": 200,
}
CASES += [
    Case("today:redflags", only(BOARD, 403)),
    Case(
        "today:redflags",
        only(BOARD, 403),
        query="?module=petitions&q=duong",
        label="today:redflags filtered",
    ),
    Case("today:redflags_export", only({**BOARD, "viewer": 403}, 403)),
]
