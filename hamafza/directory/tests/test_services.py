import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hamafza.core.models import Country, Language, Province
from hamafza.core.permissions import SYSTEM
from hamafza.directory import services
from hamafza.directory.models import (
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    RelationKind,
    Role,
)
from hamafza.directory.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def iran():
    return Country.objects.get(code="IR")


class TestOrganizationCreate:
    def test_creates_with_names_languages_and_search_key(self):
        # Given a coordinator's data for a hey'at with an Arabic-yeh spelling
        # When it is registered
        organization = services.organization_create(
            actor=SYSTEM,
            kind=OrganizationKind.HEYAT,
            name="هيئت انصار الحسين",
            names={"en": "Ansar al-Husayn"},
            country=iran(),
            province=Province.objects.get(code="IR-25"),
            languages=Language.objects.filter(code__in=["fa", "ar"]),
        )
        # Then the name is kept as typed and the key is normalized
        organization.refresh_from_db()
        assert organization.name == "هيئت انصار الحسين"
        assert organization.search_key.startswith("هییت انصار الحسین")
        assert "ansar al husayn" in organization.search_key
        assert sorted(organization.languages.values_list("code", flat=True)) == ["ar", "fa"]

    def test_duplicate_name_in_same_place_is_refused_whatever_the_spelling(self):
        OrganizationFactory(name="هیئت انصار الحسین")
        with pytest.raises(ValidationError) as error:
            services.organization_create(
                actor=SYSTEM, kind=OrganizationKind.HEYAT, name="هيئت انصار الحسين", country=iran()
            )
        assert "name" in error.value.message_dict
        assert Organization.objects.count() == 1

    def test_same_name_in_another_country_is_allowed(self):
        OrganizationFactory(name="هیئت انصار الحسین")
        services.organization_create(
            actor=SYSTEM,
            kind=OrganizationKind.HEYAT,
            name="هیئت انصار الحسین",
            country=Country.objects.get(code="IQ"),
        )
        assert Organization.objects.count() == 2

    def test_province_of_another_country_is_refused(self):
        with pytest.raises(ValidationError) as error:
            services.organization_create(
                actor=SYSTEM,
                kind=OrganizationKind.MOSQUE,
                name="مسجد",
                country=iran(),
                province=Province.objects.get(code="IQ-NA"),
            )
        assert "province" in error.value.message_dict

    def test_failure_after_the_row_is_written_leaves_nothing(self):
        # Given a language that does not exist (the m2m write fails after the insert)
        ghost = Language(pk=999_999, code="xx", name="Ghost")
        # When the create fails
        with pytest.raises(Exception):  # noqa: B017 — any database error
            services.organization_create(
                actor=SYSTEM,
                kind=OrganizationKind.MOSQUE,
                name="مسجد",
                country=iran(),
                languages=[ghost],
            )
        # Then no organization is left behind
        assert not Organization.objects.filter(name="مسجد").exists()

    def test_unknown_field_is_refused(self):
        with pytest.raises(ValidationError):
            services.organization_create(
                actor=SYSTEM, kind=OrganizationKind.MOSQUE, name="مسجد", country=iran(), pk=5
            )

    def test_anonymous_and_plain_users_cannot_register(self):
        with pytest.raises(PermissionDenied):
            services.organization_create(
                actor=UserFactory(), kind=OrganizationKind.MOSQUE, name="مسجد", country=iran()
            )

    def test_owner_may_register_under_own_organization_only(self):
        parent = OrganizationFactory()
        owner = UserFactory()
        MembershipFactory(person=PersonFactory(user=owner), organization=parent, role=Role.OWNER)
        child = services.organization_create(
            actor=owner,
            kind=OrganizationKind.HEYAT,
            name="هیئت زیرمجموعه",
            country=iran(),
            parent=parent,
        )
        assert child.parent == parent
        with pytest.raises(PermissionDenied):
            services.organization_create(
                actor=owner,
                kind=OrganizationKind.HEYAT,
                name="دیگری",
                country=iran(),
                parent=OrganizationFactory(),
            )


class TestParentCycles:
    def test_direct_and_indirect_cycles_are_refused(self):
        a = OrganizationFactory()
        b = OrganizationFactory(parent=a)
        c = OrganizationFactory(parent=b)
        # When the root is placed under its child, or under its grandchild
        for new_parent in (b, c):
            with pytest.raises(ValidationError) as error:
                services.organization_update(actor=SYSTEM, organization=a, parent=new_parent)
            assert "parent" in error.value.message_dict
        a.refresh_from_db()
        assert a.parent is None

    def test_own_parent_is_refused(self):
        a = OrganizationFactory()
        with pytest.raises(ValidationError):
            services.organization_update(actor=SYSTEM, organization=a, parent=a)

    def test_moving_elsewhere_in_the_tree_is_allowed(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        c = OrganizationFactory(parent=a)
        services.organization_update(actor=SYSTEM, organization=c, parent=b)
        c.refresh_from_db()
        assert c.parent == b


class TestRelations:
    def test_overlapping_duplicate_is_refused_and_later_period_allowed(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        services.relation_create(
            actor=SYSTEM,
            source=a,
            target=b,
            kind=RelationKind.SUPPORTS,
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 12, 31),
        )
        with pytest.raises(ValidationError):
            services.relation_create(
                actor=SYSTEM,
                source=a,
                target=b,
                kind=RelationKind.SUPPORTS,
                starts_on=dt.date(2024, 6, 1),
            )
        services.relation_create(
            actor=SYSTEM,
            source=a,
            target=b,
            kind=RelationKind.SUPPORTS,
            starts_on=dt.date(2025, 1, 1),
        )
        assert OrganizationRelation.objects.count() == 2

    def test_self_relation_and_reversed_dates_are_refused(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        with pytest.raises(ValidationError):
            services.relation_create(actor=SYSTEM, source=a, target=a, kind=RelationKind.SUPPORTS)
        with pytest.raises(ValidationError):
            services.relation_create(
                actor=SYSTEM,
                source=a,
                target=b,
                kind=RelationKind.SUPPORTS,
                starts_on=dt.date(2025, 1, 2),
                ends_on=dt.date(2025, 1, 1),
            )
        assert OrganizationRelation.objects.count() == 0


class TestMemberships:
    def test_last_owner_cannot_be_removed_or_demoted(self):
        organization = OrganizationFactory()
        owner = MembershipFactory(organization=organization, role=Role.OWNER)
        with pytest.raises(ValidationError):
            services.membership_update(actor=SYSTEM, membership=owner, role=Role.EDITOR)
        with pytest.raises(ValidationError):
            services.membership_remove(actor=SYSTEM, membership=owner)
        owner.refresh_from_db()
        assert owner.role == Role.OWNER

    def test_grant_creates_person_once_and_updates_role(self):
        organization = OrganizationFactory()
        user = UserFactory(first_name="Ali")
        services.membership_grant(
            actor=SYSTEM, organization=organization, user=user, role=Role.VIEWER
        )
        services.membership_grant(
            actor=SYSTEM, organization=organization, user=user, role=Role.EDITOR
        )
        membership = Membership.objects.get()
        assert membership.role == Role.EDITOR
        assert membership.person.user == user

    def test_activity_record_only_moves_forward(self):
        organization = OrganizationFactory(is_active=False)
        services.organization_activity_record(organization=organization, on=dt.date(2025, 5, 1))
        services.organization_activity_record(organization=organization, on=dt.date(2025, 1, 1))
        organization.refresh_from_db()
        assert organization.last_active_on == dt.date(2025, 5, 1)
        assert organization.is_active
