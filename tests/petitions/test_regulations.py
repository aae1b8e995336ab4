"""Department names after the 2025 merger in the petitions demo and routing (issue 19)."""

import pytest

from lienhe.petitions.demo import AGENCIES, ANSWERS, SHARED, SINGLE


def test_demo_agencies_use_todays_department_names():
    names = {name for _key, name, _kind, _label in AGENCIES}
    assert {"Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Nội vụ"} <= names
    for gone in (
        "Sở Giao thông vận tải",
        "Sở Tài nguyên và Môi trường",
        "Sở Lao động - Thương binh và Xã hội",
    ):
        assert gone not in names
        assert not any(gone in text for text in ANSWERS.values())


def test_every_demo_petition_routes_to_an_existing_agency():
    keys = {key for key, *_rest in AGENCIES}
    assert {agency for _cat, agency, *_rest in SINGLE + SHARED} <= keys
    assert set(ANSWERS) <= keys


def test_successor_follows_nghi_dinh_45_2025_whatever_the_spelling():
    from lienhe.petitions.merger import successor

    assert successor("Sở Giao thông vận tải") == "Sở Xây dựng"
    assert successor("SỞ GIAO THÔNG VẬN TẢI") == "Sở Xây dựng"
    assert successor("Sở Lao động – Thương binh và Xã hội") == "Sở Nội vụ"
    assert successor("Sở Lao động, Thương binh & Xã hội") == "Sở Nội vụ"
    assert successor("Sở Tài nguyên và Môi trường tỉnh Hà Tĩnh") == (
        "Sở Nông nghiệp và Môi trường tỉnh Hà Tĩnh"
    )
    assert successor("Sở Xây dựng") is None
    assert successor("Sở Giao thông vận tải và Xây dựng") is None  # not a merged name


@pytest.mark.django_db
def test_agency_form_refuses_a_pre_merger_name():
    from lienhe.petitions.forms import AgencyForm

    form = AgencyForm({"name": "Sở Giao thông vận tải", "kind": "department", "is_active": "on"})
    assert not form.is_valid()
    assert form.errors["name"] == [
        "“Sở Giao thông vận tải” đã hợp nhất vào “Sở Xây dựng” (Nghị định 45/2025/NĐ-CP "
        "ngày 28/02/2025): hãy dùng tên hiện nay."
    ]


@pytest.mark.django_db
def test_data_migration_renames_or_merges_stored_departments(cast):
    import importlib

    from django.apps import apps

    from lienhe.petitions.models import Agency, Petition

    from .world import make_petition

    migration = importlib.import_module(
        "lienhe.petitions.migrations.0004_department_names_2025_merger"
    )
    transport = Agency.objects.create(name="Sở Giao thông vận tải", kind="department")
    environment = Agency.objects.create(name="Sở Tài nguyên và Môi trường", kind="department")
    today = Agency.objects.create(name="Sở Nông nghiệp và Môi trường", kind="department")
    environment.handlers.add(cast.users["handler"])
    road = make_petition(cast.cell_a)
    land = make_petition(cast.cell_a, summary="Tranh chấp đất đai")
    Petition.objects.filter(pk=road.pk).update(agency=transport)
    Petition.objects.filter(pk=land.pk).update(agency=environment)

    migration.forwards(apps, None)

    transport.refresh_from_db()
    environment.refresh_from_db()
    road.refresh_from_db()
    land.refresh_from_db()
    # No "Sở Xây dựng" yet: the row is renamed (its petitions stay with it).
    assert transport.name == "Sở Xây dựng" and road.agency_id == transport.pk
    assert transport.search_name.startswith("so xay dung")
    # "Sở Nông nghiệp và Môi trường" exists: petitions and handlers move to it.
    assert land.agency_id == today.pk
    assert cast.users["handler"] in today.handlers.all()
    assert not environment.is_active
