"""The events' services: who may write, the occurrences each rule writes, what is refused (with
nothing saved), the daily horizon, and conference outcomes as follow-ups."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from hamafza.core.calendars import (
    date_parse,
    gregorian_to_lunar,
    lunar_month_length,
    lunar_to_gregorian,
)
from hamafza.core.models import City, Country, Language, Province
from hamafza.core.permissions import SYSTEM
from hamafza.core.services import hijri_month_start_correct
from hamafza.directory.models import Role
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory, user_with_role
from hamafza.events import services
from hamafza.events.models import (
    Event,
    EventKind,
    EventStatus,
    Occurrence,
    Recurrence,
)
from hamafza.events.services import OutcomeInput
from hamafza.events.tests.factories import EventSeriesFactory, event_make
from hamafza.followups import services as followup_services
from hamafza.followups.models import FollowUp
from hamafza.followups.policies import followup_policy, source_manageable
from hamafza.followups.selectors import followup_list, followups_of

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)

WRITERS = ("organizer_editor", "organizer_owner", "coordinator")
REFUSED = ("anonymous", "organizer_viewer", "stranger_owner")


def at(day: datetime.date, hour: int, minute: int = 0, zone=TEHRAN) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def soon(days: int = 3, hour: int = 18) -> datetime.datetime:
    return at(timezone.localdate() + datetime.timedelta(days=days), hour)


def values(organizer, **extra) -> dict:
    """What a form sends for a two-hour gathering at a hall in three days."""
    starts_at = extra.pop("starts_at", None) or soon()
    data = {
        "organizer": organizer,
        "name": "مراسم عزاداری دهه اول",
        "kind": EventKind.GATHERING,
        "venue": "حسینیه ارشاد",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
    }
    data.update(extra)
    return data


def keys(event) -> list[str]:
    return list(event.occurrences.order_by("starts_at").values_list("key", flat=True))


def snapshot(event) -> tuple:
    """What a refused write must leave as it was: the event's row and its occurrences."""
    row = Event.objects.filter(pk=event.pk).values().get()
    row.pop("updated_at")
    occurrences = list(
        Occurrence.objects.filter(event=event)
        .order_by("key")
        .values_list("key", "starts_at", "ends_at", "sequence", "cancelled")
    )
    return row, occurrences


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", WRITERS)
def test_the_organizers_editors_and_coordinators_schedule_events(actors, organizer, who):
    # When one of them schedules an event for the organizer
    event = services.event_create(actor=actors[who], **values(organizer))
    # Then it is saved with its one occurrence, and who made it is recorded
    assert event.status == EventStatus.SCHEDULED
    assert keys(event) == ["once"]
    assert event.created_by == actors[who]


@pytest.mark.parametrize("who", REFUSED)
def test_others_may_not_schedule_an_event_for_the_organizer(actors, organizer, who):
    # When someone else tries to schedule an event for the organizer
    with pytest.raises(PermissionDenied):
        services.event_create(actor=actors[who], **values(organizer))
    # Then nothing was saved
    assert not Event.objects.exists()
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize("who", WRITERS)
def test_the_organizers_editors_and_coordinators_change_and_cancel(actors, organizer, who):
    # Given a scheduled event
    event = event_make(**values(organizer))
    # When one of them renames it and then cancels it
    renamed = services.event_update(actor=actors[who], event=event, name="مراسم تاسوعا")
    cancelled = services.event_cancel(actor=actors[who], event=renamed)
    # Then both changes are saved
    event.refresh_from_db()
    assert (event.name, event.status) == ("مراسم تاسوعا", EventStatus.CANCELLED)
    assert cancelled.status == EventStatus.CANCELLED


@pytest.mark.parametrize("who", REFUSED)
def test_others_may_not_change_cancel_or_delete(actors, organizer, who):
    # Given a scheduled event
    event = event_make(**values(organizer))
    before = snapshot(event)
    # When someone else tries to change, cancel or delete it, each is refused
    with pytest.raises(PermissionDenied):
        services.event_update(actor=actors[who], event=event, name="تغییر")
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=actors[who], event=event)
    with pytest.raises(PermissionDenied):
        services.event_delete(actor=actors[who], event=event)
    # Then the event and its occurrences are as they were
    assert snapshot(event) == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("organizer_owner", True),
        ("coordinator", True),
        ("organizer_editor", False),
        ("organizer_viewer", False),
        ("stranger_owner", False),
        ("anonymous", False),
    ],
)
def test_only_owners_and_coordinators_delete(actors, organizer, who, allowed):
    # Given a scheduled event
    event = event_make(**values(organizer))
    # When someone deletes it
    if allowed:
        services.event_delete(actor=actors[who], event=event)
    else:
        with pytest.raises(PermissionDenied):
            services.event_delete(actor=actors[who], event=event)
    # Then it is gone with its occurrences only when they were allowed to
    assert Event.objects.filter(pk=event.pk).exists() is not allowed
    assert Occurrence.objects.filter(event_id=event.pk).exists() is not allowed


def test_handing_an_event_to_another_organizer_needs_rights_in_both(actors, organizer, stranger):
    # Given an event of the organizer
    event = event_make(**values(organizer))
    # When the organizer's editor hands it to an organization where they hold no role
    with pytest.raises(PermissionDenied):
        services.event_update(actor=actors["organizer_editor"], event=event, organizer=stranger)
    # Then it stays with the organizer; a coordinator may hand it over
    event.refresh_from_db()
    assert event.organizer == organizer
    moved = services.event_update(actor=actors["coordinator"], event=event, organizer=stranger)
    assert moved.organizer == stranger
    assert set(moved.occurrences.values_list("organizer_id", flat=True)) == {stranger.pk}


def test_unknown_fields_are_refused(actors, organizer):
    with pytest.raises(ValidationError):
        services.event_create(actor=actors["coordinator"], **values(organizer, status="x"))
    assert not Event.objects.exists()


# --- occurrences ------------------------------------------------------------------------------


def test_a_one_off_event_has_one_occurrence_with_its_times_and_place(organizer):
    # Given an event in Qom, in Persian
    qom = City.objects.get(name="Qom")
    event = event_make(
        **values(organizer, country=qom.country, city=qom, language=Language.objects.get(code="fa"))
    )
    # Then its one occurrence has its times, and the columns calendars filter on
    occurrence = event.occurrences.get()
    assert occurrence.key == "once"
    assert (occurrence.starts_at, occurrence.ends_at) == (event.starts_at, event.ends_at)
    assert (occurrence.organizer_id, occurrence.country_id) == (organizer.pk, qom.country_id)
    assert (occurrence.language, occurrence.sequence, occurrence.cancelled) == (
        event.language,
        0,
        False,
    )
    # and it follows Iran's lunar calendar, with its Hijri date noted
    assert event.lunar_region == "IR"
    lunar = gregorian_to_lunar(timezone.localtime(event.starts_at, TEHRAN).date(), "IR")
    assert (event.hijri_month, event.hijri_day) == (lunar.month, lunar.day)


def test_an_event_in_iraq_follows_iraqs_lunar_calendar(organizer):
    karbala = City.objects.get(name="Karbala")
    event = event_make(
        **values(organizer, country=karbala.country, city=karbala, time_zone="Asia/Baghdad")
    )
    assert event.lunar_region == "IQ"


def test_a_weekly_event_repeats_until_its_last_day(organizer):
    # Given a weekly gathering from next Thursday evening, repeating for ten weeks
    first = soon(7, 20)
    event = event_make(
        **values(
            organizer,
            starts_at=first,
            recurrence=Recurrence.WEEKLY,
            repeat_until=first.date() + 9 * WEEK + 3 * DAY,
        )
    )
    # Then it happens ten times, a week apart, each keyed by its local date
    occurrences = list(event.occurrences.order_by("starts_at"))
    assert len(occurrences) == 10
    assert [o.key for o in occurrences] == [
        (first.date() + n * WEEK).isoformat() for n in range(10)
    ]
    assert all(o.ends_at - o.starts_at == datetime.timedelta(hours=2) for o in occurrences)
    assert {timezone.localtime(o.starts_at, TEHRAN).time() for o in occurrences} == {
        datetime.time(20)
    }


def test_a_weekly_event_without_an_end_is_written_up_to_the_horizon(organizer):
    # Given a weekly gathering with no last day
    first = soon(1, 20)
    event = event_make(**values(organizer, starts_at=first, recurrence=Recurrence.WEEKLY))
    # Then its occurrences reach as far as the horizon and no farther
    horizon = timezone.localdate() + datetime.timedelta(days=services.WEEKLY_HORIZON_DAYS)
    expected = (horizon - first.date()).days // 7 + 1
    assert event.occurrences.count() == expected
    last = event.occurrences.order_by("-starts_at").first()
    assert (
        datetime.date.fromisoformat(last.key)
        <= horizon
        < (datetime.date.fromisoformat(last.key) + WEEK)
    )


def test_a_weekly_event_keeps_its_local_hour_across_daylight_saving(organizer):
    # Given a weekly class in London at 19:00 on Mondays, from before the clocks go forward
    # (29 March 2026) until after
    first = at(datetime.date(2026, 3, 2), 19, zone=LONDON)
    event = event_make(
        **values(
            organizer,
            starts_at=first,
            venue="Islamic Centre of England",
            time_zone="Europe/London",
            recurrence=Recurrence.WEEKLY,
            repeat_until=datetime.date(2026, 4, 27),
        )
    )
    occurrences = list(event.occurrences.order_by("starts_at"))
    assert len(occurrences) == 9
    # Then every occurrence starts at 19:00 London time, keyed by its London date
    local = [timezone.localtime(o.starts_at, LONDON) for o in occurrences]
    assert {value.time() for value in local} == {datetime.time(19)}
    assert [o.key for o in occurrences] == [value.date().isoformat() for value in local]
    # which is 19:00 UTC in winter and 18:00 UTC in summer
    utc_hours = [o.starts_at.astimezone(datetime.UTC).hour for o in occurrences]
    assert utc_hours == [19] * 4 + [18] * 5
    # and each lasts its two hours
    assert {o.ends_at - o.starts_at for o in occurrences} == {datetime.timedelta(hours=2)}


def correctable_month(region: str = "IR") -> tuple[int, int, int]:
    """A lunar month, a year or more ahead, whose start may move a day (+1 or -1) while it and
    the month before it keep 29 or 30 days: (year, month, shift)."""
    today = gregorian_to_lunar(timezone.localdate(), region)
    for year in (today.year + 1, today.year + 2):
        for month in range(1, 13):
            previous = (year - 1, 12) if month == 1 else (year, month - 1)
            before = lunar_month_length(*previous, region)
            length = lunar_month_length(year, month, region)
            if (before, length) == (29, 30):
                return year, month, 1
            if (before, length) == (30, 29):
                return year, month, -1
    raise AssertionError("no correctable month")  # pragma: no cover


def month_move(capture, *, region: str, year: int, month: int, shift: int) -> None:
    start = lunar_to_gregorian(year, month, 1, region)
    with capture(execute=True):
        hijri_month_start_correct(
            actor=SYSTEM,
            region=region,
            year=year,
            month=month,
            starts_on=start + datetime.timedelta(days=shift),
        )


def test_a_yearly_hijri_event_happens_once_a_hijri_year(organizer):
    # Given a ceremony on 10 Muharram next year, at 20:00 in Tehran, repeating every year
    this_year = gregorian_to_lunar(timezone.localdate(), "IR").year
    first_day = lunar_to_gregorian(this_year + 1, 1, 10, "IR")
    event = event_make(
        **values(
            organizer,
            starts_at=at(first_day, 20),
            kind=EventKind.CEREMONY,
            recurrence=Recurrence.YEARLY_HIJRI,
        )
    )
    # Then it happens once in each Hijri year up to the horizon, keyed by the year
    last_year = this_year + services.HIJRI_HORIZON_YEARS
    expected = [f"h{year}" for year in range(this_year + 1, last_year + 1)]
    assert keys(event) == expected
    # each time on 10 Muharram of Iran's calendar, at 20:00 Tehran time
    for occurrence in event.occurrences.all():
        local = timezone.localtime(occurrence.starts_at, TEHRAN)
        assert local.time() == datetime.time(20)
        lunar = gregorian_to_lunar(local.date(), "IR")
        assert (f"h{lunar.year}", lunar.month, lunar.day) == (occurrence.key, 1, 10)
    assert (event.hijri_month, event.hijri_day) == (1, 10)


def test_a_correction_moves_a_yearly_hijri_occurrence_and_raises_its_sequence(
    organizer, django_capture_on_commit_callbacks
):
    # Given a yearly ceremony on the 10th of a month whose start staff may still correct,
    # first held the year before
    year, month, shift = correctable_month()
    first_day = lunar_to_gregorian(year - 1, month, 10, "IR")
    event = event_make(
        **values(
            organizer,
            starts_at=at(first_day, 19),
            kind=EventKind.CEREMONY,
            recurrence=Recurrence.YEARLY_HIJRI,
        )
    )
    before = {o.key: o for o in event.occurrences.all()}
    moved_key = f"h{year}"
    assert moved_key in before
    # When the month is declared to have begun a day later (or earlier)
    month_move(django_capture_on_commit_callbacks, region="IR", year=year, month=month, shift=shift)
    # Then that year's occurrence moved by the day, kept its key, and its sequence rose by one
    after = {o.key: o for o in event.occurrences.all()}
    assert set(after) == set(before)
    moved = after[moved_key]
    assert moved.starts_at - before[moved_key].starts_at == datetime.timedelta(days=shift)
    assert moved.ends_at - moved.starts_at == datetime.timedelta(hours=2)
    assert moved.sequence == 1
    local = timezone.localtime(moved.starts_at, TEHRAN)
    assert gregorian_to_lunar(local.date(), "IR") == gregorian_to_lunar(
        lunar_to_gregorian(year, month, 10, "IR"), "IR"
    )
    # and the other years' occurrences did not move and were not revised
    for key, occurrence in after.items():
        if key != moved_key:
            assert (occurrence.starts_at, occurrence.sequence) == (before[key].starts_at, 0)


def test_a_correction_of_the_first_years_month_keeps_the_rules_hijri_date(
    organizer, django_capture_on_commit_callbacks
):
    # Given a yearly ceremony first held on the 10th of a month that staff then correct
    year, month, shift = correctable_month()
    event = event_make(
        **values(
            organizer,
            starts_at=at(lunar_to_gregorian(year, month, 10, "IR"), 19),
            kind=EventKind.CEREMONY,
            recurrence=Recurrence.YEARLY_HIJRI,
        )
    )
    before = {o.key: o.starts_at for o in event.occurrences.all()}
    # When the first year's month is declared to have begun a day later (or earlier)
    month_move(django_capture_on_commit_callbacks, region="IR", year=year, month=month, shift=shift)
    # Then the first occurrence moves with its month, still on the 10th
    after = {o.key: o for o in event.occurrences.all()}
    first = after[f"h{year}"]
    assert first.starts_at - before[f"h{year}"] == datetime.timedelta(days=shift)
    assert first.sequence == 1
    # and the later years stay on the 10th of the month, unmoved
    for key, occurrence in after.items():
        if key != f"h{year}":
            assert (occurrence.starts_at, occurrence.sequence) == (before[key], 0)
            local = timezone.localtime(occurrence.starts_at, TEHRAN).date()
            assert gregorian_to_lunar(local, "IR").day == 10
    # and a later edit of the event's name does not change its Hijri date
    event.refresh_from_db()
    services.event_update(actor=SYSTEM, event=event, name="مراسم سالانه")
    event.refresh_from_db()
    assert (event.hijri_month, event.hijri_day) == (month, 10)


def test_an_iraqi_correction_does_not_move_an_event_that_follows_iran(
    organizer, django_capture_on_commit_callbacks
):
    # Given a yearly ceremony on Iran's calendar
    year, month, shift = correctable_month("IQ")
    event = event_make(
        **values(
            organizer,
            starts_at=at(lunar_to_gregorian(year - 1, month, 10, "IR"), 19),
            kind=EventKind.CEREMONY,
            recurrence=Recurrence.YEARLY_HIJRI,
        )
    )
    before = set(event.occurrences.values_list("key", "starts_at", "sequence"))
    # When Iraq's month is corrected
    month_move(django_capture_on_commit_callbacks, region="IQ", year=year, month=month, shift=shift)
    # Then nothing of the event changed
    assert set(event.occurrences.values_list("key", "starts_at", "sequence")) == before


def test_a_weekly_rule_may_end_on_its_first_day_in_its_own_time_zone(organizer):
    # Given a late-evening class in London (already the next day in Tehran)
    first = at(timezone.localdate() + 5 * DAY, 23, 30, zone=LONDON)
    # When its repeats end on its first day, London time, whatever zone the visitor is in
    with timezone.override(TEHRAN):
        event = services.event_create(
            actor=SYSTEM,
            **values(
                organizer,
                starts_at=first,
                ends_at=first + datetime.timedelta(minutes=20),
                time_zone="Europe/London",
                recurrence=Recurrence.WEEKLY,
                repeat_until=first.date(),
            ),
        )
    # Then it is accepted, with that one occurrence
    assert keys(event) == [first.date().isoformat()]


def test_a_weekly_rule_may_not_end_before_its_first_day_in_its_own_time_zone(organizer):
    # Given a dawn gathering in Tehran (still the day before in UTC)
    first = at(timezone.localdate() + 5 * DAY, 1, 0)
    # When its repeats end the day before its first day, Tehran time
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.event_create(
            actor=SYSTEM,
            **values(
                organizer,
                starts_at=first,
                recurrence=Recurrence.WEEKLY,
                repeat_until=first.date() - DAY,
            ),
        )
    # Then it is refused, rather than saved with no occurrence at all
    assert error.value.message_dict["repeat_until"] == [
        "The repeats cannot end before the first occurrence."
    ]
    assert not Event.objects.exists()


def test_changing_the_rule_rewrites_the_occurrences(organizer):
    # Given a weekly gathering for five weeks
    first = soon(2, 20)
    event = event_make(
        **values(
            organizer,
            starts_at=first,
            recurrence=Recurrence.WEEKLY,
            repeat_until=first.date() + 4 * WEEK,
        )
    )
    assert len(keys(event)) == 5
    # When it is shortened to three weeks and moved an hour later
    event = services.event_update(
        actor=SYSTEM,
        event=event,
        starts_at=first + datetime.timedelta(hours=1),
        ends_at=first + datetime.timedelta(hours=3),
        repeat_until=first.date() + 2 * WEEK,
    )
    # Then three occurrences remain, on the same dates, an hour later, each revised once
    occurrences = list(event.occurrences.order_by("starts_at"))
    assert [o.key for o in occurrences] == [(first.date() + n * WEEK).isoformat() for n in range(3)]
    assert {timezone.localtime(o.starts_at, TEHRAN).time() for o in occurrences} == {
        datetime.time(21)
    }
    assert {o.sequence for o in occurrences} == {1}
    # When it stops repeating
    event = services.event_update(
        actor=SYSTEM, event=event, recurrence=Recurrence.NONE, repeat_until=None
    )
    # Then it has one occurrence, at its start
    assert keys(event) == ["once"]
    assert event.occurrences.get().starts_at == event.starts_at


def test_a_change_that_is_not_the_rule_leaves_the_occurrences_alone(organizer):
    event = event_make(**values(organizer, recurrence=Recurrence.WEEKLY))
    before = snapshot(event)[1]
    services.event_update(actor=SYSTEM, event=event, description="با سخنرانی")
    assert snapshot(event)[1] == before


def test_cancelling_marks_every_occurrence_cancelled_with_a_raised_sequence(organizer):
    # Given a weekly gathering
    event = event_make(
        **values(organizer, recurrence=Recurrence.WEEKLY, repeat_until=soon(30).date())
    )
    count = event.occurrences.count()
    # When it is cancelled
    services.event_cancel(actor=SYSTEM, event=event)
    # Then its occurrences stay, each marked cancelled and revised once
    occurrences = list(event.occurrences.all())
    assert len(occurrences) == count
    assert {(o.cancelled, o.sequence) for o in occurrences} == {(True, 1)}
    # and cancelling again is refused, changing nothing
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.event_cancel(actor=SYSTEM, event=event)
    assert error.value.messages == ["This event has already been cancelled."]
    assert {o.sequence for o in event.occurrences.all()} == {1}


# --- bad input --------------------------------------------------------------------------------


def refused(actor, organizer, **extra) -> dict[str, list[str]]:
    """Try to create the event; return the messages by field, checking nothing was saved."""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.event_create(actor=actor, **values(organizer, **extra))
    return messages(error.value)


def test_an_event_cannot_end_before_it_starts(actors, organizer):
    start = soon()
    errors = refused(actors["organizer_editor"], organizer, starts_at=start, ends_at=start - DAY)
    assert errors["ends_at"] == ["The event cannot end before it starts."]
    assert not Event.objects.exists()


def test_a_weekly_event_lasts_less_than_a_week(actors, organizer):
    start = soon()
    errors = refused(
        actors["organizer_editor"],
        organizer,
        starts_at=start,
        ends_at=start + WEEK,
        recurrence=Recurrence.WEEKLY,
    )
    assert errors["recurrence"] == [
        "Each occurrence would run into the next one: a weekly event lasts less than a week."
    ]
    assert not Event.objects.exists()


def test_two_weekly_rules_of_one_organizer_may_not_overlap_at_one_venue(actors, organizer):
    # Given a weekly gathering on one evening, 18:00 to 20:00, at the organizer's hall
    start = soon(3, 18)
    first = event_make(
        **values(organizer, starts_at=start, name="دعای کمیل", recurrence=Recurrence.WEEKLY)
    )
    count = Occurrence.objects.count()
    # When another weekly rule at the same hall on the same evening starts at 19:00
    errors = refused(
        actors["organizer_editor"],
        organizer,
        starts_at=start + datetime.timedelta(hours=1),
        recurrence=Recurrence.WEEKLY,
    )
    # Then it is refused, naming the gathering it overlaps, and nothing is saved
    assert errors["recurrence"] == [
        f"This weekly rule overlaps the weekly “{first.name}” of the same organizer at the "
        "same venue."
    ]
    assert list(Event.objects.all()) == [first]
    assert Occurrence.objects.count() == count


def test_weekly_rules_at_another_hour_or_venue_or_of_another_organizer_are_accepted(
    actors, organizer, stranger
):
    # Given a weekly gathering 18:00 to 20:00 at the organizer's hall
    start = soon(3, 18)
    event_make(**values(organizer, starts_at=start, recurrence=Recurrence.WEEKLY))
    editor = actors["organizer_editor"]
    # When weekly rules begin as it ends, or at another venue, or are another organizer's
    later = services.event_create(
        actor=editor,
        **values(
            organizer, starts_at=start + datetime.timedelta(hours=2), recurrence=Recurrence.WEEKLY
        ),
    )
    elsewhere = services.event_create(
        actor=editor,
        **values(organizer, starts_at=start, venue="مسجد جامع", recurrence=Recurrence.WEEKLY),
    )
    other = services.event_create(
        actor=actors["stranger_owner"],
        **values(stranger, starts_at=start, recurrence=Recurrence.WEEKLY),
    )
    another_day = services.event_create(
        actor=editor, **values(organizer, starts_at=start + DAY, recurrence=Recurrence.WEEKLY)
    )
    # Then each is scheduled
    assert all(e.occurrences.exists() for e in (later, elsewhere, other, another_day))


def test_a_weekly_rule_that_ended_before_another_begins_does_not_overlap(actors, organizer):
    start = soon(3, 18)
    event_make(
        **values(
            organizer,
            starts_at=start,
            recurrence=Recurrence.WEEKLY,
            repeat_until=start.date() + 2 * WEEK,
        )
    )
    later = services.event_create(
        actor=actors["organizer_editor"],
        **values(organizer, starts_at=start + 4 * WEEK, recurrence=Recurrence.WEEKLY),
    )
    assert later.occurrences.exists()


def test_a_weekly_rule_that_follows_one_ending_the_day_before_does_not_overlap(actors, organizer):
    # Given a dawn gathering in Tehran (the day before in UTC) whose repeats ended yesterday
    start = at(timezone.localdate() + 3 * DAY, 1, 0)
    event_make(
        **values(
            organizer,
            starts_at=start,
            recurrence=Recurrence.WEEKLY,
            repeat_until=start.date() + 6 * DAY,
        )
    )
    # When the same gathering is scheduled again from the next week (the time given in UTC, as
    # the API gives it)
    again = services.event_create(
        actor=actors["organizer_editor"],
        **values(
            organizer,
            starts_at=(start + WEEK).astimezone(datetime.UTC),
            recurrence=Recurrence.WEEKLY,
        ),
    )
    # Then it is accepted: the two rules never meet on the same day
    assert again.occurrences.exists()


def first_day_30(region: str = "IR") -> datetime.date:
    """The next day that is the 30th of a lunar month in ``region``."""
    day = timezone.localdate() + DAY
    while gregorian_to_lunar(day, region).day != 30:
        day += DAY
    return day


def test_a_yearly_hijri_rule_may_not_start_on_day_30(actors, organizer):
    # When a yearly rule starts on the 30th of a month (which 29-day years lack)
    errors = refused(
        actors["organizer_editor"],
        organizer,
        starts_at=at(first_day_30(), 19),
        recurrence=Recurrence.YEARLY_HIJRI,
    )
    # Then it is refused, pointing to "the last day of the month"
    assert errors["recurrence"] == [
        "Day 30 does not exist in a 29-day month. To keep the date every year, choose “the last "
        "day of the month”."
    ]
    assert not Event.objects.exists()
    # while a one-off event on that day is fine
    once = services.event_create(
        actor=actors["organizer_editor"], **values(organizer, starts_at=at(first_day_30(), 19))
    )
    assert keys(once) == ["once"]


def test_a_hijri_day_30_typed_for_a_29_day_month_is_refused():
    # Given Muharram 1446 with 29 days in the computed table
    assert lunar_month_length(1446, 1, "UQ") == 29
    # When its day 30 is typed, in any digits
    for text in ("1446/01/30", "۱۴۴۶/۱/۳۰", "30-1-1446"):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            date_parse(text, calendar="lunar", region="UQ")
        # Then it is refused with a message for the visitor
        assert error.value.messages == ["This day does not exist in that month."]
    # while day 29 is read
    assert date_parse("1446/01/29", calendar="lunar", region="UQ") == datetime.date(2024, 8, 4)


def test_the_province_and_city_must_be_in_the_country(actors, organizer):
    iran = Country.objects.get(code="IR")
    errors = refused(
        actors["organizer_editor"],
        organizer,
        country=iran,
        province=Province.objects.filter(country__code="IQ").first(),
        city=City.objects.get(name="Karbala"),
    )
    assert errors["province"] == ["This province is not in the chosen country."]
    assert errors["city"] == ["This city is not in the chosen country."]
    assert not Event.objects.exists()


def test_an_edition_belongs_to_a_series(actors, organizer):
    errors = refused(actors["organizer_editor"], organizer, kind=EventKind.CONFERENCE, edition=8)
    assert errors["edition"] == ["An edition number belongs to a series."]
    series = EventSeriesFactory(organizer=organizer)
    errors = refused(actors["organizer_editor"], organizer, series=series)
    assert errors["edition"] == ["Give the edition's number in its series."]
    assert not Event.objects.exists()


def test_an_edition_number_is_used_once_in_a_series(actors, organizer):
    series = EventSeriesFactory(organizer=organizer)
    event_make(**values(organizer, kind=EventKind.CONFERENCE, series=series, edition=8))
    errors = refused(
        actors["organizer_editor"], organizer, kind=EventKind.CONFERENCE, series=series, edition=8
    )
    assert "This series already has an edition with this number." in str(errors)
    assert Event.objects.count() == 1


def test_a_refused_update_changes_nothing(actors, organizer):
    # Given a weekly gathering
    event = event_make(**values(organizer, recurrence=Recurrence.WEEKLY))
    before = snapshot(event)
    # When its editor makes it end before it starts
    with pytest.raises(ValidationError):
        services.event_update(
            actor=actors["organizer_editor"],
            event=event,
            ends_at=event.starts_at - DAY,
            name="نام تازه",
        )
    # Then neither the event nor its occurrences changed
    assert snapshot(event) == before


# --- the daily horizon ------------------------------------------------------------------------


def test_extending_the_horizon_is_idempotent(organizer):
    # Given a weekly gathering with no end, and a yearly ceremony
    weekly = event_make(**values(organizer, recurrence=Recurrence.WEEKLY))
    event_make(
        **values(
            organizer,
            starts_at=at(first_day_30() + 2 * DAY, 20),
            venue="تکیه",
            recurrence=Recurrence.YEARLY_HIJRI,
        )
    )
    today = timezone.localdate()
    services.events_horizon_extend(today=today)
    # When the daily run runs again on the same day
    # Then it changes nothing
    assert services.events_horizon_extend(today=today) == 0
    # and a week later it adds the week that came inside the horizon, once
    count = weekly.occurrences.count()
    assert services.events_horizon_extend(today=today + WEEK) >= 1
    assert weekly.occurrences.count() == count + 1
    assert services.events_horizon_extend(today=today + WEEK) == 0


def test_the_horizon_skips_cancelled_events(organizer):
    event = event_make(**values(organizer, recurrence=Recurrence.WEEKLY))
    services.event_cancel(actor=SYSTEM, event=event)
    count = event.occurrences.count()
    services.events_horizon_extend(today=timezone.localdate() + 4 * WEEK)
    assert event.occurrences.count() == count


# --- outcomes ---------------------------------------------------------------------------------


@pytest.fixture
def conference(organizer):
    return event_make(
        **values(organizer, name="هشتمین همایش روابط عمومی", kind=EventKind.CONFERENCE)
    )


def test_outcomes_are_numbered_after_those_already_recorded(actors, conference, stranger):
    # Given a conference with two recommendations recorded
    editor = actors["organizer_editor"]
    services.event_outcomes_record(
        actor=editor,
        event=conference,
        outcomes=[
            OutcomeInput("تشکیل کارگروه رسانه", stranger),
            OutcomeInput("برگزاری دوره آموزشی", conference.organizer),
        ],
    )
    # When a third is recorded
    due = timezone.localdate() + 30 * DAY
    person = PersonFactory()
    created = services.event_outcomes_record(
        actor=editor,
        event=conference,
        outcomes=[OutcomeInput("گزارش به همایش بعدی", stranger, person, due)],
    )
    # Then it is number 3, a follow-up of the conference with its owner and due date
    assert [item.number for item in created] == [3]
    items = list(followups_of(conference))
    assert [item.number for item in items] == [1, 2, 3]
    assert (items[2].owner_organization, items[2].owner_person, items[2].due_on) == (
        stranger,
        person,
        due,
    )
    assert items[2].source == conference


def test_outcomes_are_all_or_nothing(actors, conference, stranger):
    # When one of three outcomes has no responsible organization
    with pytest.raises(ValidationError):
        services.event_outcomes_record(
            actor=actors["organizer_editor"],
            event=conference,
            outcomes=[
                OutcomeInput("اول", stranger),
                OutcomeInput("دوم", None),
                OutcomeInput("سوم", stranger),
            ],
        )
    # Then none is recorded
    assert not FollowUp.objects.exists()


def test_outcomes_are_refused_for_kinds_without_outcomes(actors, organizer, stranger):
    gathering = event_make(**values(organizer))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.event_outcomes_record(
            actor=actors["organizer_editor"],
            event=gathering,
            outcomes=[OutcomeInput("پیشنهاد", stranger)],
        )
    assert error.value.messages == [
        "Only conferences, meetings, expert sessions and congresses record outcomes."
    ]
    assert not FollowUp.objects.exists()


def test_no_outcomes_is_refused(actors, conference):
    with pytest.raises(ValidationError):
        services.event_outcomes_record(
            actor=actors["organizer_editor"], event=conference, outcomes=[]
        )


@pytest.mark.parametrize("who", REFUSED)
def test_others_may_not_record_outcomes(actors, conference, stranger, who):
    with pytest.raises(PermissionDenied):
        services.event_outcomes_record(
            actor=actors[who], event=conference, outcomes=[OutcomeInput("پیشنهاد", stranger)]
        )
    assert not FollowUp.objects.exists()


def test_an_event_with_outcomes_is_cancelled_not_deleted(actors, conference, stranger):
    services.event_outcomes_record(
        actor=SYSTEM, event=conference, outcomes=[OutcomeInput("پیشنهاد", stranger)]
    )
    with pytest.raises(ValidationError):
        services.event_delete(actor=actors["organizer_owner"], event=conference)
    assert Event.objects.filter(pk=conference.pk).exists()


def test_the_organizers_editors_manage_the_events_follow_ups(actors, conference, stranger):
    # Given a recommendation of the conference assigned to another organization
    (item,) = services.event_outcomes_record(
        actor=SYSTEM, event=conference, outcomes=[OutcomeInput("پیشنهاد", stranger)]
    )
    editor = actors["organizer_editor"]
    # Then the organizer's editor manages it: adds, edits, and sees it among their items
    assert source_manageable(editor, conference)
    assert followup_policy.allows(editor, "add", conference)
    assert followup_policy.allows(editor, "change", item)
    changed = followup_services.followup_update(
        actor=editor, followup=item, due_on=timezone.localdate() + 60 * DAY
    )
    assert changed.due_on == timezone.localdate() + 60 * DAY
    assert item in followup_list(user=editor)
    # while the organizer's viewer does not manage it
    assert not followup_policy.allows(actors["organizer_viewer"], "change", item)
    # and the responsible organization reports on it but does not manage it
    owner_editor = user_with_role(stranger, Role.EDITOR)
    assert followup_policy.allows(owner_editor, "report", item)
    assert not followup_policy.allows(owner_editor, "change", item)
    assert not source_manageable(actors["stranger_owner"], conference)


def test_another_organizers_editor_does_not_manage_the_events_follow_ups(conference, stranger):
    (item,) = services.event_outcomes_record(
        actor=SYSTEM, event=conference, outcomes=[OutcomeInput("پیشنهاد", stranger)]
    )
    outsider = user_with_role(OrganizationFactory(), Role.EDITOR)
    assert not followup_policy.allows(outsider, "change", item)
    assert item not in followup_list(user=outsider)
    with pytest.raises(PermissionDenied):
        followup_services.followup_update(actor=outsider, followup=item, text="تغییر")
