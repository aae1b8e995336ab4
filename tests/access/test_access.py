"""Scoping per role, login with username or phone, throttling, admin, healthz."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _member_keys(cast, user) -> set[str]:
    by_pk = {m.pk: key for key, m in cast.members.items()}
    return {by_pk[pk] for pk in Member.objects.visible_to(user).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", {"a1", "a2", "b1", "o1", "w1"}),
        ("province_staff", {"a1", "a2", "b1", "o1", "w1"}),
        ("commune_staff", {"a1", "a2", "b1"}),
        ("secretary_a", {"a1", "a2"}),
        ("secretary_b", {"b1"}),
        ("agency_staff", {"w1"}),
        ("viewer", {"a1", "a2", "b1"}),
        ("member", {"w1"}),  # a member sees their own record only
        ("visitor", set()),  # attends meetings; no member dossiers
        ("handler", set()),
        ("outsider", set()),
    ],
)
def test_members_visible_per_role(cast, role, expected):
    assert _member_keys(cast, cast.users[role]) == expected


@pytest.mark.parametrize(
    "role, expected",
    [
        ("province_staff", 8),
        ("commune_staff", 3),
        ("secretary_a", 1),
        ("agency_staff", 2),
        ("visitor", 8),
        ("member", 1),  # their own cell
        ("handler", 0),
        ("outsider", 0),
    ],
)
def test_organizations_visible_per_role(cast, role, expected):
    assert Organization.objects.visible_to(cast.users[role]).count() == expected


def test_member_sees_own_cell_only(cast):
    visible = list(Organization.objects.visible_to(cast.users["member"]))
    assert visible == [cast.agency_cell]


def test_superuser_sees_everything_and_holds_every_permission(cast):
    admin = cast.users["admin"]
    assert Organization.objects.visible_to(admin).count() == Organization.objects.count()
    assert has_perm_anywhere(admin, "orgs:write")
    assert has_org_permission(admin, cast.other_cell, "policy:write")


def test_role_covers_subtree_and_nested_grants_collapse(cast):
    user = cast.users["commune_staff"]
    assert has_org_permission(user, cast.cell_a, "members:write")
    assert not has_org_permission(user, cast.other_cell, "members:read")
    assert not has_org_permission(user, cast.province, "members:read")
    make_user("kep", "committee_staff", cast.commune)
    from lienhe.access.models import Role

    Role.objects.create(user=user, organization=cast.cell_a, role="viewer")
    user.refresh_from_db()
    user._lienhe_grants = None
    assert paths_with(user, "members:read") == [cast.commune.path]


def test_scope_organizations_come_with_the_roles(cast, django_assert_num_queries):
    """The scope's top organizations are read with the roles (one query for both), in
    path order, nested grants collapsed like `paths_with`."""
    from lienhe.access.models import Role
    from lienhe.access.scoping import scope_organizations

    user = cast.users["commune_staff"]
    Role.objects.create(user=user, organization=cast.cell_a, role="viewer")
    user._lienhe_grants = None
    with django_assert_num_queries(1):
        roots = scope_organizations(user, "members:read")
        assert roots == [cast.commune] and roots[0].name == cast.commune.name
        assert scope_organizations(user, "members:read") == roots


def test_grants_read_the_same_roles_and_organizations_as_the_orm(cast):
    """`grants` reads the roles with one raw statement (issue 21, session 8): the same
    roles at active organizations as `user.roles`, with complete organizations whose
    fields have their Python types (SQLite returns booleans as integers)."""
    from lienhe.access.models import Role
    from lienhe.access.scoping import grants

    user = cast.users["commune_staff"]
    Role.objects.create(user=user, organization=cast.cell_a, role="viewer")
    Role.objects.create(user=user, organization=cast.cell_b, role="viewer")
    Organization.objects.filter(pk=cast.cell_b.pk).update(is_active=False)
    user._lienhe_grants = None
    expected = sorted(
        (r.organization.path, r.role, r.organization_id)
        for r in user.roles.filter(organization__is_active=True).select_related("organization")
    )
    got = grants(user)
    assert sorted((g.path, g.role, g.organization_id) for g in got) == expected
    assert len(got) == 2
    for grant in got:
        org = Organization.objects.get(pk=grant.organization_id)
        assert {
            f.attname: getattr(grant.organization, f.attname) for f in org._meta.concrete_fields
        } == {f.attname: getattr(org, f.attname) for f in org._meta.concrete_fields}
        assert grant.organization.is_active is True


def test_backend_reads_the_user_like_model_backend(cast):
    """`UsernameOrPhoneBackend.get_user` (every request's user, one raw statement) gives
    what `ModelBackend.get_user` gives: the same fields, None for an inactive or
    missing account."""
    from django.contrib.auth.backends import ModelBackend

    from lienhe.access.backends import UsernameOrPhoneBackend

    ours, django = UsernameOrPhoneBackend(), ModelBackend()
    user = cast.users["secretary_a"]
    fields = [f.attname for f in user._meta.concrete_fields]
    got, expected = ours.get_user(user.pk), django.get_user(user.pk)
    assert [getattr(got, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert got.is_active is True and got._state.adding is False
    assert ours.get_user(10**9) is None
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ours.get_user(user.pk) is None is django.get_user(user.pk)


def test_signed_in_user_comes_with_the_member_name(cast, django_assert_num_queries):
    """The page header's name (`display_name`) is read with the signed-in user, not by
    a query of its own (issue 21, session 11); a user without a member shows their
    account name."""
    from lienhe.access.backends import UsernameOrPhoneBackend
    from lienhe.members.models import Member

    user = cast.users["secretary_a"]
    assert user.member_id
    Member.objects.filter(pk=user.member_id).update(full_name="Lò Thị Ánh")
    with django_assert_num_queries(1):
        assert UsernameOrPhoneBackend().get_user(user.pk).display_name == "Lò Thị Ánh"
    staff = cast.users["province_staff"]
    assert not staff.member_id
    with django_assert_num_queries(1):
        assert UsernameOrPhoneBackend().get_user(staff.pk).display_name == staff.display_name


def test_paths_are_kept_with_the_grants_they_were_read_from(cast, django_assert_num_queries):
    """`paths_with` answers again from memory for the same grants, and anew when the
    grants are read again."""
    from lienhe.access.models import Role

    user = cast.users["commune_staff"]
    paths_with(user, "members:read")
    with django_assert_num_queries(0):
        assert paths_with(user, "members:read") == [cast.commune.path]
        paths_with(user, "members:read").append("mutated")  # a copy: the memo is safe
        assert paths_with(user, "members:read") == [cast.commune.path]
    Role.objects.create(user=user, organization=cast.other_cell, role="viewer")
    user._lienhe_grants = None
    assert paths_with(user, "members:read") == sorted([cast.commune.path, cast.other_cell.path])


def test_roles_at_dissolved_organizations_grant_nothing(cast):
    Organization.objects.filter(pk=cast.cell_b.pk).update(is_active=False)
    user = cast.users["secretary_b"]
    user._lienhe_grants = None
    assert not has_perm_anywhere(user, "members:read")


# --------------------------------------------------------------------------- login


def _post_login(client, username, password):
    return client.post(reverse("access:login"), {"username": username, "password": password})


def test_login_with_username_case_insensitive(cast, password):
    client = Client()
    response = _post_login(client, "BITHU", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.users["secretary_a"].pk)


@pytest.mark.parametrize("typed", ["0912345678", "+84 912 345 678", "0912.345.678"])
def test_login_with_phone_in_any_format(cast, password, typed):
    user = cast.users["secretary_a"]
    user.phone = "+84912345678"
    user.save()
    assert user.phone == "0912345678"
    client = Client()
    assert _post_login(client, typed, password).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_ambiguous_phone_logs_nobody_in(cast, password):
    for key in ("secretary_a", "secretary_b"):
        user = cast.users[key]
        user.phone = "0912345678"
        user.save()
    client = Client()
    response = _post_login(client, "0912345678", password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "không đúng" in response.content.decode()


def test_wrong_password_shows_vietnamese_error_and_keeps_username(cast):
    response = _post_login(Client(), "bithu", "sai-mat-khau")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập/số điện thoại hoặc mật khẩu không đúng" in body
    assert 'value="bithu"' in body


def test_lockout_after_five_failures(cast, password, settings):
    settings.AXES_ENABLED = True
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        assert _post_login(client, "bithu", "sai-mat-khau").status_code == 200
    locked = _post_login(client, "bithu", "sai-mat-khau")
    assert locked.status_code == 429
    # Even the right password is refused while locked; nobody is logged in.
    response = _post_login(client, "bithu", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    assert _post_login(Client(), "xa", password).status_code == 302


def test_logout_and_password_change(cast, password, login):
    user = cast.users["secretary_a"]
    client = login(user)
    response = client.post(
        reverse("access:password_change"),
        {
            "old_password": password,
            "new_password1": "mot-mat-khau-moi-rat-dai",
            "new_password2": "mot-mat-khau-moi-rat-dai",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("mot-mat-khau-moi-rat-dai")
    assert client.post(reverse("access:logout")).status_code == 302
    assert client.get(reverse("members:list")).status_code == 302


def test_session_expires():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_admin_only_for_superusers(cast, login):
    url = reverse("admin:index")
    assert login(cast.users["admin"]).get(url).status_code == 200
    staff = make_user("nhanvien", is_staff=True)
    response = login(staff).get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert login(cast.users["province_staff"]).get(url).status_code == 302


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
