"""News pages and feeds, under /news/ (the app's ``urls`` names them ``publishing:``)."""

from django.urls import path

from hamafza.publishing import feeds_posts, views_posts

urlpatterns = [
    path("", views_posts.post_list, name="post-list"),
    path("new/", views_posts.post_create, name="post-create"),
    path("drafts/", views_posts.drafts, name="drafts"),
    path("export/<str:format>/", views_posts.post_export, name="post-export"),
    path("feed/rss/", feeds_posts.PostsFeed(), name="feed-rss"),
    path("feed/atom/", feeds_posts.PostsAtom(), name="feed-atom"),
    path("<int:pk>/", views_posts.post_detail, name="post-detail"),
    path("<int:pk>/edit/", views_posts.post_edit, name="post-edit"),
    path("<int:pk>/delete/", views_posts.post_delete, name="post-delete"),
    path(
        "organization/<int:organization_id>/",
        views_posts.organization_posts,
        name="organization-posts",
    ),
    path(
        "organization/<int:organization_id>/feed/rss/",
        feeds_posts.OrganizationPostsFeed(),
        name="organization-feed-rss",
    ),
    path(
        "organization/<int:organization_id>/feed/atom/",
        feeds_posts.OrganizationPostsAtom(),
        name="organization-feed-atom",
    ),
    path("country/<str:code>/", views_posts.country_posts, name="country-posts"),
    path("country/<str:code>/feed/rss/", feeds_posts.CountryPostsFeed(), name="country-feed-rss"),
    path("country/<str:code>/feed/atom/", feeds_posts.CountryPostsAtom(), name="country-feed-atom"),
]
