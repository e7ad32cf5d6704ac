from django.urls import path  # noqa: F401

from hamafza.events import urls_courses, urls_feeds

app_name = "events"

urlpatterns = [
    # Pages (views.py).
    *urls_courses.urlpatterns,
    *urls_feeds.urlpatterns,
]
