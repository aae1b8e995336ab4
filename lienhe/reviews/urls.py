from django.urls import path

from . import report_views, review_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.comment_list, name="list"),
    path("xuat/", views.comment_export, name="export"),
    path("cua-toi/", views.mine, name="mine"),
    path("yeu-cau/<int:pk>/", views.request_for_org, name="request_for_org"),
    path("<int:pk>/", views.comment_detail, name="comment_detail"),
    path("<int:pk>/soan/", views.comment_edit, name="comment_edit"),
    path("<int:pk>/dinh-chinh/", views.comment_correct, name="comment_correct"),
    path("<int:pk>/pdf/", views.comment_pdf, name="comment_pdf"),
    path("danh-gia/", review_views.review_list, name="review_list"),
    path("danh-gia/<int:member_pk>/<int:year>/", review_views.review_edit, name="review_edit"),
    path("bao-cao/", report_views.report, name="report"),
]
