from django.urls import include, path

from . import views
from .v1 import api

app_name = "api"
urlpatterns = [
    # ninja patterns without their own namespace, so its names live in "api:" and
    # ninja's reverse("api:openapi-json") resolves.
    path("v1/", include(api.urls[0])),
    path("v1/docs/tep/<str:name>", views.docs_asset, name="docs_asset"),
    path("khoa/", views.token_list, name="tokens"),
    path("khoa/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
