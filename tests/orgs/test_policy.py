"""Policy inheritance: deeper node overrides, later effective date wins, rows that
start after the date are ignored, otherwise the registry default with its source."""

import datetime as dt

import pytest

from lienhe.audit.models import AuditEvent
from lienhe.orgs import services
from lienhe.orgs.models import Policy
from lienhe.orgs.policy import PARAMETERS

pytestmark = pytest.mark.django_db

KEY = "letter_handin_days"
JAN = dt.date(2026, 1, 1)
JUL = dt.date(2026, 7, 1)


def test_default_is_used_and_cites_its_source(cast):
    assert services.effective_policy(cast.cell_a, KEY, JAN) == 30
    row = services.effective_policies(cast.cell_a, JAN)[KEY]
    assert row["value"] == 30 and row["set_at"] is None
    assert "213-QĐ/TW" in row["source"] and "mặc định của Lienhe" in row["source"]


def test_every_registered_parameter_cites_a_source():
    for key, param in PARAMETERS.items():
        assert param.source.strip(), key
        assert param.default is not None, key


def test_ancestor_value_is_inherited_and_deeper_node_overrides(cast):
    services.set_policy(cast.province, KEY, 20, JAN, source="Quy định 01-QĐ/TU")
    assert services.effective_policy(cast.cell_a, KEY, JUL) == 20
    services.set_policy(cast.commune, KEY, 25, JAN, source="Hướng dẫn 02-HD/ĐU")
    assert services.effective_policy(cast.cell_a, KEY, JUL) == 25
    assert services.effective_policy(cast.other_cell, KEY, JUL) == 20
    row = services.effective_policies(cast.cell_a, JUL)[KEY]
    assert row["set_at"] == cast.commune and row["source"] == "Hướng dẫn 02-HD/ĐU"


def test_deeper_node_wins_even_over_a_later_ancestor_row(cast):
    services.set_policy(cast.commune, KEY, 25, JAN)
    services.set_policy(cast.province, KEY, 10, JUL)
    assert services.effective_policy(cast.cell_a, KEY, dt.date(2026, 8, 1)) == 25


def test_later_effective_date_wins_and_future_rows_are_ignored(cast):
    services.set_policy(cast.province, KEY, 20, JAN)
    services.set_policy(cast.province, KEY, 15, JUL)
    assert services.effective_policy(cast.cell_a, KEY, dt.date(2026, 6, 30)) == 20
    assert services.effective_policy(cast.cell_a, KEY, JUL) == 15
    assert services.effective_policy(cast.cell_a, KEY, dt.date(2025, 12, 31)) == 30
    row = services.effective_policies(cast.cell_a, dt.date(2026, 3, 1))[KEY]
    assert row["effective_from"] == JAN


def test_effective_policy_is_one_query(cast, django_assert_num_queries):
    services.set_policy(cast.province, KEY, 20, JAN)
    with django_assert_num_queries(1):
        services.effective_policy(cast.cell_a, KEY, JUL)


def test_set_policy_same_date_replaces_and_is_audited(cast):
    actor = cast.users["province_staff"]
    services.set_policy(cast.province, KEY, 20, JAN, actor=actor)
    services.set_policy(cast.province, KEY, 21, JAN, actor=actor)
    assert Policy.objects.filter(organization=cast.province, key=KEY).count() == 1
    assert services.effective_policy(cast.cell_a, KEY, JAN) == 21
    assert AuditEvent.objects.filter(action="orgs.policy.set", actor=actor).count() == 2


def test_set_policy_validation(cast):
    with pytest.raises(services.OrgError, match="không tồn tại"):
        services.set_policy(cast.province, "no_such_key", 1, JAN)
    with pytest.raises(services.OrgError, match="số nguyên không âm"):
        services.set_policy(cast.province, KEY, -3, JAN)
    with pytest.raises(KeyError):
        services.effective_policy(cast.province, "no_such_key")


def test_shared_policy_reads_answer_the_subtree_from_one_read(cast, django_assert_num_queries):
    """Inside `shared_policy_reads`, one read of a subtree's rows (every key) answers the
    later look-ups of any organization in it by the same inheritance rule; outside the
    subtree, or outside the block, each look-up reads again."""
    services.set_policy(cast.province, KEY, 20, JAN)
    services.set_policy(cast.commune, KEY, 25, JAN)
    with services.shared_policy_reads():
        with django_assert_num_queries(1):
            table = services.policy_table(cast.commune, subtree=True)
            assert table.value(cast.cell_a.path, KEY, JUL) == 25
            assert services.effective_policy(cast.cell_a, KEY, JUL) == 25
            assert services.effective_policy(cast.commune, KEY, JUL) == 25
            assert services.policy_table(cast.cell_a, keys=[KEY]) is table
        with django_assert_num_queries(1):  # above the subtree read: a read of its own
            assert services.effective_policy(cast.province, KEY, JUL) == 20
    with django_assert_num_queries(1):
        assert services.effective_policy(cast.cell_a, KEY, JUL) == 25
