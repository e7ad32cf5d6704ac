"""Field operations' services: the activity status derived over time, what is refused (with a
translated message and nothing saved), and who may write."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from hamafza.core.models import Country, Language, Province
from hamafza.core.permissions import SYSTEM
from hamafza.directory.models import ActivityField
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.fieldops import services
from hamafza.fieldops.models import (
    ActivitySource,
    ActivityStatus,
    Camp,
    Campaign,
    CampPhoto,
    CampService,
    CampStatus,
    Distribution,
    GroupActivity,
    PointStatus,
    ServicePoint,
    VolunteerGroup,
)
from hamafza.fieldops.routes import pole_point
from hamafza.fieldops.services import ServiceInput
from hamafza.fieldops.tests.factories import (
    KARBALA,
    MEHRAN,
    QOM,
    CampaignFactory,
    CampFactory,
    DistributionFactory,
    GroupActivityFactory,
    GroupOrganizationFactory,
    ServicePointFactory,
    VolunteerGroupFactory,
    days_ago,
    round_coordinate,
)

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "group_editor",
    "sponsor_editor",
    "operator_editor",
    "operator_viewer",
    "stranger_owner",
    "coordinator",
)
# A tiny PNG: the first bytes are what the upload check reads.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def today() -> datetime.date:
    return timezone.localdate()


def status_of(group) -> tuple[str, int, datetime.date | None]:
    group.refresh_from_db()
    return group.activity_status, group.active_quarters, group.last_active_on


def camp_values(**extra) -> dict:
    """What the camp form sends: a week's construction camp in a Qom village, three weeks ago."""
    starts_on = extra.pop("starts_on", days_ago(21))
    data = {
        "field": ActivityField.objects.get(code="construction"),
        "starts_on": starts_on,
        "ends_on": starts_on + datetime.timedelta(days=6),
        "province": Province.objects.get(code="IR-25"),
        "village": "کهک",
        "latitude": round_coordinate(QOM[0]),
        "longitude": round_coordinate(QOM[1]),
        "volunteers": 14,
        "beneficiaries": 320,
        "report": "مرمت خانه‌های روستا",
    }
    data.update(extra)
    return data


def distribution_values(**extra) -> dict:
    data = {
        "package_kind": "livelihood",
        "quantity": 200,
        "households": 200,
        "distributed_on": days_ago(5),
        "province": Province.objects.get(code="IR-25"),
        "place": "شهرک قدس",
    }
    data.update(extra)
    return data


def point_values(**extra) -> dict:
    """A mawkib on the walk at pole 700, in Iraq."""
    latitude, longitude = pole_point("najaf_karbala", 700)
    data = {
        "name": "موکب خدام الحسین",
        "kind": "mawkib",
        "country": Country.objects.get(code="IQ"),
        "latitude": round_coordinate(latitude),
        "longitude": round_coordinate(longitude),
        "route": "najaf_karbala",
        "pole": 700,
        "services": ["food", "water", "rest"],
        "hours": "24",
    }
    data.update(extra)
    return data


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- activity status derived over time -------------------------------------------------------


def test_activity_in_four_quarters_is_active_all_year(group):
    # Given work logged in each of the last four quarters
    for age in (10, 100, 190, 280):
        GroupActivityFactory(group=group, on=days_ago(age))
    # When the statuses are recomputed
    services.groups_activity_refresh()
    # Then the group is active all year, four quarters, last active ten days ago
    assert status_of(group) == (ActivityStatus.ACTIVE, 4, days_ago(10))


def test_three_quarters_are_enough_and_one_or_two_are_seasonal(sponsor):
    # Given groups active in three, two and one of the last four quarters
    three, two, one = (VolunteerGroupFactory(sponsor=sponsor) for _ in range(3))
    for age in (5, 95, 185):
        GroupActivityFactory(group=three, on=days_ago(age))
    for age in (5, 6, 200):
        GroupActivityFactory(group=two, on=days_ago(age))
    GroupActivityFactory(group=one, on=days_ago(300))
    # When the statuses are recomputed
    changed = services.groups_activity_refresh()
    # Then three quarters is active, one or two seasonal; all three changed
    assert changed == 3
    assert status_of(three)[:2] == (ActivityStatus.ACTIVE, 3)
    assert status_of(two)[:2] == (ActivityStatus.SEASONAL, 2)
    assert status_of(one)[:2] == (ActivityStatus.SEASONAL, 1)


def test_no_activity_within_a_year_is_dormant(group):
    # Given work logged only a year and more ago
    GroupActivityFactory(group=group, on=days_ago(360))
    GroupActivityFactory(group=group, on=days_ago(700))
    # When the statuses are recomputed
    services.groups_activity_refresh()
    # Then the group is dormant, and its last activity is still known
    assert status_of(group) == (ActivityStatus.DORMANT, 0, days_ago(360))


def test_time_alone_moves_a_group_from_active_to_seasonal_to_dormant(group):
    # Given work logged in each of the four quarters before a day
    day = today()
    for age in (10, 100, 190, 280):
        GroupActivityFactory(group=group, on=day - datetime.timedelta(days=age))
    # When the daily refresh runs on that day, half a year later and a year later
    services.groups_activity_refresh(today=day)
    first = status_of(group)[:2]
    services.groups_activity_refresh(today=day + datetime.timedelta(days=180))
    second = status_of(group)[:2]
    changed = services.groups_activity_refresh(today=day + datetime.timedelta(days=360))
    third = status_of(group)[:2]
    # Then the same group is active, then seasonal (two quarters left), then dormant
    assert first == (ActivityStatus.ACTIVE, 4)
    assert second == (ActivityStatus.SEASONAL, 2)
    assert third == (ActivityStatus.DORMANT, 0)
    assert changed == 1


def test_refresh_changes_nothing_the_second_time_and_takes_ids_from_a_generator(group, sponsor):
    # Given two groups with activity, one refreshed already
    other = VolunteerGroupFactory(sponsor=sponsor)
    GroupActivityFactory(group=group, on=days_ago(3))
    GroupActivityFactory(group=other, on=days_ago(3))
    assert services.groups_activity_refresh(groups=(pk for pk in [group.pk])) == 1
    # When the refresh runs again for both
    changed = services.groups_activity_refresh()
    # Then only the other group changed; the first was already right
    assert changed == 1
    assert status_of(group)[0] == status_of(other)[0] == ActivityStatus.SEASONAL


def test_the_management_command_refreshes_as_of_a_day(group):
    from io import StringIO

    from django.core.management import call_command

    # Given work logged ten days ago
    GroupActivityFactory(group=group, on=days_ago(10))
    # When the command runs once, then as of a day more than a year later
    out = StringIO()
    call_command("groups_activity_refresh", stdout=out)
    after_now = status_of(group)[0]
    later = (today() + datetime.timedelta(days=400)).isoformat()
    call_command("groups_activity_refresh", "--today", later, stdout=out)
    # Then the group was seasonal, then dormant, and the command said so
    assert (after_now, status_of(group)[0]) == (ActivityStatus.SEASONAL, ActivityStatus.DORMANT)
    assert "groups_activity_refresh: 1 groups changed status" in out.getvalue()


def test_the_task_refreshes_the_groups(group):
    from hamafza.fieldops.tasks import groups_activity_refresh_task

    GroupActivityFactory(group=group, on=days_ago(10))
    result = groups_activity_refresh_task.enqueue(group_ids=[group.pk])
    assert result.return_value == 1
    assert status_of(group)[0] == ActivityStatus.SEASONAL


def test_approving_a_camp_logs_the_groups_activity(group, actors):
    # Given a camp logged by the group three weeks ago
    camp = services.camp_create(actor=actors["group_editor"], group=group, **camp_values())
    assert not GroupActivity.objects.exists()
    # When the sponsoring body approves it
    services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=True)
    # Then its first day is the group's activity, in the camp's field, and the group is seasonal
    activity = GroupActivity.objects.get()
    assert (activity.source, activity.source_id, activity.on, activity.field.code) == (
        ActivitySource.CAMP,
        camp.pk,
        camp.starts_on,
        "construction",
    )
    assert status_of(group) == (ActivityStatus.SEASONAL, 1, camp.starts_on)


def test_a_rejected_camp_is_no_activity(group, actors):
    # Given a camp logged by the group
    camp = services.camp_create(actor=actors["group_editor"], group=group, **camp_values())
    # When the sponsoring body rejects it, saying why
    services.camp_decide(
        actor=actors["sponsor_editor"], camp=camp, approve=False, note="گزارش ناقص است"
    )
    # Then nothing is logged and the group stays dormant
    camp.refresh_from_db()
    assert camp.status == CampStatus.REJECTED
    assert not GroupActivity.objects.exists()
    assert status_of(group)[0] == ActivityStatus.DORMANT


def test_a_rejection_needs_a_reason_and_a_decision_is_made_once(group, actors, english):
    camp = services.camp_create(actor=actors["group_editor"], group=group, **camp_values())
    with pytest.raises(ValidationError) as refused:
        services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=False)
    assert "Say why the camp is rejected." in messages_of(refused.value)
    services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=True)
    with pytest.raises(ValidationError) as again:
        services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=False, note="x")
    assert "already been decided" in messages_of(again.value)
    assert Camp.objects.get().status == CampStatus.APPROVED


def test_deleting_a_camp_removes_its_activity(group, actors):
    # Given an approved camp (the only activity of the group)
    camp = services.camp_create(actor=actors["group_editor"], group=group, **camp_values())
    services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=True)
    assert status_of(group)[0] == ActivityStatus.SEASONAL
    # When a coordinator deletes it
    services.camp_delete(actor=actors["coordinator"], camp=Camp.objects.get())
    # Then the activity is gone and the group is dormant again
    assert not GroupActivity.objects.exists()
    assert status_of(group) == (ActivityStatus.DORMANT, 0, None)


def test_moving_an_approved_camp_moves_its_activity(group, actors):
    camp = services.camp_create(actor=actors["group_editor"], group=group, **camp_values())
    camp = services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=True)
    # When a coordinator corrects its dates to a year and a half ago
    starts_on = days_ago(540)
    services.camp_update(
        actor=actors["coordinator"],
        camp=camp,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=2),
    )
    # Then its activity moved with it (still one row) and the group is dormant
    assert list(GroupActivity.objects.values_list("on", flat=True)) == [starts_on]
    assert status_of(group) == (ActivityStatus.DORMANT, 0, starts_on)


def test_a_distribution_logs_activity_and_deleting_it_removes_it(group, actors):
    # Given a campaign of the sponsoring body
    campaign = CampaignFactory(organizer=group.sponsor)
    # When the group records a delivery five days ago
    distribution = services.distribution_record(
        actor=actors["group_editor"], campaign=campaign, group=group, **distribution_values()
    )
    # Then it is the group's activity
    activity = GroupActivity.objects.get()
    assert (activity.source, activity.source_id, activity.on) == (
        ActivitySource.DISTRIBUTION,
        distribution.pk,
        days_ago(5),
    )
    assert status_of(group)[0] == ActivityStatus.SEASONAL
    # And when the campaign's organizer corrects its date, the activity follows (one row)
    services.distribution_update(
        actor=actors["sponsor_editor"], distribution=distribution, distributed_on=days_ago(7)
    )
    assert list(GroupActivity.objects.values_list("on", flat=True)) == [days_ago(7)]
    # And when it is deleted, so is the activity
    services.distribution_delete(actor=actors["sponsor_editor"], distribution=distribution)
    assert not Distribution.objects.exists()
    assert not GroupActivity.objects.exists()
    assert status_of(group)[0] == ActivityStatus.DORMANT


def test_a_group_logs_other_work_once_it_has_happened(group, actors, english):
    services.group_activity_log(
        actor=actors["group_editor"], group=group, on=days_ago(1), description="کلاس قرآن"
    )
    assert status_of(group)[0] == ActivityStatus.SEASONAL
    with pytest.raises(ValidationError) as future:
        services.group_activity_log(
            actor=actors["group_editor"],
            group=group,
            on=today() + datetime.timedelta(days=1),
            description="x",
        )
    assert "once it has happened" in messages_of(future.value)
    with pytest.raises(ValidationError) as empty:
        services.group_activity_log(
            actor=actors["group_editor"], group=group, on=days_ago(1), description="  "
        )
    assert "Say what the group did." in messages_of(empty.value)
    assert GroupActivity.objects.count() == 1


# --- bad input: a translated message, nothing saved ------------------------------------------


def test_a_camp_longer_than_fourteen_days_is_refused(group, actors, english):
    # Given a camp of fifteen days
    starts_on = days_ago(30)
    values = camp_values(starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=14))
    # When the group logs it
    with pytest.raises(ValidationError) as refused:
        services.camp_create(actor=actors["group_editor"], group=group, **values)
    # Then it is refused on its last day, and nothing is saved
    assert refused.value.message_dict["ends_on"] == ["A camp lasts from 1 to 14 days."]
    assert not Camp.objects.exists()


def test_a_camp_of_fourteen_days_and_of_one_day_are_accepted(group, actors):
    starts_on = days_ago(30)
    services.camp_create(
        actor=actors["group_editor"],
        group=group,
        **camp_values(starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=13)),
    )
    services.camp_create(
        actor=actors["group_editor"],
        group=group,
        **camp_values(starts_on=starts_on, ends_on=starts_on, neighbourhood="زنبیل‌آباد"),
    )
    assert sorted(camp.days for camp in Camp.objects.all()) == [1, 14]


def test_a_camp_ending_before_it_starts_is_refused(group, actors, english):
    starts_on = days_ago(30)
    values = camp_values(starts_on=starts_on, ends_on=starts_on - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.camp_create(actor=actors["group_editor"], group=group, **values)
    assert "A camp cannot end before it starts." in messages_of(refused.value)
    assert not Camp.objects.exists()


def test_a_camp_longer_than_fourteen_days_is_refused_in_persian(group, actors):
    starts_on = days_ago(30)
    values = camp_values(starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=20))
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        services.camp_create(actor=actors["group_editor"], group=group, **values)
    with translation.override("fa"):
        message = refused.value.message_dict["ends_on"][0]
    # The message is whole (its number filled in), whether or not it is translated yet
    assert "14" in message or "۱۴" in message
    assert not Camp.objects.exists()


def test_a_camp_outside_its_provinces_country_is_refused(group, actors, english):
    # Given a camp in Qom province whose point is in Karbala
    values = camp_values(
        latitude=round_coordinate(KARBALA[0]), longitude=round_coordinate(KARBALA[1])
    )
    with pytest.raises(ValidationError) as refused:
        services.camp_create(actor=actors["group_editor"], group=group, **values)
    assert refused.value.message_dict["latitude"] == ["This point is outside Iran."]
    assert not Camp.objects.exists()


def test_a_negative_quantity_names_the_service_row_and_saves_nothing(group, actors, english):
    # Given a camp with two services, the second one negative
    services_delivered = [
        ServiceInput(name="ویزیت پزشکی", quantity=120, unit="visits"),
        ServiceInput(name="توزیع دارو", quantity=-1, unit="items"),
    ]
    # When the group logs it
    with pytest.raises(ValidationError) as refused:
        services.camp_create(
            actor=actors["group_editor"], group=group, services=services_delivered, **camp_values()
        )
    # Then the message names the second row, and neither the camp nor a service is saved
    message = refused.value.message_dict["services"][0]
    assert message.startswith("Service 2:")
    assert "greater than or equal to 0" in message
    assert not Camp.objects.exists()
    assert not CampService.objects.exists()


def test_a_camps_services_are_saved_with_it(group, actors):
    camp = services.camp_create(
        actor=actors["group_editor"],
        group=group,
        services=[ServiceInput(name="ویزیت پزشکی", quantity=Decimal("120"), unit="visits")],
        **camp_values(),
    )
    assert list(camp.services.values_list("name", "quantity", "unit")) == [
        ("ویزیت پزشکی", Decimal("120.00"), "visits")
    ]


@pytest.mark.parametrize("quantity", [0, -5])
def test_a_distribution_of_no_or_negative_packages_is_refused(quantity, group, actors, english):
    campaign = CampaignFactory(organizer=group.sponsor)
    with pytest.raises(ValidationError) as refused:
        services.distribution_record(
            actor=actors["group_editor"],
            campaign=campaign,
            group=group,
            **distribution_values(quantity=quantity),
        )
    assert "quantity" in refused.value.message_dict
    assert not Distribution.objects.exists()
    assert not GroupActivity.objects.exists()


def test_a_distribution_outside_its_campaign_or_in_the_future_is_refused(group, actors, english):
    campaign = CampaignFactory(organizer=group.sponsor, starts_on=days_ago(30))
    for day, message in (
        (days_ago(31), "This day is before the campaign began."),
        (today() + datetime.timedelta(days=1), "A distribution is recorded once it has happened."),
    ):
        with pytest.raises(ValidationError) as refused:
            services.distribution_record(
                actor=actors["group_editor"],
                campaign=campaign,
                group=group,
                **distribution_values(distributed_on=day),
            )
        assert refused.value.message_dict["distributed_on"] == [message]
    assert not Distribution.objects.exists()


def test_the_same_delivery_is_not_recorded_twice(group, actors, english):
    # Given a delivery recorded in a Qom neighbourhood (no city given)
    campaign = CampaignFactory(organizer=group.sponsor)
    services.distribution_record(
        actor=actors["group_editor"], campaign=campaign, group=group, **distribution_values()
    )
    # When the same delivery is recorded again
    with pytest.raises(ValidationError) as refused:
        services.distribution_record(
            actor=actors["sponsor_editor"], campaign=campaign, group=group, **distribution_values()
        )
    # Then it is refused: the packages are counted once
    assert "already recorded" in messages_of(refused.value)
    assert Distribution.objects.count() == 1


def test_a_point_outside_its_country_is_refused(operator, actors, english):
    # Given a point said to be in Iraq whose coordinates are in Qom
    values = point_values(
        route="",
        pole=None,
        latitude=round_coordinate(QOM[0]),
        longitude=round_coordinate(QOM[1]),
    )
    with pytest.raises(ValidationError) as refused:
        services.service_point_create(actor=actors["operator_editor"], operator=operator, **values)
    assert refused.value.message_dict["latitude"] == ["This point is outside Iraq."]
    assert not ServicePoint.objects.exists()


def test_a_border_post_at_mehran_is_in_iran(operator, actors):
    point = services.service_point_create(
        actor=actors["operator_editor"],
        operator=operator,
        **point_values(
            name="ایستگاه مرز مهران",
            kind="border",
            country=Country.objects.get(code="IR"),
            route="",
            pole=None,
            border_crossing="mehran",
            latitude=round_coordinate(MEHRAN[0]),
            longitude=round_coordinate(MEHRAN[1]),
            services=["water", "medical"],
            languages=Language.objects.filter(code__in=["fa", "ar"]),
        ),
    )
    assert point.country.code == "IR"
    assert sorted(point.languages.values_list("code", flat=True)) == ["ar", "fa"]
    assert point.status == PointStatus.OPEN and point.status_changed_at is not None


@pytest.mark.parametrize("pole", [0, 1453])
def test_a_pole_out_of_range_is_refused(pole, operator, actors, english):
    with pytest.raises(ValidationError) as refused:
        services.service_point_create(
            actor=actors["operator_editor"], operator=operator, **point_values(pole=pole)
        )
    assert "pole" in refused.value.message_dict
    assert not ServicePoint.objects.exists()


def test_a_pole_without_a_route_is_refused(operator, actors, english):
    with pytest.raises(ValidationError) as refused:
        services.service_point_create(
            actor=actors["operator_editor"], operator=operator, **point_values(route="")
        )
    assert "A pole number belongs to a route." in messages_of(refused.value)
    assert not ServicePoint.objects.exists()


@pytest.mark.parametrize("offered", [["food", "spa"], "food", [1]])
def test_unknown_services_are_refused(offered, operator, actors, english):
    with pytest.raises(ValidationError) as refused:
        services.service_point_create(
            actor=actors["operator_editor"], operator=operator, **point_values(services=offered)
        )
    assert refused.value.message_dict["services"] == ["Choose the services from the list."]
    assert not ServicePoint.objects.exists()


def test_an_unknown_status_or_field_is_refused(operator, actors, english):
    point = ServicePointFactory(operator=operator)
    with pytest.raises(ValidationError) as status:
        services.service_point_status_set(actor=actors["operator_editor"], point=point, status="x")
    assert "Choose open, full or closed." in messages_of(status.value)
    with pytest.raises(ValidationError) as field:
        services.service_point_update(
            actor=actors["operator_editor"], point=point, operator=OrganizationFactory()
        )
    assert "Unknown fields: operator" in messages_of(field.value)
    point.refresh_from_db()
    assert (point.status, point.operator_id) == (PointStatus.OPEN, operator.pk)


def test_a_status_update_from_another_organizations_staff_is_refused(operator, actors):
    # Given an open mawkib of the operator
    point = ServicePointFactory(operator=operator)
    # When the owner of another organization says it is closed
    with pytest.raises(PermissionDenied):
        services.service_point_status_set(
            actor=actors["stranger_owner"], point=point, status=PointStatus.CLOSED
        )
    # Then it is still open, and no one is recorded as having changed it
    point.refresh_from_db()
    assert (point.status, point.status_changed_by_id) == (PointStatus.OPEN, None)


def test_the_operator_sets_the_status_from_a_phone(operator, actors, django_assert_num_queries):
    point = ServicePointFactory(operator=operator)
    user = actors["operator_editor"]
    with django_assert_num_queries(2):  # the user's roles, then one update
        services.service_point_status_set(actor=user, point=point, status=PointStatus.FULL)
    point.refresh_from_db()
    assert (point.status, point.status_changed_by_id) == (PointStatus.FULL, user.pk)
    assert point.status_changed_at is not None


def test_an_organization_of_another_kind_is_not_registered_as_a_group(sponsor, actors, english):
    mosque = OrganizationFactory(kind="mosque")
    with pytest.raises(ValidationError) as refused:
        services.group_register(
            actor=actors["sponsor_editor"],
            organization=mosque,
            sponsor=sponsor,
            registration_number="QOM-9",
        )
    assert "volunteer group" in messages_of(refused.value)
    assert not VolunteerGroup.objects.exists()


# --- who may write ---------------------------------------------------------------------------


@pytest.fixture
def world(group, operator, sponsor):
    """One of everything, as the system wrote it: a submitted camp, a campaign of the sponsor
    with a delivery by the group, and a mawkib of the operator."""
    camp = services.camp_create(actor=SYSTEM, group=group, **camp_values())
    campaign = CampaignFactory(organizer=sponsor)
    distribution = DistributionFactory(campaign=campaign, group=group, distributed_on=days_ago(9))
    point = ServicePointFactory(operator=operator, pole=700)
    return {
        "group": group,
        "camp": camp,
        "campaign": campaign,
        "distribution": distribution,
        "point": point,
        "new_group_organization": GroupOrganizationFactory(),
    }


def _rows(model, *exclude) -> list[dict]:
    rows = list(model.objects.order_by("pk").values())
    for row in rows:
        for name in ("updated_at", *exclude):
            row.pop(name, None)
    return rows


def state() -> dict:
    """Everything a write could change."""
    return {
        model.__name__: _rows(model)
        for model in (
            VolunteerGroup,
            GroupActivity,
            Camp,
            CampService,
            CampPhoto,
            Campaign,
            Distribution,
            ServicePoint,
        )
    } | {"languages": list(ServicePoint.languages.through.objects.values_list())}


WRITES = {
    "group_register": (
        {"sponsor_editor", "coordinator"},
        lambda actor, w: services.group_register(
            actor=actor,
            organization=w["new_group_organization"],
            sponsor=w["group"].sponsor,
            registration_number="QOM-0777",
        ),
    ),
    "group_update": (
        {"group_editor", "sponsor_editor", "coordinator"},
        lambda actor, w: services.group_update(actor=actor, group=w["group"], size=40),
    ),
    "group_activity_log": (
        {"group_editor", "coordinator"},
        lambda actor, w: services.group_activity_log(
            actor=actor, group=w["group"], on=days_ago(2), description="کلاس قرآن"
        ),
    ),
    "camp_create": (
        {"group_editor", "coordinator"},
        lambda actor, w: services.camp_create(actor=actor, group=w["group"], **camp_values()),
    ),
    "camp_update": (
        {"group_editor", "coordinator"},
        lambda actor, w: services.camp_update(actor=actor, camp=w["camp"], volunteers=20),
    ),
    "camp_photo_add": (
        {"group_editor", "coordinator"},
        lambda actor, w: services.camp_photo_add(
            actor=actor, camp=w["camp"], image=SimpleUploadedFile("camp.png", PNG)
        ),
    ),
    "camp_decide": (
        {"sponsor_editor", "coordinator"},
        lambda actor, w: services.camp_decide(actor=actor, camp=w["camp"], approve=True),
    ),
    "camp_delete": (
        {"group_editor", "coordinator"},
        lambda actor, w: services.camp_delete(actor=actor, camp=w["camp"]),
    ),
    "campaign_create": (
        {"sponsor_editor", "coordinator"},
        lambda actor, w: services.campaign_create(
            actor=actor, organizer=w["group"].sponsor, name="رزمایش", starts_on=days_ago(1)
        ),
    ),
    "campaign_update": (
        {"sponsor_editor", "coordinator"},
        lambda actor, w: services.campaign_update(
            actor=actor, campaign=w["campaign"], description="بستهٔ معیشتی"
        ),
    ),
    "distribution_record": (
        {"group_editor", "sponsor_editor", "coordinator"},
        lambda actor, w: services.distribution_record(
            actor=actor, campaign=w["campaign"], group=w["group"], **distribution_values()
        ),
    ),
    "distribution_update": (
        {"group_editor", "sponsor_editor", "coordinator"},
        lambda actor, w: services.distribution_update(
            actor=actor, distribution=w["distribution"], quantity=150
        ),
    ),
    "distribution_delete": (
        {"group_editor", "sponsor_editor", "coordinator"},
        lambda actor, w: services.distribution_delete(actor=actor, distribution=w["distribution"]),
    ),
    "service_point_create": (
        {"operator_editor", "coordinator"},
        lambda actor, w: services.service_point_create(
            actor=actor, operator=w["point"].operator, **point_values(pole=701)
        ),
    ),
    "service_point_update": (
        {"operator_editor", "coordinator"},
        lambda actor, w: services.service_point_update(
            actor=actor, point=w["point"], hours="6–22", capacity=300
        ),
    ),
    "service_point_status_set": (
        {"operator_editor", "coordinator"},
        lambda actor, w: services.service_point_status_set(
            actor=actor, point=w["point"], status=PointStatus.FULL
        ),
    ),
    "service_point_delete": (
        {"operator_editor", "coordinator"},
        lambda actor, w: services.service_point_delete(actor=actor, point=w["point"]),
    ),
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_who_may_write(write, actor_name, actors, world, media):
    # Given one of everything and someone who might write
    allowed, call = WRITES[write]
    before = state()
    # When they try
    if actor_name in allowed:
        call(actors[actor_name], world)
        # Then an allowed write changes something
        assert state() != before
    else:
        with pytest.raises(PermissionDenied):
            call(actors[actor_name], world)
        # Then a refused write changes nothing
        assert state() == before


def test_a_decided_camp_is_no_longer_the_groups_to_change(group, actors):
    camp = services.camp_create(actor=actors["group_editor"], group=group, **camp_values())
    camp = services.camp_decide(actor=actors["sponsor_editor"], camp=camp, approve=True)
    with pytest.raises(PermissionDenied):
        services.camp_update(actor=actors["group_editor"], camp=camp, volunteers=99)
    with pytest.raises(PermissionDenied):
        services.camp_delete(actor=actors["group_editor"], camp=camp)
    camp.refresh_from_db()
    assert camp.volunteers == 14
    # A coordinator still may
    services.camp_update(actor=actors["coordinator"], camp=camp, volunteers=99)
    assert Camp.objects.get().volunteers == 99


def test_the_sponsor_cannot_log_the_groups_camps(group, actors):
    with pytest.raises(PermissionDenied):
        services.camp_create(actor=actors["sponsor_editor"], group=group, **camp_values())
    assert not Camp.objects.exists()


def test_a_group_is_not_moved_to_a_sponsor_the_actor_does_not_edit(group, actors, stranger):
    with pytest.raises(PermissionDenied):
        services.group_update(actor=actors["group_editor"], group=group, sponsor=stranger)
    group.refresh_from_db()
    assert group.sponsor_id != stranger.pk


def test_a_factory_camp_is_only_data(group):
    """Factories write rows without the rules: no activity is logged for them."""
    CampFactory(group=group, status=CampStatus.APPROVED)
    assert not GroupActivity.objects.exists()
    assert Campaign.objects.count() == 0


# --- the coordinators' admin writes through the services -------------------------------------


@pytest.fixture
def admin_client(client, actors):
    coordinator = actors["coordinator"]
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client.force_login(coordinator)
    return client


def test_admin_actions_call_the_services(admin_client, group, operator):
    from django.urls import reverse

    # Given a submitted camp, an open point and logged activity
    camp = CampFactory(group=group)
    point = ServicePointFactory(operator=operator)
    GroupActivityFactory(group=group, on=days_ago(3))
    for model, pk in (("volunteergroup", group.pk), ("camp", camp.pk), ("servicepoint", point.pk)):
        assert admin_client.get(reverse(f"admin:fieldops_{model}_change", args=[pk])).status_code
        assert admin_client.get(reverse(f"admin:fieldops_{model}_changelist")).status_code == 200

    def act(model, action, pk):
        return admin_client.post(
            reverse(f"admin:fieldops_{model}_changelist"),
            {"action": action, "_selected_action": [pk]},
        )

    # When a coordinator approves the camp, marks the point full and refreshes the group
    act("camp", "camps_approve", camp.pk)
    act("servicepoint", "points_full", point.pk)
    # Then the services did it: the camp is the group's activity, the point's change recorded
    camp.refresh_from_db()
    point.refresh_from_db()
    assert camp.status == CampStatus.APPROVED
    assert GroupActivity.objects.filter(source=ActivitySource.CAMP, source_id=camp.pk).exists()
    assert (point.status, point.status_changed_at is not None) == (PointStatus.FULL, True)
    act("volunteergroup", "groups_refresh", group.pk)
    assert status_of(group)[0] == ActivityStatus.SEASONAL


def test_admin_campaigns_are_saved_through_the_services(admin_client, sponsor):
    from django.urls import reverse

    form = {"name": "رزمایش", "names": "{}", "starts_on": "2024-01-01", "description": ""}
    response = admin_client.post(
        reverse("admin:fieldops_campaign_add"), form | {"organizer": sponsor.pk, "ends_on": ""}
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    response = admin_client.post(
        reverse("admin:fieldops_campaign_change", args=[campaign.pk]),
        form | {"ends_on": "2024-02-01", "description": "بستهٔ معیشتی"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.organizer_id, campaign.ends_on, campaign.description) == (
        sponsor.pk,
        datetime.date(2024, 2, 1),
        "بستهٔ معیشتی",
    )
