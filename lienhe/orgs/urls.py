from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("chon/", views.pick, name="pick"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/them/", views.create_child, name="create_child"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/chuyen/", views.move, name="move"),
    path("<int:pk>/hop-nhat/", views.merge, name="merge"),
    path("<int:pk>/giai-the/", views.dissolve, name="dissolve"),
    path("<int:pk>/quy-dinh/", views.policy, name="policy"),
]
