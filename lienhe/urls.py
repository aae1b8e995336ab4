from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lienhe.access import views as access_views
from lienhe.reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("healthz", report_views.healthz, name="healthz"),
    path("favicon.ico", report_views.favicon, name="favicon"),
    path("tai-khoan/", include("lienhe.access.urls")),
    path("to-chuc/", include("lienhe.orgs.urls")),
    path("dang-vien/", include("lienhe.members.urls")),
    path("lien-he/", include("lienhe.liaison.urls")),
    path("sinh-hoat/", include("lienhe.meetings.urls")),
    path("du-sinh-hoat/", include("lienhe.visits.urls")),
    path("kien-nghi/", include("lienhe.petitions.urls")),
    path("di-lam-an-xa/", include("lienhe.away.urls")),
    path("nhan-xet/", include("lienhe.reviews.urls")),
    path("thong-bao/", include("lienhe.notify.urls")),
    path("van-ban/", include("lienhe.documents.urls")),
    path("bao-cao/", include("lienhe.reports.urls")),
    path("hom-nay/", include("lienhe.reports.today_urls")),
    path("api/", include("lienhe.api.urls")),
    path("quan-tri/", admin.site.urls),
]
if settings.OIDC_ENABLED:  # province single sign-on, docs/sso.md
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = access_views.forbidden
