"""The quarterly guide's pages, under /news/guides/ (named ``publishing:guide-…``)."""

from django.urls import path

from hamafza.publishing import views_guides

urlpatterns = [
    path("guides/", views_guides.guide_list, name="guide-list"),
    path("guides/new/", views_guides.guide_create, name="guide-create"),
    path("guides/<int:pk>/", views_guides.guide_detail, name="guide-detail"),
    path("guides/<int:pk>/render/", views_guides.guide_render, name="guide-render"),
    path("guides/<int:pk>/approve/", views_guides.guide_approve, name="guide-approve"),
    path("guides/<int:pk>/publish/", views_guides.guide_publish, name="guide-publish"),
    path("guides/<int:pk>/delete/", views_guides.guide_delete, name="guide-delete"),
    path("guides/<int:pk>/pdf/", views_guides.guide_download, name="guide-download"),
]
