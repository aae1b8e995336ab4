"""Issue 15, finding 7: export → import is a no-op, even for formula-looking text."""

import pytest

from lienhe.members import importers
from lienhe.members.exports import MemberExporter
from lienhe.members.models import Member

pytestmark = pytest.mark.django_db

ADDRESSES = {"a1": "+1+1", "a2": "-1+2", "b1": "@SUM(1,1)"}


@pytest.fixture
def tricky(cast):
    for key, address in ADDRESSES.items():
        Member.objects.filter(pk=cast.members[key].pk).update(home_address=address)
    return Member.objects.filter(pk__in=[cast.members[k].pk for k in ADDRESSES])


def _export(queryset, fmt, user):
    exporter = MemberExporter(queryset, user=user)
    return exporter.to_xlsx_bytes() if fmt == "xlsx" else exporter.to_csv_text().encode("utf-8-sig")


def _formula_free(data: bytes, fmt: str) -> bool:
    """CSV: the address starts with a quote; XLSX: no cell is stored as a formula."""
    if fmt == "csv":
        return b"'+1+1" in data
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    return any(c.value in ("'+1+1", "+1+1") for c in cells) and all(
        c.data_type != "f" for c in cells
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(cast, tricky, fmt):
    data = _export(tricky, fmt, cast.users["commune_staff"])
    assert _formula_free(data, fmt)  # the export neutralises the formula start
    actor = cast.users["commune_staff"]
    for _round in range(2):
        plan = importers.commit(data, f"dang-vien.{fmt}", cast.commune, actor=actor)
        assert plan.error_count == 0
        assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 3)
        data = _export(tricky, fmt, cast.users["commune_staff"])
    got = {m.pk: m.home_address for m in tricky}
    assert got == {cast.members[k].pk: v for k, v in ADDRESSES.items()}
    assert all(m.version == 1 for m in tricky)


def test_only_the_exact_export_prefix_is_removed():
    assert importers.strip_export_prefix("'+1+1") == "+1+1"
    assert importers.strip_export_prefix("'@SUM(1,1)") == "@SUM(1,1)"
    assert importers.strip_export_prefix("'Tổ 1") == "'Tổ 1"
    assert importers.strip_export_prefix("''+1") == "''+1"
    assert importers.strip_export_prefix(12) == 12
