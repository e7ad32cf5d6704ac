"""Every write, by page and by API, for everyone who might try it.

Allowed actors succeed; everyone else is refused and nothing changes.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hamafza.directory.models import Membership, Organization, OrganizationRelation, Person, Role
from hamafza.directory.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "viewer", "editor", "owner", "other_editor", "coordinator"]
EDITORS = {"editor", "owner", "coordinator"}
OWNERS = {"owner", "coordinator"}
COORDINATORS = {"coordinator"}


def page_client(client, actors, who):
    if actors[who] is not None:
        client.force_login(actors[who])
    return client


def api_client(actors, who):
    client = APIClient()
    if actors[who] is not None:
        client.force_authenticate(actors[who])
    return client


def assert_refused_page(response, who):
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


def assert_refused_api(response):
    assert response.status_code in (401, 403), response.content


@pytest.mark.parametrize("who", ACTORS)
def test_page_edit_organization(client, actors, organization, who):
    response = page_client(client, actors, who).post(
        reverse("directory:edit", args=[organization.pk]),
        {"kind": "heyat", "name": "نام تازه", "country": organization.country_id},
    )
    organization.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert organization.name == "نام تازه"
    else:
        assert_refused_page(response, who)
        assert organization.name != "نام تازه"


@pytest.mark.parametrize("who", ACTORS)
def test_page_create_organization(client, actors, organization, who):
    before = Organization.objects.count()
    response = page_client(client, actors, who).post(
        reverse("directory:create"),
        {"kind": "mosque", "name": "مسجد تازه", "country": organization.country_id},
    )
    if who in COORDINATORS:
        assert response.status_code == 302
        assert Organization.objects.count() == before + 1
    else:
        assert_refused_page(response, who)
        assert Organization.objects.count() == before


@pytest.mark.parametrize("who", ACTORS)
def test_page_create_under_parent(client, actors, organization, who):
    before = Organization.objects.count()
    response = page_client(client, actors, who).post(
        reverse("directory:create") + f"?parent={organization.pk}",
        {
            "kind": "heyat",
            "name": "هیئت تازه",
            "country": organization.country_id,
            "parent": organization.pk,
        },
    )
    if who in OWNERS:
        assert response.status_code == 302
        assert Organization.objects.filter(parent=organization).count() == 1
    else:
        assert_refused_page(response, who)
        assert Organization.objects.count() == before


@pytest.mark.parametrize("who", ACTORS)
def test_page_add_relation(client, actors, organization, other_organization, who):
    response = page_client(client, actors, who).post(
        reverse("directory:relations", args=[organization.pk]),
        {"kind": "supports", "target": other_organization.pk},
    )
    if who in EDITORS:
        assert response.status_code == 302
        assert OrganizationRelation.objects.filter(source=organization).count() == 1
    else:
        assert_refused_page(response, who)
        assert not OrganizationRelation.objects.exists()


@pytest.mark.parametrize("who", ACTORS)
def test_page_delete_relation(client, actors, organization, other_organization, who):
    relation = OrganizationRelation.objects.create(
        source=organization, target=other_organization, kind="supports"
    )
    response = page_client(client, actors, who).post(
        reverse("directory:relation-delete", args=[organization.pk, relation.pk])
    )
    exists = OrganizationRelation.objects.filter(pk=relation.pk).exists()
    if who in OWNERS:
        assert response.status_code == 302 and not exists
    else:
        assert_refused_page(response, who)
        assert exists


@pytest.mark.parametrize("who", ACTORS)
def test_page_add_member(client, actors, organization, who, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="x")
    response = page_client(client, actors, who).post(
        reverse("directory:members", args=[organization.pk]),
        {"username": "newcomer", "role": "editor", "position": ""},
    )
    added = Membership.objects.filter(person__user=newcomer, organization=organization).exists()
    if who in OWNERS:
        assert response.status_code == 302 and added
    else:
        assert_refused_page(response, who)
        assert not added


@pytest.mark.parametrize("who", ACTORS)
def test_page_change_and_remove_member(client, actors, organization, who):
    membership = MembershipFactory(organization=organization, role=Role.VIEWER)
    client = page_client(client, actors, who)
    url = reverse("directory:membership-change", args=[organization.pk, membership.pk])
    response = client.post(url, {"role": "editor"})
    membership.refresh_from_db()
    if who in OWNERS:
        assert membership.role == Role.EDITOR
        client.post(url, {"remove": "1"})
        assert not Membership.objects.filter(pk=membership.pk).exists()
    else:
        assert_refused_page(response, who)
        assert membership.role == Role.VIEWER
        assert_refused_page(client.post(url, {"remove": "1"}), who)
        assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("who", ACTORS)
def test_api_update_organization(actors, organization, who):
    response = api_client(actors, who).patch(
        f"/api/organizations/{organization.pk}/", {"short_name": "تازه"}, format="json"
    )
    organization.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 200, response.content
        assert organization.short_name == "تازه"
    else:
        assert_refused_api(response)
        assert organization.short_name == ""


@pytest.mark.parametrize("who", ACTORS)
def test_api_create_organization(actors, organization, who):
    before = Organization.objects.count()
    response = api_client(actors, who).post(
        "/api/organizations/", {"kind": "mosque", "name": "مسجد نو", "country": "IR"}, format="json"
    )
    if who in COORDINATORS:
        assert response.status_code == 201, response.content
        assert Organization.objects.count() == before + 1
    else:
        assert_refused_api(response)
        assert Organization.objects.count() == before


@pytest.mark.parametrize("who", ACTORS)
def test_api_delete_organization(actors, who):
    target = OrganizationFactory()
    response = api_client(actors, who).delete(f"/api/organizations/{target.pk}/")
    exists = Organization.objects.filter(pk=target.pk).exists()
    if who in COORDINATORS:
        assert response.status_code == 204 and not exists
    else:
        assert_refused_api(response)
        assert exists


@pytest.mark.parametrize("who", ACTORS)
def test_api_create_and_delete_relation(actors, organization, other_organization, who):
    client = api_client(actors, who)
    response = client.post(
        "/api/relations/",
        {"source": organization.pk, "target": other_organization.pk, "kind": "partner_of"},
        format="json",
    )
    if who in EDITORS:
        assert response.status_code == 201, response.content
    else:
        assert_refused_api(response)
        assert not OrganizationRelation.objects.exists()
    relation = OrganizationRelation.objects.get_or_create(
        source=organization, target=other_organization, kind="partner_of"
    )[0]
    response = client.delete(f"/api/relations/{relation.pk}/")
    exists = OrganizationRelation.objects.filter(pk=relation.pk).exists()
    if who in OWNERS:
        assert response.status_code == 204 and not exists
    else:
        assert response.status_code in (401, 403)
        assert exists


@pytest.mark.parametrize("who", ACTORS)
def test_api_memberships(actors, organization, who):
    person = Person.objects.create(name="تازه‌وارد")
    client = api_client(actors, who)
    response = client.post(
        "/api/memberships/",
        {"organization": organization.pk, "person": person.pk, "role": "editor"},
        format="json",
    )
    if who in OWNERS:
        assert response.status_code == 201, response.content
        membership = Membership.objects.get(person=person)
        assert (
            client.patch(
                f"/api/memberships/{membership.pk}/", {"role": "viewer"}, format="json"
            ).status_code
            == 200
        )
        assert client.delete(f"/api/memberships/{membership.pk}/").status_code == 204
    else:
        assert_refused_api(response)
        assert not Membership.objects.filter(person=person).exists()
        membership = MembershipFactory(person=person, organization=organization, role=Role.VIEWER)
        assert client.patch(
            f"/api/memberships/{membership.pk}/", {"role": "owner"}, format="json"
        ).status_code in (401, 403, 404)
        assert client.delete(f"/api/memberships/{membership.pk}/").status_code in (401, 403, 404)
        membership.refresh_from_db()
        assert membership.role == Role.VIEWER


@pytest.mark.parametrize("who", ACTORS)
def test_api_people(actors, organization, who):
    client = api_client(actors, who)
    response = client.post(
        "/api/people/", {"name": "شیخ نمونه", "organization": organization.pk}, format="json"
    )
    if who in EDITORS:
        assert response.status_code == 201, response.content
        assert Person.objects.filter(
            name="شیخ نمونه", memberships__organization=organization
        ).exists()
    else:
        assert_refused_api(response)
        assert not Person.objects.filter(name="شیخ نمونه").exists()
    member = MembershipFactory(organization=organization, role=Role.VIEWER).person
    response = client.patch(f"/api/people/{member.pk}/", {"honorific": "دکتر"}, format="json")
    member.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 200 and member.honorific == "دکتر"
    else:
        assert_refused_api(response)
        assert member.honorific == ""


def test_contact_details_are_only_shown_to_those_who_keep_the_record(actors, organization):
    member = MembershipFactory(organization=organization).person
    Person.objects.filter(pk=member.pk).update(email="x@example.org")
    public = APIClient().get(f"/api/people/{member.pk}/").json()
    assert "email" not in public
    keeper = api_client(actors, "editor").get(f"/api/people/{member.pk}/").json()
    assert keeper["email"] == "x@example.org"


def test_admin_is_for_coordinators_only(client, actors, organization):
    for who in ["viewer", "editor", "owner", "other_editor"]:
        client.force_login(actors[who])
        assert client.get(reverse("admin:directory_organization_changelist")).status_code == 302
    coordinator = actors["coordinator"]
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)
    assert client.get(reverse("admin:directory_organization_changelist")).status_code == 200
