"""Petition fixtures on top of the shared cast."""

import pytest

from lienhe.petitions import services
from lienhe.petitions.models import Agency, Category, Petition


def category(code: str = "infrastructure") -> Category:
    return Category.objects.get(code=code)


def make_petition(org, summary="Đường liên thôn xuống cấp nghiêm trọng", **kw) -> Petition:
    kw.setdefault("category", category())
    kw.setdefault("source_type", Petition.Source.STAFF)
    return services.create_petition(organization=org, summary=summary, **kw)


@pytest.fixture
def agency(cast) -> Agency:
    return Agency.objects.create(name="Sở Y tế tỉnh", kind="department", organization=cast.agency)


@pytest.fixture
def other_agency(cast) -> Agency:
    return Agency.objects.create(name="UBND phường Một", kind="local")


@pytest.fixture
def petition(cast) -> Petition:
    return make_petition(cast.cell_a, raised_by_user=cast.users["visitor"])


@pytest.fixture
def assigned(petition, agency, cast) -> Petition:
    return services.assign(petition, agency, actor=cast.users["commune_staff"])
