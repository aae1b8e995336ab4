from tests.matrix import Case, only

CASES = [
    Case("notify:inbox", only({}, 200)),
    # Someone else's notification id answers 404 (not yours); see test_inbox.
    Case("notify:open", only({}, 404), kwargs=lambda c: {"pk": 999999}),
    Case("notify:mark_all_read", only({}, 302), method="post"),
]
CASES.append(Case("notify:preferences", only({}, 200)))
