"""Every change to occasions, events, occurrences and outcomes goes through here.

Occurrences and occasion dates are derived: ``event_occurrences_refresh`` and
``occasion_dates_refresh`` rebuild them from the rules and from the lunar
month-start tables, raising an item's SEQUENCE when its date moves. They run
inside the write that changes a rule, after a month-start correction (see
``apps.py``), and daily to extend the horizon (``events_horizon_extend``).

Lock order: an event's row before its occurrences; a course's row before
its enrolments (``services_courses``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.core.calendars import (
    LUNAR_REGIONS,
    gregorian_to_lunar,
    lunar_month_length,
    lunar_to_gregorian,
)
from hamafza.core.models import LunarRegion
from hamafza.core.writes import unknown_fields_refuse
from hamafza.directory.models import Organization, Person
from hamafza.events.models import (
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Occasion,
    OccasionDate,
    Occurrence,
    Recurrence,
    hijri_day_check,
)
from hamafza.events.policies import event_policy, occasion_policy, series_policy

# How far ahead repetitions are written out; the daily task moves the horizon on.
WEEKLY_HORIZON_DAYS = 400
HIJRI_HORIZON_YEARS = 3
# Occasion dates kept around the current Hijri year.
OCCASION_YEARS_BEFORE = 1
OCCASION_YEARS_AFTER = 2

EVENT_FIELDS = frozenset(
    {
        "name",
        "names",
        "kind",
        "organizer",
        "description",
        "speakers",
        "language",
        "occasion",
        "series",
        "edition",
        "broadcast",
        "online",
        "online_url",
        "venue",
        "country",
        "province",
        "city",
        "latitude",
        "longitude",
        "starts_at",
        "ends_at",
        "all_day",
        "time_zone",
        "recurrence",
        "repeat_until",
        "lunar_region",
    }
)
EVENT_RELATIONS = frozenset({"partners", "countries"})
# The fields the event's lunar Hijri date (hijri_month, hijri_day) is read from.
HIJRI_DATE_FIELDS = ("starts_at", "time_zone", "lunar_region")
# Changing any of these rebuilds the occurrences.
RULE_FIELDS = frozenset(
    {
        "starts_at",
        "ends_at",
        "time_zone",
        "recurrence",
        "repeat_until",
        "lunar_region",
        "organizer",
        "country",
        "language",
    }
)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")}) from error


def lunar_region_for(country_code: str | None) -> str:
    """The month-start table a place follows: Iraq's in Iraq, else Iran's."""
    return LunarRegion.IRAQ if country_code == "IQ" else LunarRegion.IRAN


# --- occasions -------------------------------------------------------------------------------


def occasion_day_in(occasion: Occasion, *, year: int, region: str) -> datetime.date:
    """The Gregorian day the occasion's (or its eve's) date falls on in ``year``."""
    day = lunar_month_length(year, occasion.month, region) if occasion.last_day else occasion.day
    date = lunar_to_gregorian(year, occasion.month, day, region)
    return date - datetime.timedelta(days=1) if occasion.eve else date


def _occasion_years(today: datetime.date | None = None) -> range:
    today = today or timezone.localdate()
    current = gregorian_to_lunar(today, LunarRegion.UMM_AL_QURA).year
    return range(current - OCCASION_YEARS_BEFORE, current + OCCASION_YEARS_AFTER + 1)


def occasion_dates_refresh(
    *,
    occasions: Iterable[Occasion] | None = None,
    regions: Iterable[str] = LUNAR_REGIONS,
    years: Iterable[int] | None = None,
) -> int:
    """Recompute occasion dates; raise the SEQUENCE of each that moved. Returns how many moved
    or were created."""
    occasions = list(occasions if occasions is not None else Occasion.objects.all())
    years = list(years if years is not None else _occasion_years())
    regions = list(regions)
    if not occasions or not years:
        return 0
    changed = 0
    with transaction.atomic():
        existing = {
            (row.occasion_id, row.region, row.hijri_year): row
            for row in OccasionDate.objects.select_for_update().filter(
                occasion__in=occasions, region__in=regions, hijri_year__in=years
            )
        }
        new, moved = [], []
        for occasion in occasions:
            for region in regions:
                for year in years:
                    try:
                        starts_on = occasion_day_in(occasion, year=year, region=region)
                    except ValidationError:
                        continue  # outside the calendars' range
                    ends_on = starts_on + datetime.timedelta(days=occasion.length_days - 1)
                    row = existing.get((occasion.pk, region, year))
                    if row is None:
                        new.append(
                            OccasionDate(
                                occasion=occasion,
                                region=region,
                                hijri_year=year,
                                starts_on=starts_on,
                                ends_on=ends_on,
                            )
                        )
                    elif (row.starts_on, row.ends_on) != (starts_on, ends_on):
                        row.starts_on, row.ends_on = starts_on, ends_on
                        row.sequence += 1
                        moved.append(row)
        OccasionDate.objects.bulk_create(new, batch_size=500)
        OccasionDate.objects.bulk_update(
            moved, ["starts_on", "ends_on", "sequence"], batch_size=500
        )
        changed = len(new) + len(moved)
    return changed


OCCASION_FIELDS = frozenset(
    {"slug", "name", "names", "kind", "month", "day", "last_day", "eve", "length_days"}
    | {"description", "is_active"}
)


def occasion_save(*, actor, occasion: Occasion | None = None, **values) -> Occasion:
    """Create an occasion, or change one; its dates are recomputed in the same transaction."""
    unknown_fields_refuse(values, OCCASION_FIELDS)
    occasion_policy.check(actor, "add" if occasion is None else "change", occasion)
    with transaction.atomic():
        if occasion is None:
            occasion = Occasion(**values)
        else:
            occasion = Occasion.objects.select_for_update().get(pk=occasion.pk)
            for field, value in values.items():
                setattr(occasion, field, value)
        occasion.full_clean()
        occasion.save()
        # The years kept around today, and any other year it already has dates for, so that
        # no date of an earlier year stays where the old day put it.
        years = set(_occasion_years()) | set(occasion.dates.values_list("hijri_year", flat=True))
        occasion_dates_refresh(occasions=[occasion], years=sorted(years))
    return occasion


# --- occurrences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    key: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def _local(value: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    return timezone.localtime(value, zone)


def _at(date: datetime.date, time: datetime.time, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(date, time).replace(tzinfo=zone).astimezone(datetime.UTC)


def event_slots(event: Event, *, today: datetime.date | None = None) -> list[Slot]:
    """Every time ``event`` happens inside the horizon, by its rule."""
    zone = _zone(event.time_zone)
    start = _local(event.starts_at, zone)
    duration = event.ends_at - event.starts_at
    today = today or timezone.localdate()
    if event.recurrence == Recurrence.NONE:
        return [Slot("once", event.starts_at, event.ends_at)]
    if event.recurrence == Recurrence.WEEKLY:
        last = today + datetime.timedelta(days=WEEKLY_HORIZON_DAYS)
        if event.repeat_until:
            last = min(last, event.repeat_until)
        slots, day = [], start.date()
        while day <= last:
            begins = _at(day, start.time(), zone)
            slots.append(Slot(day.isoformat(), begins, begins + duration))
            day += datetime.timedelta(days=7)
        return slots
    # Yearly on the lunar Hijri date the event was scheduled on, in the event's region. The
    # date is the one kept in hijri_month/hijri_day: a later correction of the first year's
    # month moves that occurrence, not the rule.
    first = gregorian_to_lunar(start.date(), event.lunar_region)
    month, day_of_month = event.hijri_month or first.month, event.hijri_day or first.day
    first_year = first.year
    if (first.month, month) == (12, 1):
        first_year += 1
    elif (first.month, month) == (1, 12):
        first_year -= 1
    last_year = gregorian_to_lunar(today, event.lunar_region).year + HIJRI_HORIZON_YEARS
    if event.repeat_until:
        last_year = min(last_year, gregorian_to_lunar(event.repeat_until, event.lunar_region).year)
    slots = []
    for year in range(first_year, last_year + 1):
        try:
            day = lunar_to_gregorian(year, month, day_of_month, event.lunar_region)
        except ValidationError:
            continue
        if event.repeat_until and day > event.repeat_until:
            break
        begins = _at(day, start.time(), zone)
        slots.append(Slot(f"h{year}", begins, begins + duration))
    return slots


def event_occurrences_refresh(event: Event, *, today: datetime.date | None = None) -> int:
    """Write ``event``'s occurrences from its rule: new ones added, moved ones updated with a
    raised SEQUENCE, those the rule no longer gives removed. Returns how many changed."""
    slots = {slot.key: slot for slot in event_slots(event, today=today)}
    cancelled = event.status == EventStatus.CANCELLED
    copied = {
        "organizer_id": event.organizer_id,
        "country_id": event.country_id,
        "language_id": event.language_id,
        "cancelled": cancelled,
    }
    with transaction.atomic():
        existing = {
            row.key: row for row in Occurrence.objects.select_for_update().filter(event=event)
        }
        gone = [row.pk for key, row in existing.items() if key not in slots]
        Occurrence.objects.filter(pk__in=gone).delete()
        new, changed = [], []
        for key, slot in slots.items():
            row = existing.get(key)
            if row is None:
                row = Occurrence(
                    event=event,
                    key=key,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    **copied,
                )
                row.derived_set()
                new.append(row)
                continue
            moved = (row.starts_at, row.ends_at) != (slot.starts_at, slot.ends_at)
            status_changed = row.cancelled != cancelled
            other = any(getattr(row, field) != value for field, value in copied.items())
            if moved or other:
                row.starts_at, row.ends_at = slot.starts_at, slot.ends_at
                for field, value in copied.items():
                    setattr(row, field, value)
                if moved or status_changed:
                    row.sequence += 1
                row.derived_set()
                changed.append(row)
        Occurrence.objects.bulk_create(new, batch_size=500)
        Occurrence.objects.bulk_update(
            changed,
            ["starts_at", "ends_at", "sequence", "multi_day", *copied],
            batch_size=500,
        )
    return len(new) + len(changed) + len(gone)


def events_after_correction(*, region: str, year: int, month: int) -> int:
    """A month start moved in ``region``: move the occasions and yearly events that follow it."""
    years = range(year - 1, year + 2)
    changed = occasion_dates_refresh(regions=[region], years=years)
    events = Event.objects.filter(
        recurrence=Recurrence.YEARLY_HIJRI, lunar_region=region
    ).select_related(None)
    for event in events.iterator():
        changed += event_occurrences_refresh(event)
    return changed


def events_horizon_extend(*, today: datetime.date | None = None) -> int:
    """Daily: write repetitions and occasion dates that have come inside the horizon."""
    changed = occasion_dates_refresh(years=_occasion_years(today))
    repeating = Event.objects.exclude(recurrence=Recurrence.NONE).filter(
        status=EventStatus.SCHEDULED
    )
    for event in repeating.iterator():
        changed += event_occurrences_refresh(event, today=today)
    return changed


# --- events ----------------------------------------------------------------------------------


def _event_check(event: Event, *, partners: Iterable[Organization] = ()) -> None:
    """The rules a form cannot check field by field: raise ValidationError with translated
    messages."""
    errors: dict[str, str] = {}
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        errors["ends_at"] = _("The event cannot end before it starts.")
    if not event.online and not (event.venue or event.city_id or event.country_id):
        errors["venue"] = _("Give a venue or a city, or mark the event as online.")
    if event.online_url and not event.online:
        errors["online_url"] = _("An online address is for an event held online.")
    if event.edition is not None and event.series_id is None:
        errors["edition"] = _("An edition number belongs to a series.")
    if event.series_id is not None and event.edition is None:
        errors["edition"] = _("Give the edition's number in its series.")
    if event.province_id and event.country_id and event.province.country_id != event.country_id:
        errors["province"] = _("This province is not in the chosen country.")
    if event.city_id and event.country_id and event.city.country_id != event.country_id:
        errors["city"] = _("This city is not in the chosen country.")
    if event.kind == EventKind.COURSE and event.recurrence != Recurrence.NONE:
        errors["recurrence"] = _("A course does not repeat: give its sessions instead.")
    if event.starts_at and event.ends_at:
        errors.update(_rule_errors(event))
    if errors:
        raise ValidationError(errors)


def _rule_errors(event: Event) -> dict[str, str]:
    errors: dict[str, str] = {}
    duration = event.ends_at - event.starts_at
    if event.recurrence == Recurrence.NONE:
        if event.repeat_until:
            errors["repeat_until"] = _("Only a repeating event has an end to its repeats.")
        return errors
    first_day = _local(event.starts_at, _zone(event.time_zone)).date()
    if event.repeat_until and event.repeat_until < first_day:
        errors["repeat_until"] = _("The repeats cannot end before the first occurrence.")
    if event.recurrence == Recurrence.WEEKLY:
        if duration >= datetime.timedelta(days=7):
            errors["recurrence"] = _(
                "Each occurrence would run into the next one: a weekly event lasts less than "
                "a week."
            )
        else:
            other = _weekly_overlap(event)
            if other is not None:
                errors["recurrence"] = _(
                    "This weekly rule overlaps the weekly “%(event)s” of the same organizer "
                    "at the same venue."
                ) % {"event": other}
    if event.recurrence == Recurrence.YEARLY_HIJRI:
        if duration >= datetime.timedelta(days=29):
            errors["recurrence"] = _(
                "Each occurrence would run into the next one: a yearly event lasts less than "
                "a month."
            )
        day = event.hijri_day or (
            gregorian_to_lunar(
                timezone.localtime(event.starts_at, _zone(event.time_zone)).date(),
                event.lunar_region,
            ).day
        )
        try:
            hijri_day_check(day, field="recurrence")
        except ValidationError as error:
            errors.update({key: value[0] for key, value in error.message_dict.items()})
    return errors


def _week_minutes(value: datetime.datetime, zone: ZoneInfo) -> int:
    local = _local(value, zone)
    return local.weekday() * 1440 + local.hour * 60 + local.minute


def _weekly_overlap(event: Event) -> Event | None:
    """Another weekly event of the same organizer at the same venue whose weekly slot, in the
    weeks both run, overlaps this one's."""
    zone = _zone(event.time_zone)
    begin = _week_minutes(event.starts_at, zone)
    length = int((event.ends_at - event.starts_at).total_seconds() // 60)
    others = Event.objects.filter(
        organizer_id=event.organizer_id,
        recurrence=Recurrence.WEEKLY,
        status=EventStatus.SCHEDULED,
        venue=event.venue,
        online=event.online,
    ).exclude(pk=event.pk)
    first_day = _local(event.starts_at, zone).date()
    for other in others:
        if other.repeat_until and other.repeat_until < first_day:
            continue
        other_first_day = _local(other.starts_at, _zone(other.time_zone)).date()
        if event.repeat_until and other_first_day > event.repeat_until:
            continue
        other_begin = _week_minutes(other.starts_at, zone)
        other_length = int((other.ends_at - other.starts_at).total_seconds() // 60)
        for shift in (-10080, 0, 10080):  # the week before and after, for slots across Sunday
            start = other_begin + shift
            if start < begin + length and begin < start + other_length:
                return other
    return None


def _event_relations(event: Event, relations: dict) -> None:
    if "partners" in relations:
        event.partners.set(list(relations["partners"]))
    if "countries" in relations:
        event.countries.set(list(relations["countries"]))


def event_create(*, actor, **values) -> Event:
    """Schedule an event for ``organizer``; its occurrences are written in the same
    transaction. Refused, with nothing saved, when the rule or place does not hold."""
    unknown_fields_refuse(values, EVENT_FIELDS | EVENT_RELATIONS)
    relations = {key: values.pop(key) for key in EVENT_RELATIONS if key in values}
    event_policy.check(actor, "add", values.get("organizer"))
    event = Event(**values)
    if not values.get("lunar_region") and event.country_id:
        event.lunar_region = lunar_region_for(event.country.code)
    event.created_by = actor if getattr(actor, "pk", None) else None
    _hijri_fields(event)
    _event_check(event)
    event.full_clean(exclude=["created_by"])
    with transaction.atomic():
        event.save()
        _event_relations(event, relations)
        event_occurrences_refresh(event)
    return event


def _hijri_fields(event: Event) -> None:
    if event.starts_at is None:
        return
    local = timezone.localtime(event.starts_at, _zone(event.time_zone)).date()
    lunar = gregorian_to_lunar(local, event.lunar_region)
    event.hijri_month, event.hijri_day = lunar.month, lunar.day


def event_update(*, actor, event: Event, **values) -> Event:
    unknown_fields_refuse(values, EVENT_FIELDS | EVENT_RELATIONS)
    relations = {key: values.pop(key) for key in EVENT_RELATIONS if key in values}
    event_policy.check(actor, "change", event)
    if "organizer" in values and values["organizer"] != event.organizer:
        # Handing an event to another organizer needs rights in both.
        event_policy.check(actor, "add", values["organizer"])
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        timing = [getattr(locked, field) for field in HIJRI_DATE_FIELDS]
        for field, value in values.items():
            setattr(locked, field, value)
        if "country" in values and "lunar_region" not in values and locked.country_id:
            # Moved to another country: follow that country's calendar unless told otherwise.
            locked.lunar_region = lunar_region_for(locked.country.code)
        if [getattr(locked, field) for field in HIJRI_DATE_FIELDS] != timing:
            # The rule's Hijri date is read from the start only when the start changes: after
            # a correction, the same start may fall on another Hijri day.
            _hijri_fields(locked)
        _event_check(locked)
        locked.full_clean(exclude=["created_by"])
        locked.save()
        _event_relations(locked, relations)
        if RULE_FIELDS & set(values):
            event_occurrences_refresh(locked)
    return locked


def event_cancel(*, actor, event: Event) -> Event:
    """Cancel an event: its occurrences stay, marked cancelled, so that calendars that
    subscribed to them learn of it (STATUS:CANCELLED with a raised SEQUENCE)."""
    event_policy.check(actor, "change", event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == EventStatus.CANCELLED:
            raise ValidationError(_("This event has already been cancelled."))
        locked.status = EventStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        event_occurrences_refresh(locked)
    return locked


def event_delete(*, actor, event: Event) -> None:
    """Delete an event that has no outcomes or enrolments; cancel it otherwise."""
    from hamafza.followups.selectors import followups_of

    event_policy.check(actor, "delete", event)
    if followups_of(event).exists():
        raise ValidationError(
            _("This event has recorded outcomes that are followed up: cancel it instead.")
        )
    if hasattr(event, "course") and event.course.enrolments.exists():
        raise ValidationError(_("This course has enrolments: cancel it instead."))
    with transaction.atomic():
        event.delete()


def series_create(
    *, actor, organizer: Organization, name: str, names=None, description=""
) -> EventSeries:
    series_policy.check(actor, "add", organizer)
    series = EventSeries(organizer=organizer, name=name, names=names or {}, description=description)
    series.full_clean()
    with transaction.atomic():
        series.save()
    return series


# --- outcomes (recommendations and decisions) ------------------------------------------------


@dataclass(frozen=True)
class OutcomeInput:
    text: str
    owner_organization: Organization
    owner_person: Person | None = None
    due_on: datetime.date | None = None


def event_outcomes_record(*, actor, event: Event, outcomes: Iterable[OutcomeInput]):
    """Record a conference's recommendations or a meeting's decisions, numbered after any
    already recorded; each becomes a follow-up. All or nothing."""
    from hamafza.followups.services import followup_create

    if not event.has_outcomes:
        raise ValidationError(
            _("Only conferences, meetings, expert sessions and congresses record outcomes.")
        )
    event_policy.check(actor, "change", event)
    outcomes = list(outcomes)
    if not outcomes:
        raise ValidationError(_("Give at least one outcome."))
    created = []
    with transaction.atomic():
        for outcome in outcomes:
            created.append(
                followup_create(
                    actor=actor,
                    source=event,
                    text=outcome.text,
                    owner_organization=outcome.owner_organization,
                    owner_person=outcome.owner_person,
                    due_on=outcome.due_on,
                )
            )
    return created
