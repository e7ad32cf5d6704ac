"""Pages of publishing: news and its feeds, following and messengers, the quarterly guide."""

from hamafza.publishing.urls_follows import urlpatterns as follows_urls
from hamafza.publishing.urls_guides import urlpatterns as guides_urls
from hamafza.publishing.urls_posts import urlpatterns as posts_urls

app_name = "publishing"
urlpatterns = [*posts_urls, *follows_urls, *guides_urls]
