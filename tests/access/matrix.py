from tests.matrix import Case, only

CASES = [
    Case("home", only({}, 200)),
    Case("healthz", only({"anonymous": 200}, 200)),
    Case("favicon", only({"anonymous": 200}, 200)),
    Case("access:login", only({"anonymous": 200}, 302)),
    Case("access:logout", only({}, 302), method="post"),
    Case("access:password_change", only({}, 200)),
    Case("access:password_change_done", only({}, 200)),
    Case("access:profile", only({}, 200)),
    Case("access:two_factor", only({}, 302)),  # no device yet → sent to setup
    Case("access:two_factor_setup", only({}, 200)),
    Case("access:two_factor_codes", only({}, 200)),
    Case("access:two_factor_disable", only({}, 302), method="post"),
    Case("access:logout_everywhere", only({}, 302), method="post"),
]
