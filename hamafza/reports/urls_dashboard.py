from django.urls import path

from hamafza.reports import views_dashboard

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("export.<str:fmt>", views_dashboard.dashboard_export, name="dashboard-export"),
    path(
        "organization/<int:organization_id>/",
        views_dashboard.organization,
        name="organization",
    ),
    path(
        "organization/<int:organization_id>/export.<str:fmt>",
        views_dashboard.organization_export,
        name="organization-export",
    ),
]
