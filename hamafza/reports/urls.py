"""Pages of reports: the network dashboard, an organization's statistics, bulk import."""

from hamafza.reports.urls_dashboard import urlpatterns as dashboard_urls
from hamafza.reports.urls_imports import urlpatterns as imports_urls

app_name = "reports"
urlpatterns = [*dashboard_urls, *imports_urls]
