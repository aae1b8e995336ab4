"""Every kind of paper the modules print, registered in one place for the layout test
(`tests/documents/test_papers.py`) and the pictures in `docs/documents.md`."""

from __future__ import annotations

from .papers import PaperKind, register

KINDS = [
    PaperKind(
        "giay-gioi-thieu",
        "Giấy giới thiệu (nơi công tác → nơi cư trú)",
        "liaison/letter_pdf.html",
        "GGT",
    ),
    PaperKind("bien-ban-sinh-hoat", "Biên bản sinh hoạt chi bộ", "meetings/minutes_pdf.html", "BB"),
    PaperKind(
        "bao-cao-tan-suat-sinh-hoat",
        "Báo cáo tình hình sinh hoạt chi bộ",
        "meetings/report_pdf.html",
        "BC",
    ),
    PaperKind("phieu-nhan-xet", "Phiếu nhận xét đảng viên", "reviews/comment_pdf.html", "NX"),
    PaperKind(
        "bao-cao-thong-ke",
        "Báo cáo thống kê (tham gia nơi cư trú, kiến nghị, nhận xét, định kỳ)",
        "reports/report_pdf.html",
        "BC",
    ),
    PaperKind("phieu-chuyen-kien-nghi", "Phiếu chuyển kiến nghị", "petitions/slip_pdf.html", "PC"),
    PaperKind(
        "ke-hoach-du-sinh-hoat", "Kế hoạch dự sinh hoạt chi bộ", "visits/plan_pdf.html", "KH"
    ),
    PaperKind(
        "bao-cao-du-sinh-hoat",
        "Báo cáo kết quả dự sinh hoạt (cá nhân)",
        "visits/report_pdf.html",
        "BC",
    ),
    PaperKind(
        "bao-cao-ket-qua-du-sinh-hoat",
        "Báo cáo kết quả cấp ủy viên dự sinh hoạt",
        "visits/compliance_pdf.html",
        "BC",
    ),
    PaperKind(
        "thong-bao-di-lam-an-xa",
        "Thông báo đồng ý đảng viên đi làm ăn xa",
        "away/pdf/decision.html",
        "TB",
    ),
    PaperKind(
        "de-nghi-nhan-xet",
        "Công văn đề nghị nơi đến nhận xét",
        "away/pdf/comment_request.html",
        "CV",
    ),
    PaperKind(
        "quyet-dinh-tam-mien", "Quyết định tạm miễn sinh hoạt đảng", "away/pdf/exemption.html", "QĐ"
    ),
    PaperKind(
        "gioi-thieu-sinh-hoat-dang",
        "Giấy giới thiệu sinh hoạt đảng",
        "away/pdf/transfer.html",
        "GGT",
    ),
    PaperKind("bien-lai-dang-phi", "Biên lai thu đảng phí", "away/pdf/receipt.html", "BL"),
    PaperKind(
        "bao-cao-di-lam-an-xa",
        "Báo cáo quản lý đảng viên đi làm ăn xa",
        "away/pdf/report.html",
        "BC",
    ),
]

for _kind in KINDS:
    register(_kind)
