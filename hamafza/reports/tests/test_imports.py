"""The four importers: organizations, people, volunteer groups and service points — each row
checked by the app's own form and policy and saved by its service, all rows or none, for
everyone who might try (anonymous, another organization's editor, the right editor, a
coordinator)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from hamafza.core.imports import RowStatus, import_run
from hamafza.directory.models import Membership, Organization, OrganizationKind, Person, Role
from hamafza.fieldops.models import ServicePoint, VolunteerGroup
from hamafza.fieldops.routes import pole_point
from hamafza.fieldops.tests.factories import VolunteerGroupFactory
from hamafza.reports import importers
from hamafza.reports.importers import IMPORTERS
from hamafza.reports.tests.imports_world import csv_file, errors_of, world_make, xlsx_file

pytestmark = pytest.mark.django_db

ROUTE = "najaf_karbala"


@pytest.fixture
def world(db):
    return world_make()


def run(kind: str, actor, rows: list[list], *, commit: bool = True, **kwargs):
    content = kwargs.pop("content", None) or csv_file(rows)
    return import_run(importer=IMPORTERS[kind], actor=actor, file=content, commit=commit, **kwargs)


def messages_of(report) -> list[str]:
    return [error.message for row in report.rows for error in row.errors]


# --- organizations -----------------------------------------------------------------------------

ORGANIZATION_HEADER = [
    "name_fa", "name_en", "kind", "country", "province", "city", "languages", "fields",
    "website", "phone", "parent",
]  # fmt: skip


def test_a_coordinator_imports_organizations_with_their_places_languages_and_parents(world):
    # given two hey'ats, the second under the first (named by its name, registered by row 2),
    # with the kind, province and languages written as their names in Persian or English
    rows = [
        ORGANIZATION_HEADER,
        [
            "هیئت انصار",
            "Ansar hey'at",
            "heyat",
            "IR",
            "IR-25",
            "قم",
            "fa, Arabic",
            "quran",
            "example.org",
            "۰۲۵۳۷۷۰۰۰۰۰",
            "",
        ],
        [
            "هیئت انصار جوان",
            "",
            "هیئت (مجلس مذهبی)",
            "ir",
            "Qom",
            "Qom",
            "فارسی",
            "",
            "",
            "",
            "هیئت انصار",
        ],
    ]
    with translation.override("fa"):
        kind_label = str(OrganizationKind.HEYAT.label)
    rows[2][2] = kind_label
    # when a coordinator imports them
    report = run("organizations", world.coordinator, rows)
    # then both are registered with everything the rows say
    assert report.committed, errors_of(report)
    first = Organization.objects.get(name="هیئت انصار")
    second = Organization.objects.get(name="هیئت انصار جوان")
    assert first.names == {"fa": "هیئت انصار", "en": "Ansar hey'at"}
    assert (first.kind, first.country.code, first.province.code, first.city.name) == (
        "heyat",
        "IR",
        "IR-25",
        "Qom",
    )
    assert {language.code for language in first.languages.all()} == {"fa", "ar"}
    assert [field.code for field in first.fields.all()] == ["quran"]
    assert first.website == "https://example.org"
    assert second.parent == first and second.kind == "heyat" and second.city.name == "Qom"
    assert [language.code for language in second.languages.all()] == ["fa"]


@pytest.mark.parametrize(
    ("language", "kind_error"),
    [
        ("en", "Select a valid choice. castle is not one of the available choices."),
        ("fa", "یک گزینهٔ معتبر انتخاب کنید. castle از گزینه‌های موجود نیست."),
    ],
)
def test_one_bad_organization_row_imports_none_and_is_named(world, language, kind_error):
    rows = [
        ["name", "kind", "country"],
        ["هیئت یک", "heyat", "IR"],
        ["هیئت دو", "castle", "IR"],
        ["هیئت سه", "mosque", "IR"],
    ]
    before = Organization.objects.count()
    with translation.override(language):
        report = run("organizations", world.coordinator, rows)
        kind_title = str(Organization._meta.get_field("kind").verbose_name).capitalize()
    assert not report.committed and Organization.objects.count() == before
    [bad] = report.error_rows
    assert (bad.number, bad.errors[0].column, bad.errors[0].title) == (3, "kind", kind_title)
    assert bad.errors[0].message == kind_error


def test_an_organization_already_registered_is_found_by_the_dry_run(world):
    rows = [["name", "kind", "country"], [world.heyat.name, world.heyat.kind, "IR"]]
    with translation.override("en"):
        report = run("organizations", world.coordinator, rows, commit=False)
    assert errors_of(report) == [(2, "name")]
    assert messages_of(report) == [
        "An organization of this kind with this name is already registered in this place."
    ]


def test_an_owner_imports_organizations_under_their_own_only(world):
    # given rows under the owner's hey'at, under another organization, and under none
    rows = [
        ["name", "kind", "country", "parent"],
        ["هیئت زیرمجموعه", "heyat", "IR", str(world.heyat.pk)],
        ["هیئت دیگر", "heyat", "IR", world.stranger.name],
        ["هیئت بی‌سرپرست", "heyat", "IR", ""],
    ]
    # when the hey'at's owner imports them
    with translation.override("en"):
        report = run("organizations", world.owner, rows)
    # then the two rows outside their organization are refused, and nothing is imported
    assert not report.committed
    assert errors_of(report) == [(3, "parent"), (4, "parent")]
    assert messages_of(report)[0] == (
        "You may register organizations only under an organization you own."
    )
    # and the row under their own organization alone is imported
    report = run("organizations", world.owner, rows[:2])
    assert report.committed
    assert Organization.objects.get(name="هیئت زیرمجموعه").parent == world.heyat


@pytest.mark.parametrize("who", ["anonymous", "editor", "nobody", "stranger_editor"])
def test_organizations_are_imported_only_by_coordinators_and_owners(world, who):
    actor = None if who == "anonymous" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        run("organizations", actor, [["name", "kind", "country"], ["x", "heyat", "IR"]])


def test_a_parent_named_ambiguously_or_not_at_all_is_an_error(world):
    Organization.objects.filter(pk=world.stranger.pk).update(
        name=world.heyat.name, name_key=world.heyat.name_key
    )
    rows = [
        ["name", "kind", "country", "parent"],
        ["الف", "heyat", "IR", world.heyat.name],
        ["ب", "heyat", "IR", "هیچ سازمانی"],
        ["پ", "heyat", "IR", "99999999999999999999999"],
    ]
    with translation.override("en"):
        report = run("organizations", world.coordinator, rows)
    assert errors_of(report) == [(2, "parent"), (3, "parent"), (4, "parent")]
    assert messages_of(report) == [
        "Several organizations have this name; give the organization's number instead.",
        "No organization has this number or name.",
        "No organization has this number or name.",
    ]


# --- people ------------------------------------------------------------------------------------


def test_an_editor_imports_people_of_their_organization_as_viewers(world):
    rows = [
        ["name", "name_en", "honorific", "email", "organization"],
        ["محمد حسینی", "Mohammad Hosseini", "حجت‌الاسلام", "m@example.org", world.heyat.name],
        ["علی رضایی", "", "", "", str(world.heyat.pk)],
    ]
    report = run("people", world.editor, rows)
    assert report.committed, errors_of(report)
    person = Person.objects.get(name="محمد حسینی")
    assert (person.names, person.honorific, person.email) == (
        {"en": "Mohammad Hosseini"},
        "حجت‌الاسلام",
        "m@example.org",
    )
    roles = dict(
        Membership.objects.filter(
            organization=world.heyat, person__name__in=["محمد حسینی", "علی رضایی"]
        ).values_list("person__name", "role")
    )
    assert roles == {"محمد حسینی": Role.VIEWER, "علی رضایی": Role.VIEWER}


def test_a_role_or_a_position_needs_the_organizations_owner(world):
    rows = [
        ["name", "organization", "role", "position"],
        ["مدیر تازه", world.heyat.name, "editor", "دبیر"],
    ]
    with translation.override("en"):
        refused = run("people", world.editor, rows)
    assert errors_of(refused) == [(2, "role")]
    assert messages_of(refused) == ["Only the organization's owners may give a role or a position."]
    assert not Person.objects.filter(name="مدیر تازه").exists()
    report = run("people", world.owner, rows)
    assert report.committed
    membership = Membership.objects.get(person__name="مدیر تازه", organization=world.heyat)
    assert (membership.role, membership.position) == (Role.EDITOR, "دبیر")


def test_people_of_another_organization_are_refused(world):
    rows = [["name", "organization"], ["غریبه", world.heyat.name]]
    with translation.override("en"):
        report = run("people", world.stranger_editor, rows)
    assert errors_of(report) == [(2, "organization")]
    assert messages_of(report) == ["You may add people only to an organization you edit."]


def test_a_coordinator_imports_people_without_an_organization(world):
    report = run("people", world.coordinator, [["name"], ["سخنران مهمان"]])
    assert report.committed
    assert not Person.objects.get(name="سخنران مهمان").memberships.exists()


def test_a_role_or_a_position_without_an_organization_is_refused(world):
    # Given a coordinator's file naming a role and a position, but no organization
    rows = [["name", "role", "position"], ["دبیر بی‌سازمان", "editor", "دبیر"]]
    # When it is imported, the row is refused on its organization, and nothing is saved
    with translation.override("en"):
        report = run("people", world.coordinator, rows)
    assert errors_of(report) == [(2, "organization")]
    assert messages_of(report) == ["A role or a position needs the organization it is in."]
    assert not Person.objects.filter(name="دبیر بی‌سازمان").exists()


# --- volunteer groups --------------------------------------------------------------------------

GROUP_HEADER = ["organization", "sponsor", "registration_number", "registered_on", "size"]


def test_the_sponsoring_bodys_editor_registers_groups(world):
    rows = [
        GROUP_HEADER,
        [world.group_organization.name, world.sponsor.name, "QOM-0101", "۱۴۰۳/۰۲/۱۵", "۲۵"],
    ]
    report = run("groups", world.sponsor_editor, rows, calendar="solar")
    assert report.committed, errors_of(report)
    group = VolunteerGroup.objects.get(registration_number="QOM-0101")
    assert (group.organization, group.sponsor, group.size) == (
        world.group_organization,
        world.sponsor,
        25,
    )
    assert group.registered_on.isoformat() == "2024-05-04"


@pytest.mark.parametrize("who", ["stranger_editor", "operator_editor"])
def test_another_organizations_editor_may_not_register_groups_for_a_sponsor(world, who):
    rows = [GROUP_HEADER, [world.group_organization.pk, world.sponsor.pk, "QOM-0101", "", ""]]
    with translation.override("en"):
        report = run("groups", getattr(world, who), rows)
    assert errors_of(report) == [(2, "sponsor")]
    assert messages_of(report) == ["You may register groups only for a sponsoring body you edit."]
    assert not VolunteerGroup.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "nobody"])
def test_groups_are_not_imported_by_visitors_without_a_role(world, who):
    actor = None if who == "anonymous" else world.nobody
    with pytest.raises(PermissionDenied):
        run("groups", actor, [GROUP_HEADER])


def test_a_coordinator_registers_groups_and_the_service_checks_each(world):
    # given a row for an organization that is not a volunteer group, and a registration number
    # taken already
    VolunteerGroupFactory(registration_number="QOM-0009")
    rows = [
        GROUP_HEADER,
        [world.heyat.name, world.sponsor.name, "QOM-0200", "", ""],
        [world.group_organization.name, world.sponsor.name, "QOM-0009", "", ""],
    ]
    with translation.override("en"):
        report = run("groups", world.coordinator, rows)
    assert not report.committed
    assert errors_of(report) == [(2, "organization"), (3, "registration_number")]
    assert messages_of(report)[0] == (
        "Only an organization of kind “volunteer group” is registered."
    )


# --- service points ----------------------------------------------------------------------------

POINT_HEADER = [
    "name", "kind", "operator", "country", "route", "pole", "latitude", "longitude", "services",
    "languages",
]  # fmt: skip


def test_the_operators_editor_imports_points_by_pole_or_by_point(world):
    latitude, longitude = pole_point(ROUTE, 600)
    rows = [
        POINT_HEADER,
        [
            "موکب الزهراء",
            "mawkib",
            world.operator.name,
            "IQ",
            ROUTE,
            "۵۰۰",
            "",
            "",
            "food, water",
            "fa, ar",
        ],
        [
            "موکب العباس",
            "موکب",
            world.operator.pk,
            "Iraq",
            ROUTE,
            "600",
            f"{latitude:.5f}",
            f"{longitude:.5f}",
            "tea",
            "",
        ],
    ]
    with translation.override("fa"):
        rows[2][1] = str(ServicePoint._meta.get_field("kind").choices[0][1])
    report = run("points", world.operator_editor, rows)
    assert report.committed, errors_of(report)
    first = ServicePoint.objects.get(name="موکب الزهراء")
    expected = pole_point(ROUTE, 500)
    assert (first.pole, first.services, first.operator) == (500, ["food", "water"], world.operator)
    assert (first.latitude, first.longitude) == (
        Decimal(f"{expected[0]:.6f}"),
        Decimal(f"{expected[1]:.6f}"),
    )
    assert {language.code for language in first.languages.all()} == {"fa", "ar"}
    assert ServicePoint.objects.get(name="موکب العباس").pole == 600


def test_a_point_far_from_its_pole_or_outside_its_country_is_refused(world):
    # given a point 30 km from the pole it names, and a point in Iraq said to be in Iran
    latitude, longitude = pole_point(ROUTE, 100)
    rows = [
        POINT_HEADER,
        [
            "دور",
            "mawkib",
            world.operator.pk,
            "IQ",
            ROUTE,
            "500",
            f"{latitude:.6f}",
            f"{longitude:.6f}",
            "",
            "",
        ],
        [
            "مرز",
            "mawkib",
            world.operator.pk,
            "IR",
            "",
            "",
            f"{latitude:.6f}",
            f"{longitude:.6f}",
            "",
            "",
        ],
    ]
    # when it is checked
    with translation.override("en"):
        report = run("points", world.operator_editor, rows, commit=False)
    # then the service's checks are on the rows' columns
    assert errors_of(report) == [(2, "pole"), (3, "latitude")]
    assert (
        messages_of(report)[0].startswith("The point is ")
        and "from pole 500" in (messages_of(report)[0])
    )
    assert messages_of(report)[1] == "This point is outside Iran."


def test_a_point_is_refused_by_the_forms_rules_too(world):
    rows = [
        POINT_HEADER,
        ["بی‌جا", "mawkib", world.operator.pk, "IQ", "", "", "", "", "", ""],
        ["نیمه", "mawkib", world.operator.pk, "IQ", "", "", "32.1", "", "", ""],
        ["بی‌نام", "palace", world.operator.pk, "ZZ", ROUTE, "99999", "", "", "spa", "xx"],
    ]
    with translation.override("en"):
        report = run("points", world.operator_editor, rows, commit=False)
    assert errors_of(report) == [
        (2, "latitude"),
        (3, "longitude"),
        (4, "kind"),
        (4, "country"),
        (4, "pole"),
        (4, "services"),
        (4, "languages"),
        (4, "latitude"),
    ]


@pytest.mark.parametrize("who", ["stranger_editor", "sponsor_editor"])
def test_another_organizations_editor_may_not_import_points_for_an_operator(world, who):
    rows = [POINT_HEADER, ["موکب", "mawkib", world.operator.pk, "IQ", ROUTE, "10", "", "", "", ""]]
    with translation.override("en"):
        report = run("points", getattr(world, who), rows)
    assert errors_of(report) == [(2, "operator")]
    assert messages_of(report) == [
        "You may register service points only for an organization you edit."
    ]
    assert not ServicePoint.objects.exists()


def test_a_coordinator_imports_points_for_any_operator_from_an_xlsx(world):
    content = xlsx_file(
        [
            POINT_HEADER,
            ["موکب", "mawkib", world.operator.pk, "IQ", ROUTE, 10, None, None, None, None],
        ]
    )
    report = run("points", world.coordinator, [], content=content)
    assert report.committed, errors_of(report)
    assert ServicePoint.objects.get().pole == 10


def test_a_service_failing_in_the_middle_of_a_commit_leaves_no_point(world, monkeypatch):
    # given three valid points, and the service breaking on the second
    calls = []
    real = importers.service_point_create

    def breaking(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(importers, "service_point_create", breaking)
    rows = [POINT_HEADER] + [
        [f"موکب {n}", "mawkib", world.operator.pk, "IQ", ROUTE, str(n), "", "", "", ""]
        for n in (10, 20, 30)
    ]
    # when the file is committed
    report = run("points", world.coordinator, rows)
    # then the first point, saved before the failure, is rolled back too
    assert calls == ["موکب 10", "موکب 20"]
    assert not report.committed and not ServicePoint.objects.exists()
    assert report.failed_row == 3
    assert [row.status for row in report.rows] == [
        RowStatus.VALID,
        RowStatus.INVALID,
        RowStatus.UNCHECKED,
    ]
