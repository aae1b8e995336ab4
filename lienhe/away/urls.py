from django.urls import path

from . import views, views_exemptions, views_fees, views_records, views_report

app_name = "away"
urlpatterns = [
    path("", views.away_list, name="list"),
    path("xuat/", views.away_export, name="export"),
    path("cua-toi/", views.away_mine, name="mine"),
    path("bao-cao-di/", views.away_file, name="file_mine"),
    path("bao-cao-di/dang-vien/<int:member_pk>/", views.away_file, name="file_for"),
    path("<int:pk>/", views.away_detail, name="detail"),
    path("<int:pk>/sua/", views.away_edit, name="edit"),
    path("<int:pk>/chi-bo-xem-xet/", views.away_consider, name="consider"),
    path("<int:pk>/dang-uy-duyet/", views.away_approve, name="approve"),
    path("<int:pk>/rut/", views.away_withdraw, name="withdraw"),
    path("<int:pk>/lien-lac/", views.away_contact, name="contact"),
    path("<int:pk>/tro-ve/", views.away_return, name="return"),
    path("<int:pk>/thong-bao.pdf", views.away_decision_pdf, name="decision_pdf"),
    path("<int:pk>/de-nghi-nhan-xet/", views.away_comment_request, name="comment_request"),
    path(
        "<int:pk>/de-nghi-nhan-xet/<int:year>.pdf", views.away_comment_letter, name="comment_letter"
    ),
    path("<int:pk>/nhan-xet/", views.away_comment_record, name="comment_record"),
    path("gui-tin/", views.away_broadcast, name="broadcast"),
    # temporary exemptions
    path("tam-mien/", views_records.exemption_list, name="exemptions"),
    path("tam-mien/xuat/", views_records.exemption_export, name="exemptions_export"),
    path(
        "tam-mien/dang-vien/<int:member_pk>/",
        views_records.exemption_create,
        name="exemption_create",
    ),
    path("tam-mien/<int:pk>/", views_records.exemption_detail, name="exemption"),
    path(
        "tam-mien/don/dang-vien/<int:member_pk>/",
        views_exemptions.application_create,
        name="exemption_apply",
    ),
    path(
        "tam-mien/don/<int:pk>/",
        views_exemptions.application_detail,
        name="exemption_application",
    ),
    path(
        "tam-mien/don/<int:pk>/de-nghi/",
        views_exemptions.application_propose,
        name="exemption_application_propose",
    ),
    path("tam-mien/<int:pk>/quyet-dinh.pdf", views_records.exemption_pdf, name="exemption_pdf"),
    path("tam-mien/<int:pk>/cham-dut/", views_records.exemption_revoke, name="exemption_revoke"),
    # transfers of party life
    path("chuyen-sinh-hoat/", views_records.transfer_list, name="transfers"),
    path("chuyen-sinh-hoat/xuat/", views_records.transfer_export, name="transfers_export"),
    path("chuyen-sinh-hoat/de-nghi/", views_records.transfer_create, name="transfer_mine"),
    path(
        "chuyen-sinh-hoat/dang-vien/<int:member_pk>/",
        views_records.transfer_create,
        name="transfer_create",
    ),
    path("chuyen-sinh-hoat/<int:pk>/", views_records.transfer_detail, name="transfer"),
    path("chuyen-sinh-hoat/<int:pk>/cap-giay/", views_records.transfer_send, name="transfer_send"),
    path(
        "chuyen-sinh-hoat/<int:pk>/tiep-nhan/",
        views_records.transfer_receive,
        name="transfer_receive",
    ),
    path(
        "chuyen-sinh-hoat/<int:pk>/tu-choi/", views_records.transfer_refuse, name="transfer_refuse"
    ),
    path("chuyen-sinh-hoat/<int:pk>/ket-thuc/", views_records.transfer_end, name="transfer_end"),
    path(
        "chuyen-sinh-hoat/<int:pk>/giay.pdf", views_records.transfer_letter, name="transfer_letter"
    ),
    # party fees
    path("dang-phi/", views_fees.fee_report, name="fees"),
    path("dang-phi/xuat/", views_fees.fee_report_export, name="fees_export"),
    path("dang-phi/no/", views_fees.fee_arrears, name="fee_arrears"),
    path("dang-phi/no/xuat/", views_fees.fee_arrears_export, name="fee_arrears_export"),
    path("dang-phi/bao-nop/", views_fees.fee_claims, name="fee_claims"),
    path("dang-phi/bao-nop/<int:pk>/", views_fees.fee_claim_decide, name="fee_claim_decide"),
    path("dang-phi/cua-toi/", views_fees.my_fees, name="my_fees"),
    path("dang-phi/dang-vien/<int:pk>/", views_fees.fee_member, name="fee_member"),
    path("dang-phi/dang-vien/<int:pk>/muc-dong/", views_fees.fee_profile, name="fee_profile"),
    path("dang-phi/khoan/<int:pk>/bien-lai.pdf", views_fees.fee_receipt, name="fee_receipt"),
    path("dang-phi/khoan/<int:pk>/dieu-chinh/", views_fees.fee_reverse, name="fee_reverse"),
    # supervision
    path("giam-sat/", views_report.report, name="report"),
    path("giam-sat/xuat/", views_report.report_export, name="report_export"),
    path("giam-sat/bao-cao.pdf", views_report.report_pdf, name="report_pdf"),
]
