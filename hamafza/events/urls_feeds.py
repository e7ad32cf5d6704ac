"""iCalendar feeds (``feeds.py``), mounted with the events pages under the ``events`` namespace."""

from django.urls import path

from hamafza.events import feeds

urlpatterns = [
    path("feeds/network.ics", feeds.network, name="feed-network"),
    path("feeds/organization/<int:pk>.ics", feeds.organization, name="feed-organization"),
    path("feeds/country/<str:code>.ics", feeds.country, name="feed-country"),
    path("feeds/occasions/<str:region>.ics", feeds.occasions, name="feed-occasions"),
    path("<int:pk>.ics", feeds.event, name="feed-event"),
]
