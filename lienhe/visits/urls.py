from django.urls import path

from . import views, views_register

app_name = "visits"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("lich/<str:token>.ics", views.ical, name="ical"),
    path("ke-hoach/", views.plan, name="plan"),
    path("ke-hoach/xuat/", views.plan_export, name="plan_export"),
    path("ke-hoach/pdf/", views.plan_pdf, name="plan_pdf"),
    path("luot/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("luot/<int:pk>/khong-du/", views.visit_missed, name="visit_missed"),
    path("luot/<int:pk>/doi-ngay/", views.visit_move, name="visit_move"),
    path("luot/<int:pk>/bao-cao/", views.report, name="report"),
    path("luot/<int:pk>/bao-cao.pdf", views.report_pdf, name="report_pdf"),
    path("cap-uy/", views_register.committees, name="committees"),
    path("cap-uy/them/", views_register.committee_create, name="committee_create"),
    path("cap-uy/<int:pk>/", views_register.committee_detail, name="committee_detail"),
    path("cap-uy/<int:pk>/xuat/", views_register.committee_export, name="committee_export"),
    path("cap-uy/<int:pk>/them-uy-vien/", views_register.member_create, name="member_create"),
    path("cap-uy/<int:pk>/phan-cong/", views_register.assignments, name="assignments"),
    path("cap-uy/<int:pk>/tro-ly/", views_register.assistant_view, name="assistant"),
    path("cap-uy/<int:pk>/them-luot/", views.visit_create, name="visit_create"),
    path("uy-vien/<int:pk>/", views_register.member_detail, name="member_detail"),
    path("uy-vien/<int:pk>/sua/", views_register.member_edit, name="member_edit"),
    path("phan-cong/<int:pk>/bo/", views_register.assignment_delete, name="assignment_delete"),
    path("ket-qua/", views_register.compliance_view, name="compliance"),
    path("ket-qua/xuat/", views_register.compliance_export, name="compliance_export"),
    path("ket-qua/pdf/", views_register.compliance_pdf, name="compliance_pdf"),
]
