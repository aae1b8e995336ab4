"""URLs of the "today" pages (/hom-nay/…): the board's ranked red flags."""

from django.urls import path

from . import today

app_name = "today"
urlpatterns = [
    path("canh-bao/", today.red_flags, name="redflags"),
    path("canh-bao/xuat/", today.red_flags_export, name="redflags_export"),
]
