from django.urls import path

from . import views, views_admin, views_delete

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    path("xuat/", views.petition_export, name="export"),
    path("them/", views.petition_create, name="create"),
    path("gui/", views.petition_submit, name="submit"),
    path("da-xoa/", views_delete.petition_deleted, name="deleted"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/xoa/", views_delete.petition_delete, name="delete"),
    path("<int:pk>/khoi-phuc/", views_delete.petition_restore, name="restore"),
    path("<int:pk>/sua/", views.petition_edit, name="edit"),
    path("<int:pk>/phieu-chuyen.pdf", views.petition_pdf, name="pdf"),
    path("<int:pk>/dinh-kem/", views.attachment_add, name="attach"),
    path("<int:pk>/dinh-kem/<int:att>/", views.attachment_download, name="attachment"),
    path("<int:pk>/chuyen/", views.petition_assign, name="assign"),
    path("<int:pk>/chuyen-tiep/", views.petition_transfer, name="transfer"),
    path("<int:pk>/nhan-xu-ly/", views.petition_start, name="start"),
    path("<int:pk>/tra-loi/", views.petition_answer, name="answer"),
    path("<int:pk>/ket-thuc/", views.petition_close, name="close"),
    path("<int:pk>/mo-lai/", views.petition_reopen, name="reopen"),
    path("<int:pk>/tach/", views.petition_split, name="split"),
    path("<int:pk>/gop/", views.petition_merge, name="merge"),
    path("<int:pk>/tach-cum/", views.petition_uncluster, name="uncluster"),
    path("cum/", views_admin.cluster_list, name="clusters"),
    path("cum/<int:pk>/", views_admin.cluster_detail, name="cluster"),
    path("bao-cao/", views_admin.report, name="report"),
    path("co-quan/", views_admin.agency_list, name="agencies"),
    path("co-quan/them/", views_admin.agency_create, name="agency_create"),
    path("co-quan/<int:pk>/", views_admin.agency_edit, name="agency_edit"),
]
