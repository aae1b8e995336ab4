"""factory-boy factories with Vietnamese fake data."""

import datetime as dt
import itertools

import factory
from django.contrib.auth.hashers import make_password

from lienhe.access.models import Role, User
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks

_codes = itertools.count(1)
_cards = itertools.count(10_000_000)
PASSWORD = "mat-khau-thu-nghiem-2026"
_HASH = make_password(PASSWORD)


def make_org(parent=None, **fields) -> Organization:
    n = next(_codes)
    fields.setdefault("code", f"ORG{n:05d}")
    fields.setdefault("name", f"Tổ chức {n}")
    fields.setdefault("kind", Organization.Kind.CELL if parent else Organization.Kind.PROVINCE)
    fields.setdefault("side", Organization.Side.RESIDENCE)
    if parent is None:
        org = Organization.objects.add_root(create_kwargs=fields)
    else:
        org = Organization.objects.add_child(
            Organization.objects.get(pk=parent.pk), create_kwargs=fields
        )
    summary_hooks.changed("orgs", [org.pk])  # as orgs.services.create_organization does
    return org


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    card_number = factory.LazyFunction(lambda: str(next(_cards)))
    full_name = factory.Faker("name", locale="vi_VN")
    birth_date = dt.date(1980, 5, 17)
    gender = "male"
    joined_on = dt.date(2005, 3, 2)
    official_on = dt.date(2006, 3, 2)
    phone = factory.Sequence(lambda n: f"09{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        member = super()._create(model_class, *args, **kwargs)
        # The summaries hook, as members.services.create_member calls it (issue 21).
        summary_hooks.members_changed([member.organization_id])
        return member


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = _HASH


def make_user(username: str, role: str | None = None, org=None, member=None, **kw) -> User:
    user = UserFactory(username=username, member=member, **kw)
    if role:
        Role.objects.create(user=user, organization=org, role=role)
    return user
