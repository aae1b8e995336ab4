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
