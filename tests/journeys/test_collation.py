"""Issue 20 item 10: lists ordered by name follow Vietnamese alphabetical order, and
the petition list names the commune of each cell."""

import re

import pytest

from lienhe.away.forms import AwayForm
from lienhe.text import sort_key, unit_sort_key


def test_vietnamese_sort_key():
    names = ["Huế", "Đà Nẵng", "Hà Nội", "Điện Biên", "Cao Bằng", "Dak Nông", "Ưng Hòa", "Uông Bí"]
    assert sorted(names, key=sort_key) == [
        "Cao Bằng",
        "Dak Nông",
        "Đà Nẵng",
        "Điện Biên",
        "Hà Nội",
        "Huế",
        "Uông Bí",
        "Ưng Hòa",
    ]
    assert sorted(["Tỉnh Đồng Nai", "Thành phố Hà Nội", "Tỉnh Cà Mau"], key=unit_sort_key) == [
        "Tỉnh Cà Mau",
        "Tỉnh Đồng Nai",
        "Thành phố Hà Nội",
    ]


@pytest.mark.django_db
def test_province_choices_in_vietnamese_order():
    from lienhe.orgs.admin_units import load_admin_units
    from lienhe.orgs.models import AdminUnit

    load_admin_units(AdminUnit)  # a transactional test may have flushed them
    html = str(AwayForm()["destination_unit"])
    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", html)
    assert len(names) > 10
    assert names == sorted(names, key=unit_sort_key)
    assert names.index("Thành phố Hà Nội") < names.index("Thành phố Huế")
    assert (
        names.index("Tỉnh Cao Bằng") < names.index("Tỉnh Điện Biên") < names.index("Tỉnh Gia Lai")
    )


@pytest.mark.django_db
def test_petition_list_shows_the_commune_of_the_cell(cast, login):
    from lienhe.petitions.models import Category
    from tests.petitions.world import make_petition

    Category.objects.get_or_create(code="infrastructure", defaults={"name": "Giao thông"})
    make_petition(cast.cell_a)
    body = login(cast.users["province_staff"]).get("/kien-nghi/").content.decode()
    cell = body.index(f"{cast.cell_a.name}<br>")
    assert cast.commune.name in body[cell : cell + 300]


@pytest.mark.django_db
def test_lists_ordered_in_sql_follow_vietnamese_order(cast, login):
    """vi_order: the same order on SQLite (registered collation) and PostgreSQL (ICU
    "vi-x-icu"): Đ after D, "Hà Nội" before "Huế", tones after letters."""
    from lienhe.members.forms import organization_choices_for
    from lienhe.orgs.models import Organization
    from lienhe.text import vi_order
    from tests.factories import make_org

    for name in ["Chi bộ Huế", "Chi bộ Đông", "Chi bộ Dương", "Chi bộ Hà Nội", "Chi bộ Ấp"]:
        make_org(cast.commune, name=name, kind="cell")
    names = list(
        Organization.objects.filter(
            name__in=["Chi bộ Huế", "Chi bộ Đông", "Chi bộ Dương", "Chi bộ Hà Nội", "Chi bộ Ấp"]
        )
        .order_by(vi_order("name"))
        .values_list("name", flat=True)
    )
    assert names == ["Chi bộ Ấp", "Chi bộ Dương", "Chi bộ Đông", "Chi bộ Hà Nội", "Chi bộ Huế"]
    chosen = [
        o.name
        for o in organization_choices_for(cast.users["commune_staff"])
        if o.name.startswith("Chi bộ ")
    ]
    assert chosen == sorted(chosen, key=sort_key)
    assert chosen.index("Chi bộ Đông") > chosen.index("Chi bộ Dương")
