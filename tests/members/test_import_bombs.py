"""Issue 15, finding 3: zip/xlsx bombs are refused before parsing, quickly."""

import io
import zipfile

import pytest

from lienhe.members import import_jobs, importers
from lienhe.members.import_files import ImportFileError

pytestmark = pytest.mark.django_db

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Mã chi bộ"]


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _xlsx(sheet_rows, *, shared_strings_mb: int = 0, empty_rows: int = 0) -> bytes:
    """A minimal .xlsx written part by part (the big parts streamed, so the test
    itself stays small): header + rows, optional huge shared strings, empty rows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<worksheet xmlns="{NS}"><sheetData>'.encode())
            for r, values in enumerate([HEADER, *sheet_rows], start=1):
                cells = "".join(_cell(f"{'ABCD'[i]}{r}", v) for i, v in enumerate(values))
                part.write(f'<row r="{r}">{cells}</row>'.encode())
            start = len(sheet_rows) + 2
            chunk = []
            for _r in range(start, start + empty_rows):
                chunk.append("<row/>")
                if len(chunk) == 10000:
                    part.write("".join(chunk).encode())
                    chunk = []
            part.write(("".join(chunk) + "</sheetData></worksheet>").encode())
        if shared_strings_mb:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<sst xmlns="{NS}">'.encode())
                block = b"<si><t>x</t></si>" * 65536  # 1 MiB
                for _ in range(shared_strings_mb):
                    part.write(block)
                part.write(b"</sst>")
    return out.getvalue()


ROWS = [["93000001", "Nguyễn Văn A", "01/01/1980", "CB-A"]]


def test_shared_strings_bomb_is_refused_from_the_zip_directory(cast):
    data = _xlsx(ROWS, shared_strings_mb=50)
    assert len(data) < 1024 * 1024  # a small upload...
    with pytest.raises(ImportFileError, match="sharedStrings.xml.*giải nén ra 53 MB"):
        import_jobs.start(
            user=cast.users["commune_staff"],
            organization=cast.commune,
            filename="bom.xlsx",
            data=data,
        )
    with pytest.raises(ImportFileError, match="giải nén"):
        importers.analyze(data, "bom.xlsx", cast.commune)


def test_empty_rows_count_toward_the_row_limit(cast, settings):
    settings.IMPORT_MAX_ROWS = 1000
    data = _xlsx(ROWS, empty_rows=2_000_000)
    assert len(data) < 1024 * 1024
    # The upload step reads only the first rows: cheap, accepted.
    job = import_jobs.start(
        user=cast.users["commune_staff"], organization=cast.commune, filename="e.xlsx", data=data
    )
    assert job.headers[:2] == HEADER[:2]
    with pytest.raises(ImportFileError, match="hơn 1.000 dòng"):
        importers.analyze(data, "e.xlsx", cast.commune)


def test_empty_row_bomb_with_default_limits_is_refused(cast):
    data = _xlsx(ROWS, empty_rows=3_000_000)
    with pytest.raises(ImportFileError, match="200.000 dòng"):
        importers.analyze(data, "e.xlsx", cast.commune)


def test_a_part_over_the_limit_is_refused(cast, settings):
    settings.IMPORT_MAX_PART_BYTES = 100_000
    data = _xlsx(ROWS, empty_rows=20_000)
    with pytest.raises(ImportFileError, match="sheet1.xml"):
        importers.analyze(data, "e.xlsx", cast.commune)


def test_header_step_reads_only_the_strings_it_needs(cast):
    # Shared strings under the limit but large: the upload still reads the header.
    data = _xlsx(ROWS, shared_strings_mb=8)
    job = import_jobs.start(
        user=cast.users["commune_staff"], organization=cast.commune, filename="s.xlsx", data=data
    )
    assert job.kind == "members" and job.mapping["0"] == "card_number"
