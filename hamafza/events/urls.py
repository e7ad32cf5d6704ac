from django.urls import path

from hamafza.events import urls_courses, urls_feeds, views

app_name = "events"

urlpatterns = [
    # Pages (views.py).
    path("", views.upcoming, name="upcoming"),
    path("export.<str:fmt>", views.upcoming_export, name="upcoming-export"),
    path("calendar/", views.calendar, name="calendar"),
    path("occasions/", views.occasions, name="occasions"),
    path("occasions/export.<str:fmt>", views.occasions_export, name="occasions-export"),
    path("occasions/<slug:slug>/", views.occasion_detail, name="occasion"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("series/<int:pk>/", views.series, name="series"),
    path("organization/<int:pk>/", views.organization, name="organization"),
    path(
        "organization/<int:pk>/export.<str:fmt>",
        views.organization_export,
        name="organization-export",
    ),
    *urls_courses.urlpatterns,
    *urls_feeds.urlpatterns,
]
