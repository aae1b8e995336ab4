from django.urls import path

from . import views, views_groups, views_issue, views_letter, views_member

app_name = "liaison"
urlpatterns = [
    path("", views.letter_list, name="list"),
    path("xuat/", views.letter_export, name="export"),
    path("cap-giay/", views_issue.issue, name="issue"),
    path("in/", views_issue.batch_pdf, name="batch_pdf"),
    path("giay-den/", views.inbox, name="inbox"),
    path("cua-toi/", views_member.mine, name="mine"),
    path("chi-bo/<int:pk>/to/", views_groups.groups, name="groups"),
    path("mien-gioi-thieu/<int:member_pk>/", views_issue.exempt_member, name="exempt_member"),
    path("viec/<int:pk>/", views_letter.task_result, name="task_result"),
    path("<int:pk>/", views_letter.detail, name="detail"),
    path("<int:pk>/in/", views_issue.letter_pdf, name="pdf"),
    path("<int:pk>/cap-so/", views_letter.issue_draft, name="issue_draft"),
    path("<int:pk>/nop-giay/", views_letter.handin, name="handin"),
    path("<int:pk>/tiep-nhan/", views_letter.accept, name="accept"),
    path("<int:pk>/xep-to/", views_letter.place, name="place"),
    path("<int:pk>/ket-thuc/", views_letter.close, name="close"),
    path("<int:pk>/mien/", views_letter.exempt, name="exempt"),
    path("<int:pk>/chuyen-noi-cu-tru/", views_letter.move, name="move"),
    path("<int:pk>/giao-viec/", views_letter.task_add, name="task_add"),
    path("<int:pk>/trao-doi/", views_letter.message, name="message"),
]
