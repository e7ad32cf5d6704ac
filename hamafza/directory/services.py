"""Every change to the directory goes through here, whoever asks: pages, API, commands.

Each service takes the acting user (``actor``; ``SYSTEM`` for trusted code),
checks the model's policy, validates the whole row, and writes in one
transaction. A refused or invalid write changes nothing.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hamafza.core.permissions import is_coordinator
from hamafza.core.versions import version_bump
from hamafza.directory.models import (
    ORGANIZATION_PROFILE_FIELDS,
    ActivityField,
    Membership,
    Organization,
    OrganizationRelation,
    Person,
    Role,
)
from hamafza.directory.policies import (
    membership_policy,
    organization_policy,
    person_policy,
    relation_policy,
    roles_forget,
)

ORGANIZATION_FIELDS = frozenset(ORGANIZATION_PROFILE_FIELDS) - {"languages", "fields"}
FACETS_CACHE_VERSION_KEY = "directory:facets:version"


def facets_invalidate() -> None:
    """Filter options (countries, provinces … that have organizations) are cached; drop them."""
    version_bump(FACETS_CACHE_VERSION_KEY)


def _apply(instance, values: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in values.items():
        setattr(instance, field, value)
    return list(values)


def _lock_parent_chain(parent: Organization | None) -> None:
    """Lock the new parent's ancestors so that two moves cannot race into a cycle.

    On PostgreSQL this takes row locks top-down in id order; SQLite serializes
    writers already (IMMEDIATE transactions).
    """
    if parent is None:
        return
    ids = [parent.pk, *parent.ancestor_ids()]
    list(Organization.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def organization_create(
    *,
    actor,
    languages: Iterable = (),
    fields: Iterable[ActivityField] = (),
    **values: Any,
) -> Organization:
    """Register an organization. Coordinators may register any; an owner may
    register one under their own organization (``parent``)."""
    organization_policy.check(actor, "add", values.get("parent"))
    organization = Organization()
    _apply(organization, values, ORGANIZATION_FIELDS)
    with transaction.atomic():
        _lock_parent_chain(organization.parent)
        organization.full_clean()
        organization.save()
        organization.languages.set(languages)
        organization.fields.set(fields)
        transaction.on_commit(facets_invalidate)
    return organization


def organization_update(
    *,
    actor,
    organization: Organization,
    languages: Iterable | None = None,
    fields: Iterable[ActivityField] | None = None,
    **values: Any,
) -> Organization:
    """Change an organization's profile. Moving it under another parent also
    needs the right to add under that parent."""
    organization_policy.check(actor, "change", organization)
    new_parent = values.get("parent", organization.parent)
    moving = "parent" in values and new_parent not in (organization.parent, None)
    if moving and not (is_coordinator(actor) or organization_policy.can_change(actor, new_parent)):
        raise ValidationError(
            {"parent": _("You may only place it under an organization you manage.")}
        )
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        _lock_parent_chain(new_parent)
        changed = _apply(locked, values, ORGANIZATION_FIELDS)
        locked.full_clean()
        locked.save(update_fields=[*changed, "updated_at"] if changed else None)
        if languages is not None:
            locked.languages.set(languages)
        if fields is not None:
            locked.fields.set(fields)
        transaction.on_commit(facets_invalidate)
    return locked


def organization_delete(*, actor, organization: Organization) -> None:
    organization_policy.check(actor, "delete", organization)
    if organization.children.exists():
        raise ValidationError(
            _("This organization has organizations under it; move or delete them first.")
        )
    with transaction.atomic():
        organization.delete()
        transaction.on_commit(facets_invalidate)


def organization_activity_record(*, organization: Organization, on: date) -> None:
    """Note activity on a day (a broadcast, an event, a camp …): it keeps the
    organization active. Only moves the date forward; safe to call twice."""
    Organization.objects.filter(pk=organization.pk).exclude(last_active_on__gte=on).update(
        last_active_on=on, is_active=True
    )


def relation_create(
    *,
    actor,
    source: Organization,
    target: Organization,
    kind: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    note: str = "",
) -> OrganizationRelation:
    relation = OrganizationRelation(
        source=source, target=target, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note
    )
    relation_policy.check(actor, "add", source)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=source.pk).first()
        relation.full_clean()
        relation.save()
    return relation


def relation_end(*, actor, relation: OrganizationRelation, ends_on: date) -> OrganizationRelation:
    relation_policy.check(actor, "change", relation)
    relation.ends_on = ends_on
    with transaction.atomic():
        relation.full_clean()
        relation.save(update_fields=["ends_on"])
    return relation


def relation_delete(*, actor, relation: OrganizationRelation) -> None:
    relation_policy.check(actor, "delete", relation)
    relation.delete()


PERSON_FIELDS = frozenset({"name", "names", "honorific", "email", "phone", "user"})


def person_create(*, actor, organization: Organization | None = None, **values: Any) -> Person:
    """Record a person; with ``organization`` they join it as a viewer in the same transaction."""
    person_policy.check(actor, "add", organization)
    if "user" in values and not is_coordinator(actor):
        raise ValidationError(
            {"user": _("Only a network coordinator may link a person to a user account.")}
        )
    person = Person()
    _apply(person, values, PERSON_FIELDS)
    with transaction.atomic():
        person.full_clean()
        person.save()
        if organization is not None:
            membership = Membership(person=person, organization=organization, role=Role.VIEWER)
            membership.full_clean()
            membership.save()
    return person


def person_update(*, actor, person: Person, **values: Any) -> Person:
    person_policy.check(actor, "change", person)
    if "user" in values and not is_coordinator(actor):
        raise ValidationError(
            {"user": _("Only a network coordinator may link a person to a user account.")}
        )
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = _apply(locked, values, PERSON_FIELDS)
        locked.full_clean()
        locked.save(update_fields=[*changed, "updated_at"] if changed else None)
    return locked


def _owners_left(organization_id: int, excluding: int | None) -> int:
    return (
        Membership.objects.filter(organization_id=organization_id, role=Role.OWNER)
        .exclude(pk=excluding)
        .count()
    )


def membership_add(
    *,
    actor,
    organization: Organization,
    person: Person,
    role: str = Role.VIEWER,
    position: str = "",
    positions: dict | None = None,
    is_public: bool = True,
) -> Membership:
    membership_policy.check(actor, "add", organization)
    membership = Membership(
        organization=organization,
        person=person,
        role=role,
        position=position,
        positions=positions or {},
        is_public=is_public,
    )
    with transaction.atomic():
        membership.full_clean()
        membership.save()
    if person.user_id:
        roles_forget(person.user)
    return membership


def membership_grant(
    *, actor, organization: Organization, user, role: str = Role.VIEWER, position: str = ""
) -> Membership:
    """Give a user account a role in an organization, recording them as a person if new."""
    membership_policy.check(actor, "add", organization)
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user).first()
        if person is None:
            person = Person(name=user.get_full_name() or user.username, user=user)
            person.full_clean()
            person.save()
        existing = Membership.objects.filter(person=person, organization=organization).first()
        if existing is not None:
            return membership_update(actor=actor, membership=existing, role=role, position=position)
        return membership_add(
            actor=actor, organization=organization, person=person, role=role, position=position
        )


def membership_update(
    *,
    actor,
    membership: Membership,
    role: str | None = None,
    position: str | None = None,
    positions: dict | None = None,
    is_public: bool | None = None,
) -> Membership:
    """Change a role or position. An organization with owners keeps at least one."""
    membership_policy.check(actor, "change", membership)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        Organization.objects.select_for_update().filter(pk=locked.organization_id).first()
        was_owner = locked.role == Role.OWNER
        changed = []
        for field, value in (
            ("role", role),
            ("position", position),
            ("positions", positions),
            ("is_public", is_public),
        ):
            if value is not None:
                setattr(locked, field, value)
                changed.append(field)
        if (
            was_owner
            and locked.role != Role.OWNER
            and _owners_left(locked.organization_id, locked.pk) == 0
        ):
            raise ValidationError({"role": _("An organization must keep at least one owner.")})
        locked.full_clean()
        locked.save(update_fields=changed or None)
    roles_forget(getattr(locked.person, "user", None))
    return locked


def membership_remove(*, actor, membership: Membership) -> None:
    membership_policy.check(actor, "delete", membership)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
        if (
            membership.role == Role.OWNER
            and _owners_left(membership.organization_id, membership.pk) == 0
        ):
            raise ValidationError(_("An organization must keep at least one owner."))
        membership.delete()
    roles_forget(getattr(membership.person, "user", None))
