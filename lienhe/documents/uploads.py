"""Check an uploaded file before keeping it: real type from the first bytes (not the
name or the browser's Content-Type), size limit, and a safe stored name.

    from lienhe.documents.uploads import check_upload, UploadRejected

    try:
        kind = check_upload(request.FILES["file"], allowed={"pdf", "jpeg", "png"})
    except UploadRejected as exc:
        form.add_error("file", str(exc))
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a scanned multi-page A4 PDF

LABELS = {
    "pdf": "PDF",
    "jpeg": "ảnh JPEG",
    "png": "ảnh PNG",
    "webp": "ảnh WebP",
    "xlsx": "Excel (.xlsx)",
    "docx": "Word (.docx)",
}
EXTENSIONS = {
    "pdf": "pdf",
    "jpeg": "jpg",
    "png": "png",
    "webp": "webp",
    "xlsx": "xlsx",
    "docx": "docx",
}


class UploadRejected(Exception):
    """The message is Vietnamese, ready for the form."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # key of LABELS
    size: int
    extension: str


def sniff(head: bytes, file=None) -> str | None:
    """Type from magic bytes; OOXML (zip) is told apart by its members."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04") and file is not None:
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            file.seek(0)
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
    return None


def check_upload(
    upload: UploadedFile, *, allowed: set[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> CheckedUpload:
    if upload is None or upload.size == 0:
        raise UploadRejected(_("Tệp trống. Hãy chọn lại tệp."))
    if upload.size > max_bytes:
        raise UploadRejected(
            _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {
                "size": f"{upload.size / 2**20:.1f}".replace(".", ","),
                "max": f"{max_bytes / 2**20:g}".replace(".", ","),
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind not in allowed:
        accepted = ", ".join(LABELS[k] for k in sorted(allowed))
        raise UploadRejected(
            _("Loại tệp không được nhận (nội dung không phải %(accepted)s).")
            % {"accepted": accepted}
        )
    return CheckedUpload(kind=kind, size=upload.size, extension=EXTENSIONS[kind])
