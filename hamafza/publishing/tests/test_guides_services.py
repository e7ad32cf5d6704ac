"""The guide's editorial workflow: draft → proof → approved → published, with its refusals
(who may act, what state allows it) and rendering failures recorded, not hidden."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from hamafza.core.permissions import SYSTEM
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.publishing import services_guides
from hamafza.publishing.models import Guide, GuideStatus
from hamafza.publishing.services_guides import (
    guide_approve,
    guide_create,
    guide_delete,
    guide_publish,
    guide_publish_enqueue,
    guide_render,
    guide_render_enqueue,
    guide_update,
)
from hamafza.publishing.tests.factories import GuideFactory

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a proof\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fast_pdf(monkeypatch):
    """Rendering stands in for WeasyPrint (its own tests draw real PDFs): what it was asked
    to draw is recorded."""
    calls = []

    def fake(*, guide, final=False):
        calls.append({"introduction": guide.introduction, "final": final})
        return FAKE_PDF + (b"final" if final else b"proof")

    monkeypatch.setattr(services_guides, "guide_pdf", fake)
    return calls


@pytest.fixture
def committee(db):
    return UserFactory(username="guide_coordinator", is_coordinator=True)


@pytest.fixture
def outsiders(db):
    """Who may not edit guides: anonymous, an organization's editor and its owner."""
    organization = OrganizationFactory()
    return {
        "anonymous": AnonymousUser(),
        "editor": user_with_role(organization, Role.EDITOR, username="guide_editor"),
        "owner": user_with_role(organization, Role.OWNER, username="guide_owner"),
    }


def english(callable_, *args, **kwargs):
    with translation.override("en"):
        return callable_(*args, **kwargs)


# --- create -----------------------------------------------------------------------------------


def test_a_coordinator_makes_a_draft_with_the_quarter_s_days(committee):
    guide = guide_create(actor=committee, calendar="solar", year=1404, quarter=1, language="fa")
    assert guide.status == GuideStatus.DRAFT
    assert (guide.starts_on, guide.ends_on) == (
        datetime.date(2025, 3, 21),
        datetime.date(2025, 6, 21),
    )
    assert guide.created_by == committee
    assert not guide.pdf


def test_a_gregorian_guide_in_english(committee):
    guide = guide_create(actor=committee, calendar="gregorian", year=2025, quarter=4, language="en")
    assert (guide.starts_on, guide.ends_on) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )


def test_a_second_guide_of_the_same_quarter_and_language_is_refused_clearly(committee):
    guide_create(actor=committee, calendar="solar", year=1404, quarter=1, language="fa")
    with pytest.raises(ValidationError) as refused:
        english(
            guide_create, actor=committee, calendar="solar", year=1404, quarter=1, language="fa"
        )
    assert refused.value.messages == ["There is already a guide for this quarter in this language."]
    assert Guide.objects.count() == 1
    # The same quarter in another language is another guide
    guide_create(actor=committee, calendar="solar", year=1404, quarter=1, language="ar")
    assert Guide.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"calendar": "lunar"}, "calendar"),
        ({"quarter": 5}, "quarter"),
        ({"year": 99999}, "year"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(committee, values, field):
    arguments = {"calendar": "solar", "year": 1404, "quarter": 1, "language": "fa", **values}
    with pytest.raises(ValidationError) as refused:
        english(guide_create, actor=committee, **arguments)
    assert field in refused.value.message_dict
    assert not Guide.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "editor", "owner"])
def test_only_the_committee_makes_guides(outsiders, who):
    with pytest.raises(PermissionDenied):
        guide_create(actor=outsiders[who], calendar="solar", year=1404, quarter=1, language="fa")
    assert not Guide.objects.exists()


# --- the workflow -----------------------------------------------------------------------------


def test_draft_proof_approval_publication(committee, fast_pdf, django_capture_on_commit_callbacks):
    # Given a draft with an introduction
    guide = guide_create(actor=committee, calendar="solar", year=1404, quarter=1, language="fa")
    guide = guide_update(actor=committee, guide=guide, introduction="سخن نخست کمیته")
    assert guide.rendered_at is None
    # When a proof is rendered
    guide = guide_render(actor=committee, guide=guide)
    # Then the proof of this text is kept
    assert guide.rendered_at is not None and guide.render_error == ""
    assert guide.pdf.name.startswith("guides/solar-1404-q1/proof-")
    assert guide.pdf.read() == FAKE_PDF + b"proof"
    assert fast_pdf[-1] == {"introduction": "سخن نخست کمیته", "final": False}
    # When it is approved
    guide = guide_approve(actor=committee, guide=guide)
    assert guide.status == GuideStatus.APPROVED
    assert guide.approved_by == committee and guide.approved_at is not None
    # When it is published
    proof_name = guide.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        guide = guide_publish(actor=committee, guide=guide)
    # Then the final PDF is rendered and kept, and the proof's file is gone
    assert guide.status == GuideStatus.PUBLISHED and guide.published_at is not None
    assert guide.pdf.name.startswith("guides/solar-1404-q1/guide-")
    assert guide.pdf.read() == FAKE_PDF + b"final"
    assert fast_pdf[-1]["final"] is True
    assert not guide.pdf.storage.exists(proof_name)


def test_approval_needs_a_proof_of_the_current_text(committee, fast_pdf):
    guide = GuideFactory()
    # No proof yet
    with pytest.raises(ValidationError) as refused:
        english(guide_approve, actor=committee, guide=guide)
    assert "Render a proof" in refused.value.messages[0]
    # A proof, then a change of text: the proof is out of date
    guide = guide_render(actor=committee, guide=guide)
    guide = guide_update(actor=committee, guide=guide, introduction="متن تازه")
    assert guide.rendered_at is None
    with pytest.raises(ValidationError):
        guide_approve(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.status == GuideStatus.DRAFT


def test_an_edit_after_approval_returns_the_guide_to_draft(committee, fast_pdf):
    guide = guide_render(actor=committee, guide=GuideFactory())
    guide = guide_approve(actor=committee, guide=guide)
    # When the introduction changes
    guide = guide_update(actor=committee, guide=guide, introduction="بازنویسی پس از تأیید")
    # Then it is a draft again, its approval and proof gone
    assert guide.status == GuideStatus.DRAFT
    assert guide.approved_by is None and guide.approved_at is None
    assert guide.rendered_at is None
    # But saving the same text changes nothing
    guide = guide_render(actor=committee, guide=guide)
    guide = guide_approve(actor=committee, guide=guide)
    guide = guide_update(actor=committee, guide=guide, introduction=guide.introduction)
    assert guide.status == GuideStatus.APPROVED


def test_publication_without_approval_is_refused(committee, fast_pdf):
    guide = guide_render(actor=committee, guide=GuideFactory())
    with pytest.raises(ValidationError) as refused:
        english(guide_publish, actor=committee, guide=guide)
    assert refused.value.messages == [
        "Only an approved guide can be published. Approve its proof first."
    ]
    with pytest.raises(ValidationError):
        guide_publish_enqueue(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.status == GuideStatus.DRAFT and guide.published_at is None
    assert fast_pdf[-1]["final"] is False


def test_a_published_guide_is_frozen(committee, fast_pdf):
    guide = guide_approve(
        actor=committee, guide=guide_render(actor=committee, guide=GuideFactory())
    )
    guide = guide_publish(actor=committee, guide=guide)
    published_pdf = guide.pdf.name
    for attempt in (
        lambda: guide_update(actor=committee, guide=guide, introduction="تغییر پس از انتشار"),
        lambda: guide_render(actor=committee, guide=guide),
        lambda: guide_render_enqueue(actor=committee, guide=guide),
        lambda: guide_approve(actor=committee, guide=guide),
        lambda: guide_publish(actor=committee, guide=guide),
    ):
        with pytest.raises(ValidationError) as refused:
            english(attempt)
        assert refused.value.messages == ["This guide is published and can no longer be changed."]
    # And it cannot be deleted either
    with pytest.raises(PermissionDenied):
        guide_delete(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED
    assert guide.pdf.name == published_pdf
    assert guide.introduction == GuideFactory._meta.declarations["introduction"]


def test_a_failed_rendering_is_recorded_and_raised(committee, monkeypatch):
    # Given a renderer that fails
    def broken(*, guide, final=False):
        raise RuntimeError("the font could not be read")

    monkeypatch.setattr(services_guides, "guide_pdf", broken)
    guide = GuideFactory()
    # When a proof is asked for, the failure reaches the caller
    with pytest.raises(RuntimeError):
        guide_render(actor=committee, guide=guide)
    # And it is kept on the guide for the committee to read, in the guide's language (the
    # technical detail goes to the log); no proof is claimed
    guide.refresh_from_db()
    with translation.override(guide.language):
        expected = gettext(
            "The PDF could not be made (%(reason)s). Try again, or tell the operator."
        ) % {"reason": "RuntimeError"}
    assert guide.render_error == expected
    assert "the font could not be read" not in guide.render_error
    assert guide.rendered_at is None and not guide.pdf
    # And a later success clears it
    monkeypatch.setattr(services_guides, "guide_pdf", lambda *, guide, final=False: FAKE_PDF)
    guide = guide_render(actor=committee, guide=guide)
    assert guide.render_error == "" and guide.rendered_at is not None


def test_a_failed_publication_leaves_the_guide_approved(committee, fast_pdf, monkeypatch):
    guide = guide_approve(
        actor=committee, guide=guide_render(actor=committee, guide=GuideFactory())
    )

    def broken(*, guide, final=False):
        raise OSError("disk full")

    monkeypatch.setattr(services_guides, "guide_pdf", broken)
    with pytest.raises(OSError):
        guide_publish(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.status == GuideStatus.APPROVED and guide.published_at is None
    assert "OSError" in guide.render_error


def test_a_proof_of_a_text_changed_meanwhile_is_dropped(committee, monkeypatch):
    # Given an edit saved while the proof was being drawn
    guide = GuideFactory(introduction="متن نخست")

    def slow(*, guide, final=False):
        Guide.objects.filter(pk=guide.pk).update(introduction="متن دوم")
        return FAKE_PDF

    monkeypatch.setattr(services_guides, "guide_pdf", slow)
    # When the proof is done
    guide = guide_render(actor=committee, guide=guide)
    # Then it is not kept as the proof of the new text
    assert guide.rendered_at is None and not guide.pdf


def test_the_tasks_render_and_publish_after_commit(
    committee, fast_pdf, django_capture_on_commit_callbacks
):
    guide = GuideFactory()
    # When a proof is asked for, nothing happens before the transaction commits
    with django_capture_on_commit_callbacks(execute=False) as pending:
        guide_render_enqueue(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.rendered_at is None and len(pending) == 1
    # And once it commits, the task renders the proof
    with django_capture_on_commit_callbacks(execute=True):
        guide_render_enqueue(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.rendered_at is not None
    guide = guide_approve(actor=committee, guide=guide)
    with django_capture_on_commit_callbacks(execute=True):
        guide_publish_enqueue(actor=committee, guide=guide)
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED


def test_the_tasks_leave_a_gone_or_published_guide_alone(committee, fast_pdf):
    from hamafza.publishing.tasks_guides import guide_publish_task, guide_render_task

    assert guide_render_task.call(guide_id=987654) is False
    assert guide_publish_task.call(guide_id=987654) is False
    guide = guide_approve(
        actor=committee, guide=guide_render(actor=committee, guide=GuideFactory())
    )
    guide_publish(actor=SYSTEM, guide=guide)
    calls = len(fast_pdf)
    assert guide_render_task.call(guide_id=guide.pk) is False
    assert guide_publish_task.call(guide_id=guide.pk) is False
    assert len(fast_pdf) == calls


# --- delete -----------------------------------------------------------------------------------


def test_a_draft_is_deleted_with_its_proof(committee, fast_pdf, django_capture_on_commit_callbacks):
    guide = guide_render(actor=committee, guide=GuideFactory())
    storage, name = guide.pdf.storage, guide.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        guide_delete(actor=committee, guide=guide)
    assert not Guide.objects.exists()
    assert not storage.exists(name)


def test_an_approved_guide_is_not_deleted(committee, fast_pdf):
    guide = guide_approve(
        actor=committee, guide=guide_render(actor=committee, guide=GuideFactory())
    )
    with pytest.raises(ValidationError) as refused:
        english(guide_delete, actor=committee, guide=guide)
    assert refused.value.messages == ["Only a draft guide can be deleted."]
    assert Guide.objects.filter(pk=guide.pk).exists()


# --- who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "editor", "owner"])
def test_no_one_but_the_committee_writes_a_guide(outsiders, who, fast_pdf):
    actor = outsiders[who]
    draft = GuideFactory()
    approved = GuideFactory(
        quarter=2, status=GuideStatus.APPROVED, rendered_at=datetime.datetime.now(datetime.UTC)
    )
    for attempt in (
        lambda: guide_update(actor=actor, guide=draft, introduction="نفوذ"),
        lambda: guide_render(actor=actor, guide=draft),
        lambda: guide_render_enqueue(actor=actor, guide=draft),
        lambda: guide_approve(actor=actor, guide=draft),
        lambda: guide_publish(actor=actor, guide=approved),
        lambda: guide_publish_enqueue(actor=actor, guide=approved),
        lambda: guide_delete(actor=actor, guide=draft),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert fast_pdf == []
    draft.refresh_from_db()
    approved.refresh_from_db()
    assert draft.status == GuideStatus.DRAFT and draft.introduction != "نفوذ"
    assert approved.status == GuideStatus.APPROVED


def test_a_new_proof_of_an_approved_guide_needs_approval_again(committee, fast_pdf):
    # Given an approved guide
    guide = guide_approve(
        actor=committee, guide=guide_render(actor=committee, guide=GuideFactory())
    )
    assert guide.status == GuideStatus.APPROVED
    # When another proof is rendered
    guide = guide_render(actor=committee, guide=guide)
    # Then what was approved is no longer the proof on file: the guide is a draft again
    assert guide.status == GuideStatus.DRAFT and guide.approved_at is None


def test_two_publications_drawn_at_once_publish_once(committee, monkeypatch):
    # Given an approved guide, and a second task publishing it while the first draws its PDF
    monkeypatch.setattr(services_guides, "guide_pdf", lambda *, guide, final=False: FAKE_PDF)
    guide = guide_approve(
        actor=committee, guide=guide_render(actor=committee, guide=GuideFactory())
    )
    published = {}

    def drawing(*, guide, final=False):
        if not published:
            monkeypatch.setattr(
                services_guides, "guide_pdf", lambda *, guide, final=False: FAKE_PDF
            )
            published["guide"] = guide_publish(actor=committee, guide=guide)
        return FAKE_PDF

    monkeypatch.setattr(services_guides, "guide_pdf", drawing)
    # When the first task finishes drawing
    first = guide_publish(actor=committee, guide=guide)
    # Then it finds the guide published and leaves it as the other task made it, no error
    assert first.status == GuideStatus.PUBLISHED
    assert first.pdf.name == published["guide"].pdf.name
