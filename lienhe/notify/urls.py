from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("da-doc/", views.mark_all_read, name="mark_all_read"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("gui-loi/", views.deliveries, name="deliveries"),
    path("gui-loi/<int:pk>/gui-lai/", views.retry_delivery, name="retry_delivery"),
]
