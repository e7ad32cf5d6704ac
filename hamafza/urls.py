from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from hamafza.api import router
from hamafza.broadcast import views as broadcast_views
from hamafza.core import views as core_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="directory:list", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("preferences/calendar/", core_views.calendar_set, name="calendar-set"),
    path("accounts/", include("hamafza.accounts.urls")),
    path("directory/", include("hamafza.directory.urls")),
    path("broadcast/", include("hamafza.broadcast.urls")),
    path("agreements/", include("hamafza.agreements.urls")),
    path("followups/", include("hamafza.followups.urls")),
    path("events/", include("hamafza.events.urls")),
    path("fieldops/", include("hamafza.fieldops.urls")),
    path("news/", include("hamafza.publishing.urls")),
    path("reports/", include("hamafza.reports.urls")),
    path("oembed", broadcast_views.oembed, name="oembed"),
    path("ingest/rtmp/", include("hamafza.broadcast.urls_ingest")),
    path("admin/", admin.site.urls),
    path("api/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
