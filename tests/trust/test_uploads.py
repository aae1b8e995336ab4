import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienhe.documents.uploads import UploadRejected, check_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"x" * 32


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_type_comes_from_content_not_name():
    ok = check_upload(SimpleUploadedFile("anh.png", PDF), allowed={"pdf"})
    assert ok.kind == "pdf" and ok.extension == "pdf"
    with pytest.raises(UploadRejected, match="Loại tệp không được nhận"):
        check_upload(
            SimpleUploadedFile("don.pdf", b"<script>alert(1)</script>", "application/pdf"),
            allowed={"pdf", "png"},
        )
    assert check_upload(SimpleUploadedFile("x", PNG), allowed={"png"}).kind == "png"


def test_office_files_are_told_apart():
    data = xlsx_bytes()
    assert check_upload(SimpleUploadedFile("a.xlsx", data), allowed={"xlsx"}).kind == "xlsx"
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("a.docx", data), allowed={"docx"})


def test_size_limit_and_empty():
    with pytest.raises(UploadRejected, match="Tệp quá lớn"):
        check_upload(
            SimpleUploadedFile("a.pdf", PDF + b"x" * 2048), allowed={"pdf"}, max_bytes=1024
        )
    with pytest.raises(UploadRejected, match="Tệp trống"):
        check_upload(SimpleUploadedFile("a.pdf", b""), allowed={"pdf"})
