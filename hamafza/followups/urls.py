"""Follow-up pages, under /followups/."""

from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("overdue/", views.overdue, name="overdue"),
    path("export.<str:fmt>", views.followup_export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/evidence/<int:note_pk>/", views.evidence, name="evidence"),
]
