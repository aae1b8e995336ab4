import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from lienhe.audit.models import AuditEvent
from lienhe.members import importers
from lienhe.members.import_files import ImportFileError
from lienhe.members.models import Member

DATA = Path(__file__).resolve().parent.parent / "data"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_headers_are_detected_from_vietnamese_titles():
    mapping = importers.detect_mapping(
        ["STT", "Số thẻ đảng viên *", "HỌ VÀ TÊN", "Ngày sinh (dd/mm/yyyy)", "Mã chi bộ", "SĐT"],
        "members",
    )
    assert mapping == {
        "1": "card_number",
        "2": "full_name",
        "3": "birth_date",
        "4": "org_code",
        "5": "phone",
    }


@pytest.mark.parametrize("name", ["members_good.xlsx", "members_good.csv", "members_cp1258.csv"])
def test_dry_run_previews_creates_and_writes_nothing(cast, name):
    plan = importers.analyze(read(name), name, cast.commune)
    assert plan.errors == [] and plan.total == 3
    summary = plan.summary()
    assert summary["creates"] == 3 and summary["updates"] == 0
    assert summary["preview_creates"][0]["name"] == "Nguyễn Thị Hồng"
    assert not Member.objects.filter(card_number="93000001").exists()


def test_windows_1258_names_come_out_composed(cast):
    plan = importers.analyze(read("members_cp1258.csv"), "x.csv", cast.commune)
    names = [row["full_name"] for row in plan.creates]
    assert names == ["Nguyễn Thị Hồng", "Trần Văn Đức", "Lê Thị Ánh"]


def test_commit_creates_then_reimport_is_idempotent(cast):
    actor = cast.users["commune_staff"]
    plan = importers.commit(read("members_good.xlsx"), "a.xlsx", cast.commune, actor=actor)
    assert len(plan.creates) == 3
    hong = Member.objects.get(card_number="93000001")
    assert hong.organization == cast.cell_a and hong.gender == "female"
    assert hong.birth_date == dt.date(1985, 11, 5) and hong.phone == "0912000111"
    assert hong.search_name == "nguyen thi hong" and hong.is_working
    assert hong.history.count() == 1
    duc = Member.objects.get(card_number="93000002")
    assert duc.birth_date == dt.date(1972, 3, 17) and duc.ethnicity == "Tày"
    assert AuditEvent.objects.filter(action="members.import.committed").count() == 1
    again = importers.commit(read("members_good.csv"), "a.csv", cast.commune, actor=actor)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 3)
    assert Member.objects.filter(card_number__startswith="930000").count() == 3


def test_reimport_updates_changed_cells_and_bumps_version(cast):
    member = cast.members["a1"]
    content = xlsx(
        [
            ["Số thẻ đảng viên", "Họ và tên", "Điện thoại", "Chi bộ"],
            [member.card_number, member.full_name, "0977 111 222", "Chi bộ Tổ dân phố 2"],
        ]
    )
    plan = importers.analyze(content, "u.xlsx", cast.commune)
    assert len(plan.updates) == 1
    changes = dict((c[0], c[1:]) for c in plan.summary()["preview_updates"][0]["changes"])
    assert changes["Điện thoại"][1] == "0977111222"
    importers.commit(content, "u.xlsx", cast.commune, actor=cast.users["commune_staff"])
    member.refresh_from_db()
    assert member.phone == "0977111222" and member.organization == cast.cell_b
    assert member.version == 2 and member.history.count() == 2


def test_errors_name_row_and_column_and_block_the_commit(cast):
    content = xlsx(
        [
            [
                "Số thẻ đảng viên",
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Chi bộ",
                "Ngày vào Đảng",
                "Số CCCD",
            ],
            ["12", "A", "01/01/1980", "Nam", "Chi bộ Tổ dân phố 1", "01/01/2000", ""],
            ["93000010", "B", "1980", "Nam", "Chi bộ Tổ dân phố 1", "01/01/2000", ""],
            ["93000011", "C", "01/01/1980", "Nam", "Chi bộ Không Có", "01/01/2000", ""],
            ["93000012", "D", "01/01/1980", "Nam", "Chi bộ Tổ dân phố 1", "01/01/2000", "0011"],
            ["93000012", "E", "01/01/1980", "Nam", "Chi bộ Tổ dân phố 1", "01/01/2000", ""],
            ["93000013", "F", "01/01/1980", "Nam", "Chi bộ thôn Đông", "01/01/2000", ""],
            ["93000014", "G", "01/01/1980", "Nam", "Chi bộ Tổ dân phố 1", "01/01/1970", ""],
            ["93000015", "H", "01/01/1980", "Nam", "Chi bộ Tổ dân phố 1", "01/01/2000", ""],
        ]
    )
    plan = importers.analyze(content, "e.xlsx", cast.commune)
    found = {(e["row"], e["column"]) for e in plan.errors}
    assert (2, "Số thẻ đảng viên") in found
    assert (3, "Ngày sinh") in found
    assert (4, "Chi bộ") in found
    assert (5, "Số CCCD") in found
    assert (6, "Số thẻ đảng viên") in found  # duplicate of row 5's card
    assert (7, "Chi bộ") in found  # a cell outside the commune being imported
    assert (8, "Ngày vào Đảng") in found
    assert len(plan.creates) == 1
    messages = " ".join(e["message"] for e in plan.errors)
    assert "8 đến 12 chữ số" in messages and "ngày/tháng/năm" in messages
    with pytest.raises(importers.ImportRefused):
        importers.commit(content, "e.xlsx", cast.commune)
    assert not Member.objects.filter(card_number="93000015").exists()


def test_duplicate_citizen_id_against_the_database(cast):
    cast.members["b1"].citizen_id = "001185000111"
    cast.members["b1"].save()
    plan = importers.analyze(read("members_good.xlsx"), "g.xlsx", cast.commune)
    assert [(e["row"], e["column"]) for e in plan.errors] == [(4, "Số CCCD")]
    assert "đảng viên khác" in plan.errors[0]["message"]


def test_existing_member_outside_the_import_scope_is_not_touched(cast):
    other = cast.members["o1"]
    content = xlsx(
        [["Số thẻ đảng viên", "Điện thoại", "Chi bộ"], [other.card_number, "0911111111", ""]]
    )
    plan = importers.analyze(content, "o.xlsx", cast.commune)
    assert plan.error_count == 1 and "ngoài phạm vi" in plan.errors[0]["message"]


def test_org_code_column_is_preferred_to_names(cast):
    content = xlsx(
        [
            [
                "Số thẻ đảng viên",
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Mã chi bộ",
                "Ngày vào Đảng",
            ],
            [93000020, "Vũ Văn Em", dt.datetime(1980, 1, 1), "Nam", cast.cell_b.code, 36526],
        ]
    )
    plan = importers.commit(content, "c.xlsx", cast.commune)
    member = Member.objects.get(card_number="93000020")
    assert member.organization == cast.cell_b and member.joined_on == dt.date(2000, 1, 1)
    assert plan.total == 1


@pytest.mark.parametrize(
    "name, words",
    [
        ("not_a_sheet.pdf", "PDF"),
        ("old_excel.xls", ".xls"),
        ("photo.png", "không phải bảng tính"),
        ("members_merged.xlsx", "ô gộp"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(cast, name, words):
    with pytest.raises(ImportFileError) as err:
        importers.commit(read(name), name, cast.commune)
    assert words in str(err.value)
    assert not Member.objects.filter(card_number__startswith="930000").exists()


def test_formulas_are_reported_at_their_cell(cast):
    plan = importers.analyze(read("members_formulas.xlsx"), "f.xlsx", cast.commune)
    assert [(e["row"], e["column"]) for e in plan.errors] == [(3, "Ngày sinh")]
    assert "công thức" in plan.errors[0]["message"]


def test_dates_as_text_are_read_and_bad_ones_reported(cast):
    plan = importers.analyze(read("members_bad_dates.xlsx"), "d.xlsx", cast.commune)
    assert {(e["row"], e["column"]) for e in plan.errors} == {
        (2, "Ngày sinh"),
        (2, "Ngày vào Đảng"),
    }


def test_too_many_rows_is_refused(cast, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [["Số thẻ đảng viên", "Họ và tên", "Chi bộ"]]
    rows += [[str(94000000 + i), f"Người {i}", "Chi bộ Tổ dân phố 1"] for i in range(8)]
    with pytest.raises(ImportFileError) as err:
        importers.analyze(xlsx(rows), "big.xlsx", cast.commune)
    assert "hơn 5 dòng" in str(err.value)


def test_huge_declared_sheet_is_refused(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(["Số thẻ đảng viên", "Họ và tên", "Chi bộ"])
    ws.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ImportFileError) as err:
        importers.analyze(buffer.getvalue(), "huge.xlsx", cast.commune)
    assert "dòng" in str(err.value)


def test_empty_and_headerless_files(cast):
    with pytest.raises(ImportFileError):
        importers.analyze(b"", "e.csv", cast.commune)
    with pytest.raises(ImportFileError) as err:
        importers.analyze(b"a,b,c\n1,2,3\n", "x.csv", cast.commune)
    assert "tiêu đề" in str(err.value)


def test_missing_required_column_is_a_file_error(cast):
    with pytest.raises(ImportFileError) as err:
        importers.analyze("Họ và tên,Chi bộ\nA,B\n".encode(), "x.csv", cast.commune)
    assert "Số thẻ đảng viên" in str(err.value)
