"""Department names after the 2025 merger in the petitions demo and routing (issue 19)."""

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
