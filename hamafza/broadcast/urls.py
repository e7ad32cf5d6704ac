"""Broadcasting pages, under /broadcast/ (the oEmbed endpoint is /oembed, in hamafza/urls.py)."""

from django.urls import path

from . import views

app_name = "broadcast"
urlpatterns = [
    path("", views.live_now, name="live"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("archive/", views.archive, name="archive"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
    path("channels/new/", views.channel_create, name="channel-create"),
    path("channels/<int:pk>/", views.channel_detail, name="channel"),
    path("channels/<int:pk>/edit/", views.channel_edit, name="channel-edit"),
    path("channels/<int:pk>/schedule/", views.broadcast_create, name="broadcast-create"),
    path("channels/<int:pk>/keys/", views.key_create, name="key-create"),
    path("channels/<int:pk>/keys/<int:key_pk>/rotate/", views.key_rotate, name="key-rotate"),
    path("channels/<int:pk>/keys/<int:key_pk>/revoke/", views.key_revoke, name="key-revoke"),
    path("<int:pk>/", views.player, name="player"),
    path("<int:pk>/edit/", views.broadcast_edit, name="broadcast-edit"),
    path("<int:pk>/cancel/", views.broadcast_cancel, name="broadcast-cancel"),
    path("<int:pk>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("<int:pk>/play/", views.archive_play, name="play"),
    path("embed/<int:pk>/", views.embed, name="embed"),
    path("embed/broadcast/<int:pk>/", views.embed_broadcast, name="embed-broadcast"),
]
