from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("xuat/<int:pk>/", views.export_job, name="export_job"),
    path("xuat/<int:pk>/tai/", views.export_download, name="export_download"),
]
