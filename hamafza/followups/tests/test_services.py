"""Assigning, editing and reporting on follow-ups: numbering, who may move an item where,
and evidence that is refused without writing anything."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hamafza.agreements.tests.factories import AgreementFactory, MeetingFactory
from hamafza.core.permissions import SYSTEM
from hamafza.followups import services
from hamafza.followups.models import FollowUp, FollowUpNote, FollowUpStatus
from hamafza.followups.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- creating: numbering within the source --------------------------------------------------


def test_items_are_numbered_one_after_another_within_their_source(actors, agreement, partner):
    # Given an agreement with no follow-ups, and another agreement with one
    other = AgreementFactory(owner=agreement.owner)
    FollowUpFactory(source=other, owner_organization=partner, number=1)
    # When the office's editor assigns three obligations
    items = [
        services.followup_create(
            actor=actors["office_editor"],
            source=agreement,
            text=f"  تعهد {n}  ",
            owner_organization=partner,
        )
        for n in range(3)
    ]
    # Then they are numbered 1, 2, 3 within the agreement, with their text trimmed
    assert [item.number for item in items] == [1, 2, 3]
    assert items[0].text == "تعهد 0"
    assert items[0].source == agreement
    assert items[0].status == FollowUpStatus.OPEN
    # And the other agreement's numbering is its own
    nxt = services.followup_create(
        actor=SYSTEM, source=other, text="بعدی", owner_organization=partner
    )
    assert nxt.number == 2


def test_numbering_continues_after_the_highest_number_even_with_gaps(actors, agreement, partner):
    # Given items numbered 1 and 7 (a recommendation list numbered by its source)
    FollowUpFactory(source=agreement, owner_organization=partner, number=1)
    services.followup_create(
        actor=actors["coordinator"],
        source=agreement,
        text="توصیه هفتم",
        owner_organization=partner,
        number=7,
    )
    # When one more is assigned without a number
    item = services.followup_create(
        actor=actors["coordinator"], source=agreement, text="بعدی", owner_organization=partner
    )
    # Then it comes after the highest
    assert item.number == 8


def test_a_number_taken_in_the_source_is_refused(actors, agreement, partner):
    # Given item 1 of the agreement
    FollowUpFactory(source=agreement, owner_organization=partner, number=1)
    # When another is assigned with number 1, then it is refused and nothing is added
    with pytest.raises(ValidationError):
        services.followup_create(
            actor=actors["coordinator"],
            source=agreement,
            text="تکراری",
            owner_organization=partner,
            number=1,
        )
    assert FollowUp.objects.count() == 1


def test_an_item_without_text_is_refused(actors, agreement, partner):
    with pytest.raises(ValidationError) as caught:
        services.followup_create(
            actor=actors["coordinator"], source=agreement, text="   ", owner_organization=partner
        )
    assert "text" in caught.value.message_dict
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("office_viewer", False),
        ("office_editor", True),
        ("partner_editor", False),
        ("stranger_editor", False),
        ("coordinator", True),
    ],
)
def test_only_the_sources_managers_assign_items(actors, agreement, partner, who, allowed):
    # When someone assigns an obligation of the office's agreement
    def assign():
        return services.followup_create(
            actor=actors[who], source=agreement, text="تعهد", owner_organization=partner
        )

    # Then the office's editors and coordinators may; nobody else, and nothing is written
    if allowed:
        assert assign().number == 1
    else:
        with pytest.raises(PermissionDenied):
            assign()
        assert not FollowUp.objects.exists()


def test_a_meetings_decisions_are_assigned_by_the_agreements_keepers(actors, office, partner):
    # Given a meeting of a committee under the office's agreement
    meeting = MeetingFactory(committee__agreement__owner=office)
    # When the office's editor assigns a decision, then it is the meeting's item 1
    item = services.followup_create(
        actor=actors["office_editor"], source=meeting, text="مصوبه", owner_organization=partner
    )
    assert (item.source, item.number) == (meeting, 1)
    # And a party's editor may not
    with pytest.raises(PermissionDenied):
        services.followup_create(
            actor=actors["partner_editor"], source=meeting, text="x", owner_organization=partner
        )


# --- editing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("office_viewer", False),
        ("office_editor", True),
        ("partner_editor", False),
        ("stranger_editor", False),
        ("coordinator", True),
    ],
)
def test_only_the_sources_managers_change_what_is_asked(actors, followup, who, allowed):
    due = timezone.localdate() + datetime.timedelta(days=30)
    if allowed:
        changed = services.followup_update(
            actor=actors[who], followup=followup, text="متن تازه", due_on=due
        )
        assert (changed.text, changed.due_on) == ("متن تازه", due)
    else:
        with pytest.raises(PermissionDenied):
            services.followup_update(actor=actors[who], followup=followup, text="متن تازه")
        followup.refresh_from_db()
        assert followup.text != "متن تازه"


def test_fields_that_are_not_editable_are_refused(actors, followup):
    with pytest.raises(ValidationError):
        services.followup_update(
            actor=actors["office_editor"], followup=followup, status=FollowUpStatus.DONE
        )
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


# --- reporting: moves allowed and refused -----------------------------------------------------


@pytest.mark.parametrize("who", ["office_viewer", "stranger_editor"])
def test_those_who_neither_carry_nor_assign_an_item_cannot_report(actors, followup, who):
    with pytest.raises(PermissionDenied):
        services.followup_report(actor=actors[who], followup=followup, text="گزارش")
    assert not FollowUpNote.objects.exists()


def test_the_responsible_organization_reports_progress_and_marks_it_done(actors, followup):
    reporter = actors["partner_editor"]
    # When the partner's editor starts the work, at 40 %
    note = services.followup_report(
        actor=reporter,
        followup=followup,
        text="جلسه هماهنگی برگزار شد",
        status=FollowUpStatus.IN_PROGRESS,
        progress=40,
    )
    # Then the note records the move and the item follows
    assert (note.status_from, note.status_to, note.progress) == ("open", "in_progress", 40)
    assert note.author == reporter
    followup.refresh_from_db()
    assert (followup.status, followup.progress, followup.closed_on) == ("in_progress", 40, None)
    # When they mark it done, then it is closed today at 100 %
    services.followup_report(actor=reporter, followup=followup, status=FollowUpStatus.DONE)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
    assert followup.progress == 100
    assert followup.closed_on == timezone.localdate()


def test_the_responsible_organization_moves_an_item_back_to_open(actors, followup):
    services.followup_report(
        actor=actors["partner_editor"], followup=followup, status=FollowUpStatus.IN_PROGRESS
    )
    services.followup_report(
        actor=actors["partner_editor"], followup=followup, status=FollowUpStatus.OPEN
    )
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_the_responsible_organization_may_not_waive_an_item(actors, followup):
    with pytest.raises(ValidationError) as caught:
        services.followup_report(
            actor=actors["partner_editor"],
            followup=followup,
            text="دیگر لازم نیست",
            status=FollowUpStatus.WAIVED,
        )
    assert "status" in caught.value.message_dict
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert not FollowUpNote.objects.exists()


@pytest.mark.parametrize("closed", [FollowUpStatus.DONE, FollowUpStatus.WAIVED])
def test_the_responsible_organization_may_not_reopen_a_closed_item(actors, followup, closed):
    # Given an item closed by its managers
    services.followup_report(actor=actors["office_editor"], followup=followup, status=closed)
    # When the partner's editor reopens it, then it is refused and stays closed
    for status in (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS):
        with pytest.raises(ValidationError) as caught:
            services.followup_report(
                actor=actors["partner_editor"], followup=followup, status=status
            )
        assert "status" in caught.value.message_dict
    followup.refresh_from_db()
    assert followup.status == closed
    # But a note on a closed item is still welcome
    services.followup_report(actor=actors["partner_editor"], followup=followup, text="پیوست")
    assert followup.notes.count() == 2


@pytest.mark.parametrize("who", ["office_editor", "coordinator"])
def test_the_sources_managers_waive_and_reopen(actors, followup, who):
    # When the agreement's keeper waives the item
    services.followup_report(
        actor=actors[who], followup=followup, text="منتفی شد", status=FollowUpStatus.WAIVED
    )
    followup.refresh_from_db()
    # Then it is closed as waived
    assert followup.status == FollowUpStatus.WAIVED
    assert followup.closed_on == timezone.localdate()
    # And they may reopen it, which clears the closing date
    services.followup_report(actor=actors[who], followup=followup, status=FollowUpStatus.OPEN)
    followup.refresh_from_db()
    assert (followup.status, followup.closed_on) == (FollowUpStatus.OPEN, None)


def test_an_empty_report_is_refused(actors, followup):
    with pytest.raises(ValidationError):
        services.followup_report(actor=actors["partner_editor"], followup=followup, text="  ")
    assert not FollowUpNote.objects.exists()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"status": "finished"}, "status"),
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
    ],
)
def test_invalid_status_or_progress_is_refused(actors, followup, values, field):
    with pytest.raises(ValidationError) as caught:
        services.followup_report(actor=actors["partner_editor"], followup=followup, **values)
    assert field in caught.value.message_dict
    followup.refresh_from_db()
    assert (followup.status, followup.progress) == (FollowUpStatus.OPEN, 0)


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content", [("minutes.pdf", PDF), ("photo.png", PNG), ("photo.jpg", JPEG)]
)
def test_pdf_png_and_jpeg_evidence_is_kept(actors, followup, media_root, name, content):
    note = services.followup_report(
        actor=actors["partner_editor"], followup=followup, evidence=upload(name, content)
    )
    note.refresh_from_db()
    assert note.evidence.name.startswith("followups/evidence/")
    assert note.evidence.read() == content


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.txt", b"just some text"),
        ("script.pdf", b"<script>alert(1)</script>"),  # the name says PDF, the bytes do not
        ("page.html", b"<html></html>"),
    ],
)
def test_evidence_that_is_not_pdf_png_or_jpeg_is_refused(
    actors, followup, media_root, name, content
):
    # When the partner reports done with a file of another kind
    with pytest.raises(ValidationError) as caught:
        services.followup_report(
            actor=actors["partner_editor"],
            followup=followup,
            text="انجام شد",
            status=FollowUpStatus.DONE,
            evidence=upload(name, content),
        )
    # Then the evidence is refused, and neither the note, the file nor the move is kept
    assert "evidence" in caught.value.message_dict
    assert not FollowUpNote.objects.exists()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_oversized_evidence_is_refused(actors, followup, media_root, settings):
    # Given a limit of 1 KB, and a real PDF of 2 KB
    settings.HAMAFZA_DOCUMENT_MAX_BYTES = 1024
    big = upload("scan.pdf", PDF + b"0" * 2048)
    # When it is reported, then it is refused and nothing is kept
    with pytest.raises(ValidationError) as caught:
        services.followup_report(
            actor=actors["partner_editor"],
            followup=followup,
            progress=50,
            evidence=big,
        )
    assert "evidence" in caught.value.message_dict
    assert not FollowUpNote.objects.exists()
    followup.refresh_from_db()
    assert followup.progress == 0
    assert not media_root.exists() or not any(media_root.rglob("*"))
