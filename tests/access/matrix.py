from tests.matrix import Case, only, rows

CASES = [
    Case("home", only({}, 200)),
    Case("healthz", only({"anonymous": 200}, 200)),
    Case("favicon", only({"anonymous": 200}, 200)),
    Case("access:login", only({"anonymous": 200}, 302)),
    Case(
        "access:logout",
        only({}, 302),
        method="post",
        effect=rows("sessions.Session"),
        unaudited="signing out ends this session only; no record of the project changes",
    ),
    Case("access:password_change", only({}, 200)),
    Case("access:password_change_done", only({}, 200)),
    Case("access:profile", only({}, 200)),
    Case("access:two_factor", only({}, 302)),  # no device yet → sent to setup
    Case("access:two_factor_setup", only({}, 200)),
    Case("access:two_factor_codes", only({}, 200)),
    Case(
        "access:two_factor_disable",
        only({}, 302),
        method="post",
        audit="access.2fa.disable",
        # Committee staff and the superuser must keep two-factor login (is_required).
        unchanged_for=frozenset({"admin", "province_staff", "commune_staff", "agency_staff"}),
    ),
    Case(
        "access:logout_everywhere",
        only({}, 302),
        method="post",
        effect=rows("access.User", "session_epoch"),
        audit="access.sessions.end_all",
    ),
]
