"""Pages of following: follow and unfollow buttons, and the follower's own page."""

from django.urls import path

from . import views_follows as views

urlpatterns = [
    path("follow/<int:organization_id>/", views.follow, name="follow"),
    path("unfollow/<int:organization_id>/", views.unfollow, name="unfollow"),
    path("following/", views.following, name="following"),
    path("following/messengers/", views.messenger_add, name="messenger-add"),
    path(
        "following/messengers/<int:account_id>/remove/",
        views.messenger_remove,
        name="messenger-remove",
    ),
]
