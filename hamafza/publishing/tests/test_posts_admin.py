"""The coordinators' admin of posts: it reads, and its actions go through the services."""

import pytest
from django.urls import reverse

from hamafza.publishing.models import Post
from hamafza.publishing.tests.factories import PostFactory


@pytest.fixture
def admin_client(client, post_actors):
    coordinator = post_actors["coordinator"]
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client.force_login(coordinator)
    return client


def test_the_list_and_a_post(admin_client, post_org):
    post = PostFactory(organization=post_org)

    assert admin_client.get(reverse("admin:publishing_post_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:publishing_post_change", args=[post.pk])).status_code == 200
    )


def test_withdraw_makes_drafts(admin_client, post_org):
    post = PostFactory(organization=post_org)

    admin_client.post(
        reverse("admin:publishing_post_changelist"),
        {"action": "posts_withdraw", "_selected_action": [post.pk]},
    )

    post.refresh_from_db()
    assert post.publish_at is None


def test_delete_takes_the_translations(admin_client, post_org):
    original = PostFactory(organization=post_org)
    translation = PostFactory(organization=post_org, language="ar", translation_of=original)

    admin_client.post(
        reverse("admin:publishing_post_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [original.pk, translation.pk],
            "post": "yes",
        },
    )

    assert not Post.objects.exists()
