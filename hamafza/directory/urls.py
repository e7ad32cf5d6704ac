from django.urls import path

from hamafza.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("export.<str:fmt>", views.organization_export, name="export"),
    path("new/", views.organization_create, name="create"),
    path("suggest/", views.organization_suggest, name="suggest"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/relations/", views.organization_relations, name="relations"),
    path(
        "<int:pk>/relations/<int:relation_pk>/delete/",
        views.relation_delete,
        name="relation-delete",
    ),
    path("<int:pk>/members/", views.organization_members, name="members"),
    path(
        "<int:pk>/members/<int:membership_pk>/",
        views.membership_change,
        name="membership-change",
    ),
]
