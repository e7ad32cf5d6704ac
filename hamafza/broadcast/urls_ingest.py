"""The ingest's callbacks, under /ingest/rtmp/ (see views_ingest)."""

from django.urls import path

from . import views_ingest

app_name = "ingest"
urlpatterns = [
    path("publish/", views_ingest.on_publish, name="publish"),
    path("publish-done/", views_ingest.on_publish_done, name="publish-done"),
    path("record-done/", views_ingest.on_record_done, name="record-done"),
    path("probe/", views_ingest.on_probe, name="probe"),
]
