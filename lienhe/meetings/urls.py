from django.urls import path

from . import views, views_attendance, views_decisions, views_delete, views_report

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("xuat/", views.meeting_export, name="export"),
    path("them/", views.meeting_create, name="create"),
    path("tao-lich-dinh-ky/", views.schedule_generate, name="schedule_generate"),
    path("bao-cao/", views_report.frequency_report, name="report"),
    path("bao-cao/xuat/", views_report.frequency_export, name="report_export"),
    path("bao-cao/pdf/", views_report.frequency_pdf, name="report_pdf"),
    path("diem-danh-qr/<str:token>/", views_attendance.checkin, name="checkin"),
    path("da-xoa/", views_delete.meeting_deleted, name="deleted"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/xoa/", views_delete.meeting_delete, name="delete"),
    path("<int:pk>/khoi-phuc/", views_delete.meeting_restore, name="restore"),
    path("<int:pk>/sua/", views.meeting_edit, name="edit"),
    path("<int:pk>/doi-lich/", views.meeting_move, name="move"),
    path("<int:pk>/huy/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/diem-danh/", views_attendance.roll_call, name="roll_call"),
    path("<int:pk>/diem-danh/cham/", views_attendance.roll_call_tap, name="roll_call_tap"),
    path("<int:pk>/diem-danh/chot/", views_attendance.roll_call_close, name="roll_call_close"),
    path(
        "<int:pk>/diem-danh/tat-ca-co-mat/",
        views_attendance.roll_call_all_present,
        name="roll_call_all_present",
    ),
    path("<int:pk>/diem-danh/mo-lai/", views_attendance.roll_call_reopen, name="roll_call_reopen"),
    path("<int:pk>/trieu-tap/", views_attendance.invitee_amend, name="invitee_amend"),
    path("<int:pk>/ma-qr/", views_attendance.checkin_qr, name="checkin_qr"),
    path("<int:pk>/dai-bieu/", views.guest_add, name="guest_add"),
    path("<int:pk>/dai-bieu/<int:guest_pk>/xoa/", views.guest_remove, name="guest_remove"),
    path("<int:pk>/bien-ban/", views.minutes_edit, name="minutes"),
    path("<int:pk>/bien-ban/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/kien-nghi/", views.issue_add, name="issue_add"),
    path("<int:pk>/danh-gia/<str:by>/", views.meeting_rate, name="rate"),
    path("<int:pk>/giao-viec/", views_decisions.decision_task, name="decision_task"),
]
