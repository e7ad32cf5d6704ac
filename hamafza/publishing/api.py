"""The publishing API: posts, follows and messenger accounts, guides."""

from hamafza.publishing import api_follows, api_guides, api_posts


def register(router) -> None:
    api_posts.register(router)
    api_follows.register(router)
    api_guides.register(router)
