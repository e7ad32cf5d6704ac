"""The quarterly guide's pages: the public list and downloads, the committee's drafts, every
button refused to anyone but the committee, and bad input answered on the form."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.publishing import services_guides
from hamafza.publishing.models import Guide, GuideStatus
from hamafza.publishing.tests.factories import GuideFactory

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% guide\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fast_pdf(monkeypatch):
    """WeasyPrint's own tests draw real PDFs; here a few bytes stand for one."""
    monkeypatch.setattr(
        services_guides,
        "guide_pdf",
        lambda *, guide, final=False: FAKE_PDF + (b"final" if final else b"proof"),
    )


@pytest.fixture
def people(db):
    """Anonymous (no user), an organization's editor who is not on the committee, and a
    coordinator."""
    organization = OrganizationFactory()
    return {
        "anonymous": None,
        "editor": user_with_role(organization, Role.EDITOR, username="guides_editor"),
        "coordinator": UserFactory(username="guides_coordinator", is_coordinator=True),
    }


@pytest.fixture
def as_(client, people):
    def sign_in(who):
        client.logout()
        if people[who] is not None:
            client.force_login(people[who])
        return client

    return sign_in


def with_pdf(guide: Guide, content: bytes = FAKE_PDF) -> Guide:
    guide.pdf.save(f"file-{guide.pk}.pdf", ContentFile(content), save=False)
    guide.rendered_at = timezone.now()
    guide.save()
    return guide


def published(**values) -> Guide:
    guide = GuideFactory(status=GuideStatus.PUBLISHED, published_at=timezone.now(), **values)
    return with_pdf(guide)


# --- the list ---------------------------------------------------------------------------------


def test_everyone_sees_the_published_guides_with_their_pdf(as_):
    guide = published(introduction="")
    draft = with_pdf(GuideFactory(quarter=2))
    response = as_("anonymous").get(reverse("publishing:guide-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-guide="{guide.pk}"' in html
    assert reverse("publishing:guide-download", args=[guide.pk]) in html
    assert f'data-guide="{draft.pk}"' not in html
    # The publication date is shown in the visitor's calendar, with the others in its title
    assert "<time datetime=" in html
    assert 'id="guide-create"' not in html


def test_the_committee_also_sees_drafts_and_may_make_a_guide(as_):
    draft = GuideFactory(quarter=2)
    response = as_("coordinator").get(reverse("publishing:guide-list"))
    html = response.content.decode()
    assert f'data-guide="{draft.pk}"' in html
    assert 'id="guide-create"' in html


def test_an_editor_who_is_not_on_the_committee_sees_only_published_guides(as_):
    draft = GuideFactory(quarter=2)
    html = as_("editor").get(reverse("publishing:guide-list")).content.decode()
    assert f'data-guide="{draft.pk}"' not in html
    assert 'id="guide-create"' not in html


def test_the_list_s_queries_do_not_grow_with_the_guides(as_):
    client = as_("coordinator")
    for quarter in (1, 2):
        published(quarter=quarter)
    client.get(reverse("publishing:guide-list"))  # the calendars' tables, read once a process
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("publishing:guide-list"))
    for year in (1401, 1402, 1403):
        for quarter in (1, 2, 3, 4):
            published(year=year, quarter=quarter)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("publishing:guide-list"))
    assert response.content.decode().count("data-guide=") == 14
    assert len(many.captured_queries) == len(few.captured_queries)


# --- create -----------------------------------------------------------------------------------


def test_a_coordinator_makes_a_guide_from_the_form(as_):
    client = as_("coordinator")
    form = client.get(reverse("publishing:guide-create"))
    assert form.status_code == 200
    response = client.post(
        reverse("publishing:guide-create"),
        {"calendar": "solar", "year": "۱۴۰۴", "quarter": "1", "language": "fa"},
    )
    guide = Guide.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:guide-detail", args=[guide.pk])
    assert (guide.year, guide.quarter, guide.starts_on) == (1404, 1, datetime.date(2025, 3, 21))


def test_a_duplicate_guide_is_refused_on_the_form_in_the_visitor_s_language(as_):
    GuideFactory()
    client = as_("coordinator")
    client.cookies["hamafza_language"] = "en"
    response = client.post(
        reverse("publishing:guide-create"),
        {"calendar": "solar", "year": "1404", "quarter": "1", "language": "fa"},
    )
    assert response.status_code == 400
    assert "There is already a guide for this quarter in this language." in (
        response.content.decode()
    )
    assert Guide.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"calendar": "lunar", "year": "1404", "quarter": "1", "language": "fa"},
        {"calendar": "solar", "year": "year", "quarter": "1", "language": "fa"},
        {"calendar": "solar", "year": "99999", "quarter": "1", "language": "fa"},
        {"calendar": "solar", "year": "1404", "quarter": "9", "language": "fa"},
        {"calendar": "solar", "year": "1404", "quarter": "1", "language": "xx"},
        {"calendar": "gregorian", "year": "1404", "quarter": "1", "language": "en"},
    ],
)
def test_bad_input_on_the_form_is_a_400_and_nothing_is_made(as_, data):
    response = as_("coordinator").post(reverse("publishing:guide-create"), data)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Guide.objects.exists()


def test_only_the_committee_makes_guides(as_):
    data = {"calendar": "solar", "year": "1404", "quarter": "1", "language": "fa"}
    anonymous = as_("anonymous").post(reverse("publishing:guide-create"), data)
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    assert as_("editor").post(reverse("publishing:guide-create"), data).status_code == 403
    assert as_("editor").get(reverse("publishing:guide-create")).status_code == 403
    assert not Guide.objects.exists()


# --- the detail page and its buttons ----------------------------------------------------------


def test_a_published_guide_s_page_is_public_and_a_draft_s_is_not(as_):
    guide = published()
    draft = GuideFactory(quarter=2)
    page = as_("anonymous").get(reverse("publishing:guide-detail", args=[guide.pk]))
    assert page.status_code == 200
    assert 'id="guide-download"' in page.content.decode()
    assert 'id="guide-introduction"' not in page.content.decode()
    for who in ("anonymous", "editor"):
        response = as_(who).get(reverse("publishing:guide-detail", args=[draft.pk]))
        assert response.status_code == 404
    assert as_("anonymous").get("/news/guides/99999999/").status_code == 404


def test_the_committee_writes_the_introduction_on_the_page(as_):
    guide = GuideFactory(introduction="")
    client = as_("coordinator")
    page = client.get(reverse("publishing:guide-detail", args=[guide.pk]))
    assert 'id="guide-introduction"' in page.content.decode()
    response = client.post(
        reverse("publishing:guide-detail", args=[guide.pk]),
        {"introduction": "بسم الله\r\n\r\nسخن کمیته"},
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.introduction == "بسم الله\n\nسخن کمیته"


def test_an_introduction_too_long_is_refused_on_the_form(as_):
    guide = GuideFactory(introduction="")
    response = as_("coordinator").post(
        reverse("publishing:guide-detail", args=[guide.pk]), {"introduction": "ا" * 20_001}
    )
    assert response.status_code == 400
    guide.refresh_from_db()
    assert guide.introduction == ""


def test_others_may_not_write_the_introduction(as_):
    guide = GuideFactory(introduction="")
    url = reverse("publishing:guide-detail", args=[guide.pk])
    anonymous = as_("anonymous").post(url, {"introduction": "نفوذ"})
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    assert as_("editor").post(url, {"introduction": "نفوذ"}).status_code == 403
    guide.refresh_from_db()
    assert guide.introduction == ""


def test_the_committee_renders_approves_and_publishes(
    as_, fast_pdf, django_capture_on_commit_callbacks
):
    guide = GuideFactory()
    client = as_("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publishing:guide-render", args=[guide.pk]))
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.rendered_at is not None
    page = client.get(reverse("publishing:guide-detail", args=[guide.pk])).content.decode()
    assert 'id="guide-approve"' in page and 'id="guide-publish"' not in page
    proof = client.get(reverse("publishing:guide-download", args=[guide.pk]))
    assert proof.status_code == 200
    assert b"".join(proof.streaming_content) == FAKE_PDF + b"proof"
    assert "-proof.pdf" in proof["Content-Disposition"]
    client.post(reverse("publishing:guide-approve", args=[guide.pk]))
    guide.refresh_from_db()
    assert guide.status == GuideStatus.APPROVED
    page = client.get(reverse("publishing:guide-detail", args=[guide.pk])).content.decode()
    assert 'id="guide-publish"' in page and 'id="guide-approve"' not in page
    assert 'id="guide-delete"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("publishing:guide-publish", args=[guide.pk]))
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED
    # And now anyone downloads it
    download = as_("anonymous").get(reverse("publishing:guide-download", args=[guide.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="hamafza-guide-solar-1404-q1-fa.pdf"'
    )
    assert b"".join(download.streaming_content) == FAKE_PDF + b"final"


def test_publishing_a_draft_is_refused_with_a_message(as_, fast_pdf):
    guide = with_pdf(GuideFactory())
    client = as_("coordinator")
    client.cookies["hamafza_language"] = "en"
    response = client.post(reverse("publishing:guide-publish", args=[guide.pk]), follow=True)
    assert response.status_code == 200
    guide.refresh_from_db()
    assert guide.status == GuideStatus.DRAFT
    assert "Only an approved guide can be published." in response.content.decode()


def test_editing_a_published_guide_is_refused(as_):
    guide = published()
    response = as_("coordinator").post(
        reverse("publishing:guide-detail", args=[guide.pk]), {"introduction": "تغییر"}
    )
    assert response.status_code == 400
    guide.refresh_from_db()
    assert guide.introduction != "تغییر"


@pytest.mark.parametrize("step", ["render", "approve", "publish", "delete"])
def test_no_one_but_the_committee_presses_a_button(as_, fast_pdf, step):
    draft = with_pdf(GuideFactory())
    approved = with_pdf(GuideFactory(quarter=2, status=GuideStatus.APPROVED))
    public = published(quarter=3)
    for guide in (draft, approved, public):
        url = reverse(f"publishing:guide-{step}", args=[guide.pk])
        anonymous = as_("anonymous").post(url)
        assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
        assert as_("editor").post(url).status_code == 403
    states = {
        guide.pk: (guide.status, guide.pdf.name, guide.rendered_at) for guide in Guide.objects.all()
    }
    assert states == {
        guide.pk: (guide.status, guide.pdf.name, guide.rendered_at)
        for guide in (draft, approved, public)
    }


def test_the_committee_deletes_a_draft(as_, django_capture_on_commit_callbacks):
    guide = with_pdf(GuideFactory())
    storage, name = guide.pdf.storage, guide.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        response = as_("coordinator").post(reverse("publishing:guide-delete", args=[guide.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:guide-list")
    assert not Guide.objects.exists()
    assert not storage.exists(name)


def test_buttons_answer_get_with_405_and_junk_ids_with_404(as_):
    guide = GuideFactory()
    client = as_("coordinator")
    assert client.get(reverse("publishing:guide-render", args=[guide.pk])).status_code == 405
    assert client.post("/news/guides/99999999/render/").status_code == 404
    assert client.get("/news/guides/99999999999999999999999/pdf/").status_code == 404


# --- downloads --------------------------------------------------------------------------------


def test_the_proof_of_an_unpublished_guide_is_refused_to_the_public(as_):
    draft = with_pdf(GuideFactory())
    approved = with_pdf(GuideFactory(quarter=2, status=GuideStatus.APPROVED))
    for guide in (draft, approved):
        url = reverse("publishing:guide-download", args=[guide.pk])
        assert as_("anonymous").get(url).status_code == 404
        assert as_("editor").get(url).status_code == 404
        response = as_("coordinator").get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_a_guide_without_a_pdf_has_nothing_to_download(as_):
    guide = GuideFactory()
    assert (
        as_("coordinator").get(reverse("publishing:guide-download", args=[guide.pk])).status_code
        == 404
    )
