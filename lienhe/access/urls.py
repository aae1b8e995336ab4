from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("cua-toi/", views.profile, name="profile"),
    path("xac-thuc/", views.two_factor, name="two_factor"),
    path("xac-thuc/cai-dat/", views.two_factor_setup, name="two_factor_setup"),
    path("xac-thuc/ma-du-phong/", views.two_factor_codes, name="two_factor_codes"),
    path("xac-thuc/tat/", views.two_factor_disable, name="two_factor_disable"),
    path("dang-xuat-moi-noi/", views.logout_everywhere, name="logout_everywhere"),
]
