from django.urls import path

from . import periodic_views, report_views

app_name = "reports"
urlpatterns = [
    path("dinh-ky/", periodic_views.periodic, name="periodic"),
    path("dinh-ky/<int:pk>/", periodic_views.periodic_run, name="periodic_run"),
    path("tham-gia-noi-cu-tru/", report_views.participation, name="participation"),
    path(
        "tham-gia-noi-cu-tru/xuat/", report_views.participation_export, name="participation_export"
    ),
    path("tham-gia-noi-cu-tru/pdf/", report_views.participation_pdf, name="participation_pdf"),
]
