from django.urls import path

from . import views, views_full_export, views_import

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("xuat/", views.member_export, name="export"),
    path("them/", views.member_create, name="create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    # import from Excel/CSV and full export (issue 9)
    path("nhap/", views_import.import_start, name="import"),
    path("nhap/mau.xlsx", views_import.import_template, name="import_template"),
    path("nhap/<int:pk>/", views_import.import_job, name="import_job"),
    path("nhap/<int:pk>/tien-do/", views_import.import_progress, name="import_progress"),
    path("xuat-toan-bo/", views_full_export.full_export, name="full_export"),
]
