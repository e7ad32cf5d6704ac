"""The demo news: built on the directory's demo organizations, in several languages, some
scheduled, one of the network; loading it twice adds nothing."""

import pytest
from django.utils import timezone

from hamafza.directory import demo as directory_demo
from hamafza.publishing import demo
from hamafza.publishing.models import Post
from hamafza.publishing.sanitize import html_clean


@pytest.fixture
def loaded(db):
    directory_demo.load()
    assert demo.load() == []
    return list(Post.objects.select_related("organization"))


def test_the_demo_loads_twice_without_duplicates(loaded):
    first = sorted(Post.objects.values_list("pk", "title", "language", "publish_at"))

    assert demo.load() == []

    assert sorted(Post.objects.values_list("pk", "title", "language", "publish_at")) == first
    assert 10 <= len(first) <= 20


def test_what_the_demo_holds(loaded):
    now = timezone.now()
    names = {post.organization.names.get("en") for post in loaded if post.organization}
    assert {"Hey'at Online Institute", "Ahl al-Bayt World Assembly"} <= names
    assert "Holy Shrine of Kadhimiya" in names
    assert {post.language for post in loaded} == {"fa", "ar", "en"}
    assert any(post.organization is None for post in loaded)
    assert sum(post.publish_at > now for post in loaded) >= 2
    assert Post.objects.filter(translation_of__isnull=False).count() >= 4
    for post in loaded:
        assert post.body == html_clean(post.body)
        if post.translation_of_id:
            assert post.translation_of.organization_id == post.organization_id


def test_the_demo_without_the_directory_leaves_out_what_it_cannot_place(db):
    demo.load()

    assert set(Post.objects.values_list("organization", flat=True)) == {None}
