from django.urls import path

from . import views

app_name = "liaison"
urlpatterns = [
    path("", views.letter_list, name="list"),
    path("xuat/", views.letter_export, name="export"),
    path("cap-giay/", views.issue, name="issue"),
    path("in/", views.batch_pdf, name="batch_pdf"),
    path("giay-den/", views.inbox, name="inbox"),
    path("cua-toi/", views.mine, name="mine"),
    path("chi-bo/<int:pk>/to/", views.groups, name="groups"),
    path("mien-gioi-thieu/<int:member_pk>/", views.exempt_member, name="exempt_member"),
    path("viec/<int:pk>/", views.task_result, name="task_result"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/in/", views.letter_pdf, name="pdf"),
    path("<int:pk>/cap-so/", views.issue_draft, name="issue_draft"),
    path("<int:pk>/nop-giay/", views.handin, name="handin"),
    path("<int:pk>/tiep-nhan/", views.accept, name="accept"),
    path("<int:pk>/xep-to/", views.place, name="place"),
    path("<int:pk>/ket-thuc/", views.close, name="close"),
    path("<int:pk>/mien/", views.exempt, name="exempt"),
    path("<int:pk>/chuyen-noi-cu-tru/", views.move, name="move"),
    path("<int:pk>/giao-viec/", views.task_add, name="task_add"),
    path("<int:pk>/trao-doi/", views.message, name="message"),
]
