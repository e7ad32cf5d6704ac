from django.urls import path

from hamafza.events import urls_courses, urls_feeds, views

app_name = "events"

urlpatterns = [
    # Pages (views.py).
    path("", views.upcoming, name="upcoming"),
    path("calendar/", views.calendar, name="calendar"),
    path("occasions/", views.occasions, name="occasions"),
    path("occasions/<slug:slug>/", views.occasion_detail, name="occasion"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("series/<int:pk>/", views.series, name="series"),
    path("organization/<int:pk>/", views.organization, name="organization"),
    *urls_courses.urlpatterns,
    *urls_feeds.urlpatterns,
]
