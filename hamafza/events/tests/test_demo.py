"""The events demo built from the five reports: real dates, numbered recommendations, courses
with enrolments in every status, occasion dates ahead, and loading it twice adds nothing.

The demo is loaded once for the module (inside a transaction rolled back at the end), after the
directory's and the broadcast's demos it builds on; each test reads it.
"""

import datetime
import importlib.util
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from hamafza.broadcast import demo as broadcast_demo
from hamafza.broadcast.models import Broadcast
from hamafza.core.calendars import gregorian_to_lunar, gregorian_to_solar
from hamafza.core.models import LunarRegion
from hamafza.directory import demo as directory_demo
from hamafza.directory.models import Membership, Organization, Person
from hamafza.events import demo
from hamafza.events.models import (
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    EventSeries,
    OccasionDate,
    Occurrence,
    Recurrence,
)
from hamafza.events.policies import course_policy, enrolment_policy, event_policy
from hamafza.events.selectors import series_open_outcomes
from hamafza.followups.models import FollowUp, FollowUpNote, FollowUpStatus
from hamafza.followups.selectors import followups_of


def _reference_data_ensure() -> None:
    from hamafza.core.calendars import hijri_month_starts_seed
    from hamafza.core.models import HijriMonthStart
    from hamafza.core.places import places_load, places_loaded
    from hamafza.directory.models import ActivityField
    from hamafza.directory.reference import activity_fields_load
    from hamafza.events.models import Occasion
    from hamafza.events.reference import occasions_load

    if not places_loaded():
        places_load()
    if not ActivityField.objects.exists():
        activity_fields_load()
    if not HijriMonthStart.objects.exists():
        hijri_month_starts_seed()
    if not Occasion.objects.exists():
        occasions_load()


def _earlier_demos_load() -> None:
    directory_demo.load()
    # Without ffmpeg the broadcast demo leaves its archive empty: only its channels and
    # scheduled broadcasts are wanted here.
    with override_settings(HAMAFZA_FFMPEG="/nonexistent/ffmpeg"):
        broadcast_demo.load()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The directory's and broadcast's demos, then this one; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        _reference_data_ensure()
        _earlier_demos_load()
        logins = demo.load()
        yield SimpleNamespace(logins=logins, today=timezone.localdate())
        transaction.set_rollback(True)


@pytest.fixture
def data(loaded, db):
    return loaded


def _org(english_name: str) -> Organization:
    return Organization.objects.get(names__en=english_name)


def _local(value: datetime.datetime, event: Event) -> datetime.datetime:
    return value.astimezone(ZoneInfo(event.time_zone))


def _last_day(event_or_occurrence, zone: str) -> datetime.date:
    """The last local day covered (an end at midnight does not cover the day it begins)."""
    end = event_or_occurrence.ends_at - datetime.timedelta(microseconds=1)
    return end.astimezone(ZoneInfo(zone)).date()


COUNTED = [
    Organization,
    Person,
    Membership,
    get_user_model(),
    EventSeries,
    Event,
    Occurrence,
    OccasionDate,
    Course,
    CourseSession,
    Enrolment,
    Enrolment.sessions_attended.through,
    FollowUp,
    FollowUpNote,
]


def test_it_is_found_by_demo_load_after_the_demos_it_builds_on():
    # given the command that loads every app's ``demo`` module in app order
    names = [config.name for config in apps.get_app_configs()]
    # then this module is found, after the directory, broadcast and follow-ups it reuses
    assert importlib.util.find_spec("hamafza.events.demo") is not None
    for earlier in ("hamafza.directory", "hamafza.broadcast", "hamafza.followups"):
        assert names.index(earlier) < names.index("hamafza.events")


def test_the_gathering_of_foreign_heyats_in_qom_on_a_wednesday_evening(data):
    # given report 000's gathering
    event = Event.objects.get(names__en__startswith="Gathering of the active religious")
    local = _local(event.starts_at, event)
    # then it was held on a Wednesday evening before today, in Qom, by Hey'at Online
    assert local.weekday() == 2 and local.hour >= 17
    assert local.date() < data.today
    assert event.city.name == "Qom"
    assert event.organizer == _org("Hey'at Online Institute")
    # with its partners and the eleven countries whose delegations came
    assert event.partners.filter(names__en="Ahl al-Bayt World Assembly").exists()
    assert set(event.countries.values_list("code", flat=True)) == {
        "IN", "PK", "AF", "BD", "TR", "AR", "AZ", "RU", "TJ", "NG", "TH",
    }  # fmt: skip


def test_the_mashhad_conference_is_on_14_azar_1404(data):
    # given report 001's conference of the secretaries of the steering headquarters
    event = Event.objects.get(names__en__startswith="Conference of the secretaries")
    local = _local(event.starts_at, event)
    # then it is on Friday 14 Azar 1404, which is 2025-12-05, in Mashhad
    assert local.date() == datetime.date(2025, 12, 5)
    assert gregorian_to_solar(local.date()) == (1404, 9, 14)
    assert local.weekday() == 4
    assert event.city.name == "Mashhad"
    assert event.kind == EventKind.CONFERENCE
    # the figures announced are in its description, in Persian digits
    for figure in ("۱۷۰", "۲۷", "۲۲۰", "۱۷۷", "۲۲", "۴۵"):
        assert figure in event.description
    # and the center's announced plans are its follow-ups
    items = list(followups_of(event))
    assert [item.number for item in items] == [1, 2, 3, 4]
    assert {item.owner_organization.names["en"] for item in items} == {
        "Hawza–State Communications Center"
    }


def test_the_press_conference_of_basij_sazandegi_qom(data):
    event = Event.objects.get(kind=EventKind.PRESS_CONFERENCE)
    local = _local(event.starts_at, event)
    # then it is in summer 1401, before the congress of 9 Mordad 1401, in Qom
    year, month, _day = gregorian_to_solar(local.date())
    assert (year, month) == (1401, 4)
    assert event.organizer.names["en"].startswith("Center for Studies and Guidance")
    assert "۷۸۰" in event.description and "۱۷٬۰۰۰" in event.description


def test_the_congress_is_on_9_to_11_mordad_every_year_at_the_shrine(data):
    # given the series of the yearly congress for volunteers who died in service
    series = EventSeries.objects.get(names__en="Congress for the volunteers who died in service")
    editions = list(series.editions.order_by("edition"))
    # then it holds report 002's 1401 edition, the last one and the coming one
    years = [gregorian_to_solar(_local(e.starts_at, e).date())[0] for e in editions]
    assert years[0] == 1401
    assert len(years) == 3 and years[2] == years[1] + 1
    coming = editions[-1]
    assert _last_day(coming, coming.time_zone) >= data.today
    assert _last_day(editions[1], editions[1].time_zone) < data.today
    for edition, year in zip(editions, years, strict=True):
        # each on 9–11 Mordad of its year, all day, at the shrine of Lady Masoumeh in Qom
        assert gregorian_to_solar(_local(edition.starts_at, edition).date()) == (year, 5, 9)
        assert gregorian_to_solar(_last_day(edition, edition.time_zone)) == (year, 5, 11)
        assert edition.all_day
        assert edition.kind == EventKind.CONGRESS
        assert edition.recurrence == Recurrence.NONE
        assert edition.city.name == "Qom"
        assert edition.partners.filter(names__en="Holy Shrine of Lady Masoumeh").exists()
        # and its one occurrence covers the same days
        occurrence = edition.occurrences.get()
        assert gregorian_to_solar(_last_day(occurrence, edition.time_zone)) == (year, 5, 11)


def test_the_8th_conference_has_7_numbered_recommendations_as_followups(data):
    # given the 8th periodic conference of the shrines' PR departments, in Kufa
    eighth = Event.objects.get(series__isnull=False, edition=8)
    assert eighth.city.name == "Kufa"
    assert eighth.time_zone == "Asia/Baghdad"
    assert eighth.lunar_region == LunarRegion.IRAQ
    assert eighth.organizer == _org("Great Mosque of Kufa and its shrines")
    assert eighth.partners.filter(names__en="Holy Shrine of Kadhimiya").exists()
    # then its 7 recommendations are follow-ups numbered 1 to 7, in the conference's Arabic
    items = list(followups_of(eighth))
    assert [item.number for item in items] == [1, 2, 3, 4, 5, 6, 7]
    assert "دليل فصلي موحّد" in items[2].text
    assert "المنظمات الدولية والإسلامية" in items[4].text
    # owned by the bodies that were present, with due dates after the conference
    owners = {item.owner_organization.names["en"] for item in items}
    assert owners <= {
        "Shia Endowment Office",
        "Holy Shrine of Kadhimiya",
        "Great Mosque of Kufa and its shrines",
    }
    assert len(owners) == 3
    held = _local(eighth.starts_at, eighth).date()
    assert all(item.due_on > held for item in items)
    assert any(item.status == FollowUpStatus.IN_PROGRESS for item in items)
    taha = [item for item in items if item.owner_person_id]
    assert taha and all(item.owner_person.name == "حسن هادی طه" for item in taha)


def test_the_series_shows_the_open_recommendations_of_the_7th_edition(data):
    # given the series of the PR conferences, with an earlier 7th edition
    eighth = Event.objects.get(series__isnull=False, edition=8)
    seventh = Event.objects.get(series=eighth.series, edition=7)
    assert seventh.starts_at < eighth.starts_at
    # when the 8th edition's page asks for what earlier editions left open
    grouped = series_open_outcomes(eighth.series, before_edition=8)
    # then the 7th edition is listed with its items still open, and not those it closed
    assert [edition for edition, _items in grouped] == [seventh]
    open_items = grouped[0][1]
    assert 1 <= len(open_items) < followups_of(seventh).count()
    assert followups_of(seventh).filter(status=FollowUpStatus.DONE).exists()


def test_the_pdo_ipo_meeting_its_decisions_and_the_expert_session_it_decided(data):
    meeting = Event.objects.get(
        kind=EventKind.MEETING, organizer__names__en="Passive Defense Organization"
    )
    assert meeting.partners.filter(names__en="Islamic Propagation Organization").exists()
    decisions = list(followups_of(meeting))
    texts = " ".join(item.text for item in decisions)
    # the decisions: an MoU, a joint framework, expert sessions, content for target audiences
    assert len(decisions) == 5
    for words in ("تفاهم‌نامه", "چارچوب", "جلسات کارشناسی", "ائمه محترم جماعات"):
        assert words in texts
    # and the expert session they decided is coming
    session = Event.objects.get(kind=EventKind.EXPERT_SESSION)
    assert session.starts_at > timezone.now() > meeting.ends_at


def test_ceremonies_repeat_every_hijri_year_on_their_occasion(data):
    ceremonies = Event.objects.filter(kind=EventKind.CEREMONY).select_related("occasion")
    assert {e.occasion.slug for e in ceremonies} >= {"ashura", "arbaeen", "qadr-19", "qadr-23"}
    for event in ceremonies:
        assert event.recurrence == Recurrence.YEARLY_HIJRI
        # one occurrence a Hijri year from the first, past today, on the same Hijri date
        keys = list(event.occurrences.order_by("starts_at").values_list("key", flat=True))
        years = [int(key[1:]) for key in keys]
        assert years == list(range(years[0], years[0] + len(years)))
        assert len(years) >= 3
        for occurrence in event.occurrences.all():
            local = _local(occurrence.starts_at, event).date()
            lunar = gregorian_to_lunar(local, event.lunar_region)
            assert (lunar.month, lunar.day) == (event.hijri_month, event.hijri_day)
    # Ashura in Kadhimiya follows Iraq's calendar, at its own hour
    kadhimiya = ceremonies.get(
        occasion__slug="ashura", organizer__names__en="Holy Shrine of Kadhimiya"
    )
    assert kadhimiya.lunar_region == LunarRegion.IRAQ
    assert (kadhimiya.hijri_month, kadhimiya.hijri_day) == (1, 10)
    # the nights of Qadr begin on the evening before the day
    night = ceremonies.get(occasion__slug="qadr-19")
    assert (night.hijri_month, night.hijri_day) == (9, 18)
    assert _local(night.ends_at, night).date() > _local(night.starts_at, night).date()


def test_weekly_gatherings_one_online_with_the_linked_broadcast(data):
    weekly = Event.objects.filter(recurrence=Recurrence.WEEKLY)
    assert weekly.count() >= 2
    linked = weekly.filter(online=True, broadcast__isnull=False)
    assert linked.exists()
    for event in linked.select_related("broadcast__channel"):
        broadcast = event.broadcast
        # the broadcast is the organizer's, and one of the rule's occurrences is at its time
        assert broadcast.channel.organization_id == event.organizer_id
        assert event.occurrences.filter(starts_at=broadcast.scheduled_start).exists()
    for event in weekly:
        starts = list(event.occurrences.order_by("starts_at").values_list("starts_at", flat=True))
        assert len(starts) > 50
        zone = ZoneInfo(event.time_zone)
        hours = {(s.astimezone(zone).weekday(), s.astimezone(zone).time()) for s in starts}
        assert len(hours) == 1  # same weekday, same local hour
        assert starts[0] < timezone.now() < starts[-1]


def test_courses_have_enrolments_in_several_statuses(data):
    khedmat = Course.objects.get(event__names__en="Rasm-e Khedmat specialised course")
    hejrat = Course.objects.get(event__names__en="Rasm-e Hejrat course")

    def statuses(course):
        counts = {}
        for status in course.enrolments.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        return counts

    # Rasm-e Khedmat: last summer, for leaders of volunteer councils; finished and closed
    assert khedmat.audience == "council_leaders"
    assert khedmat.event.ends_at < timezone.now()
    assert gregorian_to_solar(_local(khedmat.event.starts_at, khedmat.event).date())[1] == 4
    assert khedmat.sessions.count() == 4
    assert statuses(khedmat) == {
        EnrolmentStatus.ATTENDED: 15,
        EnrolmentStatus.ACCEPTED: 3,
        EnrolmentStatus.DECLINED: 2,
        EnrolmentStatus.WITHDRAWN: 2,
    }
    attended = khedmat.enrolments.filter(status=EnrolmentStatus.ATTENDED)
    numbers = list(attended.values_list("certificate_number", flat=True))
    assert all(numbers) and len(set(numbers)) == 15
    for enrolment in attended:
        assert enrolment.sessions_attended.count() >= khedmat.attendance_required
    for enrolment in khedmat.enrolments.filter(status=EnrolmentStatus.ACCEPTED):
        assert enrolment.sessions_attended.count() < khedmat.attendance_required
        assert not enrolment.certificate_number
    # Rasm-e Hejrat: the coming summer, for groups and their media liaisons; enrolment open
    assert hejrat.audience == "media_liaisons"
    assert hejrat.event.starts_at > timezone.now()
    assert hejrat.enrolment_closes_on >= data.today
    assert hejrat.sessions.count() == 3
    assert statuses(hejrat) == {
        EnrolmentStatus.ACCEPTED: 16,
        EnrolmentStatus.WAITLISTED: 2,
        EnrolmentStatus.APPLIED: 2,
        EnrolmentStatus.DECLINED: 1,
        EnrolmentStatus.WITHDRAWN: 1,
    }
    # every seat counted, none over capacity; each person sent by a volunteer group
    for course in (khedmat, hejrat):
        seated = course.enrolments.filter(status__in=("accepted", "attended")).count()
        assert course.seats_taken == seated <= course.capacity
        assert not course.enrolments.filter(organization__isnull=True).exists()
    assert hejrat.seats_taken == hejrat.capacity
    # the organizer is Basij Sazandegi's center in Qom
    assert khedmat.event.organizer.names["en"].startswith("Center for Studies and Guidance")


def test_occasion_dates_exist_for_the_current_and_coming_hijri_year(data):
    current = gregorian_to_lunar(data.today, LunarRegion.UMM_AL_QURA).year
    for year in (current, current + 1):
        for region in (LunarRegion.IRAN, LunarRegion.IRAQ):
            dates = OccasionDate.objects.filter(hijri_year=year, region=region)
            assert dates.filter(occasion__slug="ashura").exists()
            assert dates.filter(occasion__slug="arbaeen").exists()
            assert dates.filter(occasion__slug="qadr-23").exists()
    # the next Ashura is ahead of today
    assert OccasionDate.objects.filter(
        occasion__slug="ashura", region=LunarRegion.IRAN, starts_on__gte=data.today
    ).exists()


def test_an_organizers_editor_login_can_edit_demo_events(data):
    User = get_user_model()
    logins = {username for username, _password, _description in data.logins}
    assert "ekhlasmand" in logins
    # the directory's "editor" edits the events of the Kadhimiya shrine
    editor = User.objects.get(username="editor")
    kadhimiya = Event.objects.filter(organizer__names__en="Holy Shrine of Kadhimiya")
    assert kadhimiya.exists()
    assert all(event_policy.allows(editor, "change", event) for event in kadhimiya)
    assert not event_policy.allows(editor, "change", Event.objects.get(kind=EventKind.MEETING))
    # and this demo's "ekhlasmand" runs the summer courses: decides enrolments, takes attendance
    ekhlasmand = User.objects.get(username="ekhlasmand")
    assert ekhlasmand.person.name == "علی اخلاص‌مند"
    for course in Course.objects.select_related("event"):
        assert course_policy.allows(ekhlasmand, "change", course)
        assert event_policy.allows(ekhlasmand, "change", course.event)
        enrolment = course.enrolments.select_related("course__event").first()
        assert enrolment_policy.allows(ekhlasmand, "change", enrolment)


def test_loading_again_adds_nothing(data):
    # given the demo loaded once
    before = {model.__name__: model.objects.count() for model in COUNTED}
    linked = Broadcast.objects.filter(events__isnull=False).count()
    # when demo_load runs again (the earlier demos, then this one)
    _earlier_demos_load()
    demo.load()
    # then nothing is duplicated
    assert {model.__name__: model.objects.count() for model in COUNTED} == before
    assert Broadcast.objects.filter(events__isnull=False).count() == linked
