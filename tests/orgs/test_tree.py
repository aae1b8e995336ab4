"""Tree operations (create, rename, move, merge, dissolve) and a property test that
random sequences of them keep the materialized paths consistent."""

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lienhe.audit.models import AuditEvent
from lienhe.members.models import Member
from lienhe.orgs import services
from lienhe.orgs.models import Organization
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def _events(obj, action):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


def test_create_child_gets_path_under_parent_and_is_audited(cast):
    actor = cast.users["commune_staff"]
    org = services.create_organization(
        parent=cast.commune,
        actor=actor,
        code="TDP3",
        name="Chi bộ Tổ dân phố 3",
        kind=Organization.Kind.CELL,
        side=Organization.Side.RESIDENCE,
        meeting_day=15,
    )
    commune = Organization.objects.get(pk=cast.commune.pk)
    assert org.path.startswith(commune.path)
    assert org.depth == commune.depth + 1
    assert commune.numchild == 3
    event = _events(org, "orgs.organization.created").get()
    assert event.actor == actor
    assert event.data["parent"] == commune.pk


def test_create_root_and_refuse_child_of_group(cast):
    root = services.create_organization(
        parent=None, code="TINH2", name="Đảng bộ tỉnh Hai", kind="province"
    )
    assert root.depth == 1
    group = services.create_organization(
        parent=cast.cell_a, code="TO1", name="Tổ đảng 1", kind=Organization.Kind.GROUP
    )
    with pytest.raises(services.OrgError, match="tổ đảng"):
        services.create_organization(parent=group, code="X", name="X", kind="group")
    with pytest.raises(services.OrgError, match="chỉ có thể lập tổ đảng"):
        services.create_organization(parent=cast.cell_a, code="Y", name="Y", kind="cell")


def test_rename_bumps_version_and_records_history(cast):
    org = Organization.objects.get(pk=cast.cell_a.pk)
    renamed = services.update_organization(
        org, expected_version=org.version, name="Chi bộ Khu phố 1", actor=cast.users["admin"]
    )
    assert renamed.version == org.version + 1
    assert renamed.name == "Chi bộ Khu phố 1"
    event = _events(org, "orgs.organization.renamed").get()
    assert event.data["name"] == ["Chi bộ Tổ dân phố 1", "Chi bộ Khu phố 1"]
    assert [h.name for h in renamed.history.order_by("history_date")][-2:] == [
        "Chi bộ Tổ dân phố 1",
        "Chi bộ Khu phố 1",
    ]


def test_rename_with_stale_version_is_refused(cast):
    """Two officers open the edit form; the second save must not overwrite the first."""
    first = Organization.objects.get(pk=cast.cell_a.pk)
    second = Organization.objects.get(pk=cast.cell_a.pk)
    services.update_organization(first, expected_version=first.version, name="Tên mới A")
    with pytest.raises(services.StaleEdit, match="vừa được người khác sửa"):
        services.update_organization(second, expected_version=second.version, name="Tên mới B")
    assert Organization.objects.get(pk=cast.cell_a.pk).name == "Tên mới A"


def test_move_subtree_rewrites_descendant_paths(cast):
    group = make_org(cast.cell_a, name="Tổ đảng 1", kind="group")
    moved = services.move_subtree(cast.commune, cast.agency, actor=cast.users["admin"])
    agency = Organization.objects.get(pk=cast.agency.pk)
    assert moved.path.startswith(agency.path) and moved.depth == 3
    for node in (cast.cell_a, cast.cell_b, group):
        node = Organization.objects.get(pk=node.pk)
        assert node.path.startswith(moved.path)
        assert node.depth == len(node.path) // Organization.steplen
    # Members follow their cell: the subtree query of the new parent now finds them.
    assert Member.objects.in_subtree(agency).filter(pk=cast.members["a1"].pk).exists()
    assert _events(moved, "orgs.organization.moved").get().data["to"] == agency.pk


def test_move_refuses_cycles_and_non_groups_under_cells(cast):
    with pytest.raises(services.OrgError, match="chính nó"):
        services.move_subtree(cast.commune, cast.cell_a)
    with pytest.raises(services.OrgError, match="chính nó"):
        services.move_subtree(cast.commune, cast.commune)
    with pytest.raises(services.OrgError, match="Chỉ tổ đảng"):
        services.move_subtree(cast.cell_b, cast.cell_a)
    group = make_org(cast.cell_a, name="Tổ đảng 1", kind="group")
    moved = services.move_subtree(group, cast.cell_b)
    assert moved.path.startswith(Organization.objects.get(pk=cast.cell_b.pk).path)


def test_merge_moves_members_and_groups_to_the_survivor(cast):
    group = make_org(cast.cell_b, name="Tổ đảng Bắc", kind="group")
    actor = cast.users["commune_staff"]
    services.merge_cells(cast.cell_b, cast.cell_a, actor=actor)
    source = Organization.objects.get(pk=cast.cell_b.pk)
    target = Organization.objects.get(pk=cast.cell_a.pk)
    assert not source.is_active and source.merged_into == target
    assert source.numchild == 0
    assert Organization.objects.get(pk=group.pk).path.startswith(target.path)
    assert Member.objects.get(pk=cast.members["b1"].pk).organization == target
    assert set(Member.objects.filter(organization=target).values_list("pk", flat=True)) == {
        cast.members["a1"].pk,
        cast.members["a2"].pk,
        cast.members["b1"].pk,
    }
    moved = Member.objects.get(pk=cast.members["b1"].pk)
    latest, previous = moved.history.order_by("-history_date", "-history_id")[:2]
    assert latest.organization_id == target.pk and previous.organization_id == source.pk
    assert latest.history_user == actor and "Hợp nhất" in latest.history_change_reason
    assert moved.version == cast.members["b1"].version + 1
    assert _events(source, "orgs.organization.merged").get().data["into"] == target.pk
    assert _events(target, "orgs.organization.absorbed").get().actor == actor


def test_merge_refuses_a_cell_nested_in_the_other(cast):
    # Legacy data may hold a cell under a cell (the rules forbid creating one now).
    nested = make_org(cast.cell_a, name="Chi bộ lồng", kind="cell")
    for source, target in [(cast.cell_a, nested), (nested, cast.cell_a)]:
        with pytest.raises(services.OrgError, match="cấp trên hoặc cấp dưới"):
            services.merge_cells(source, target)


def test_merge_refusals(cast):
    with pytest.raises(services.OrgError, match="hai tổ chức khác nhau"):
        services.merge_cells(cast.cell_a, cast.cell_a)
    with pytest.raises(services.OrgError, match="hai chi bộ"):
        services.merge_cells(cast.commune, cast.cell_a)
    Member.objects.filter(organization=cast.cell_b).update(status=Member.Status.TRANSFERRED)
    services.dissolve(cast.cell_b)
    with pytest.raises(services.OrgError, match="đã giải thể"):
        services.merge_cells(cast.cell_a, cast.cell_b)


def test_dissolve_blocked_while_members_are_active(cast):
    with pytest.raises(services.OrgError, match="Còn 2 đảng viên đang sinh hoạt"):
        services.dissolve(cast.cell_a)
    assert Organization.objects.get(pk=cast.cell_a.pk).is_active
    Member.objects.filter(organization=cast.cell_a).update(status=Member.Status.TRANSFERRED)
    group = make_org(cast.cell_a, name="Tổ đảng 1", kind="group")
    services.dissolve(cast.cell_a, actor=cast.users["admin"])
    assert not Organization.objects.get(pk=cast.cell_a.pk).is_active
    assert not Organization.objects.get(pk=group.pk).is_active
    assert _events(cast.cell_a, "orgs.organization.dissolved").exists()


def test_dissolve_counts_the_whole_subtree(cast):
    with pytest.raises(services.OrgError, match="Còn 3 đảng viên"):
        services.dissolve(cast.commune)


# --------------------------------------------------------------------------- property


_codes = itertools.count(1)
KINDS = [Organization.Kind.BASE, Organization.Kind.CELL, Organization.Kind.GROUP]
operation = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 40), st.sampled_from(KINDS)),
    st.tuples(st.just("move"), st.integers(0, 40), st.integers(0, 40)),
    st.tuples(st.just("merge"), st.integers(0, 40), st.integers(0, 40)),
)


def _apply(op, nodes: list[int], parent_of: dict[int, int | None], members: dict[int, int]):
    kind, a, b = op
    if kind == "create":
        parent = Organization.objects.get(pk=nodes[a % len(nodes)])
        n = next(_codes)
        org = services.create_organization(parent=parent, code=f"P{n}", name=f"Nút {n}", kind=b)
        nodes.append(org.pk)
        parent_of[org.pk] = parent.pk
        if org.kind == Organization.Kind.CELL:
            MemberFactory(organization=org)
            members[org.pk] = 1
    elif kind == "move":
        org, new_parent = nodes[a % len(nodes)], nodes[b % len(nodes)]
        services.move_subtree(Organization(pk=org), Organization(pk=new_parent))
        parent_of[org] = new_parent
    else:
        source, target = nodes[a % len(nodes)], nodes[b % len(nodes)]
        services.merge_cells(Organization(pk=source), Organization(pk=target))
        for pk, parent in list(parent_of.items()):
            if parent == source:
                parent_of[pk] = target
        members[target] = members.get(target, 0) + members.pop(source, 0)


def _reference_subtree(root: int, parent_of: dict[int, int | None]) -> set[int]:
    """Every node whose parent-pointer walk reaches `root` (root included)."""
    found = set()
    for pk in parent_of:
        walk = pk
        while walk is not None:
            if walk == root:
                found.add(pk)
                break
            walk = parent_of[walk]
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_random_operations_keep_paths_consistent(db, ops):
    with transaction.atomic():
        root = make_org(None, name="Tỉnh", kind="province")
        nodes = [root.pk]
        parent_of: dict[int, int | None] = {root.pk: None}
        members: dict[int, int] = {}
        for op in ops:
            try:
                with transaction.atomic():
                    _apply(op, nodes, parent_of, members)
            except services.OrgError:
                pass  # refused operations must leave the tree untouched
        by_pk = {o.pk: o for o in Organization.objects.filter(pk__in=nodes)}
        assert set(by_pk) == set(parent_of)
        for pk, org in by_pk.items():
            parent = parent_of[pk]
            if parent is None:
                assert org.depth == 1 and len(org.path) == Organization.steplen
            else:
                assert org.path[: -Organization.steplen] == by_pk[parent].path
            assert org.depth == len(org.path) // Organization.steplen
            assert org.numchild == sum(1 for p in parent_of.values() if p == pk)
            subtree = set(
                Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True)
            )
            assert subtree == _reference_subtree(pk, parent_of)
            assert Member.objects.in_subtree(org).count() == sum(members.get(n, 0) for n in subtree)
        transaction.set_rollback(True)
