"""Demo data: the demo users follow some of the demo organizations, so that the follow buttons,
the "Following" page and the announcements of new posts and broadcasts have someone to tell.

Needs the directory's demo (its users and organizations); what is missing is skipped. Loading
is idempotent: a follow that exists is left alone. Follows go through the service, as the
users themselves would make them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from hamafza.core.text import normalize
from hamafza.directory.demo import ORGANIZATIONS
from hamafza.directory.models import Organization

from .models import Follow
from .services_follows import follow_create

# username → the keys (in the directory's demo) of the organizations they follow.
FOLLOWS = {
    "viewer": ("heyat-online", "kadhimiya-shrine", "masoumeh-shrine", "arbaeen-committee"),
    "editor": ("heyat-online", "masoumeh-shrine"),
    "owner": ("kadhimiya-shrine", "basij-sazandegi-qom"),
    "coordinator": ("heyat-online",),
}


def _organizations(keys: set[str]) -> dict[str, Organization]:
    found = {}
    for spec in ORGANIZATIONS:
        if spec.key not in keys:
            continue
        name = {"fa": spec.fa, "ar": spec.ar, "en": spec.en}[spec.native]
        organization = Organization.objects.filter(
            name_key=normalize(name), kind=spec.kind, country__code=spec.country
        ).first()
        if organization is not None:
            found[spec.key] = organization
    return found


def load(out=None) -> int:
    """Make the demo follows; returns how many were new."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=list(FOLLOWS))}
    organizations = _organizations({key for keys in FOLLOWS.values() for key in keys})
    made = 0
    with transaction.atomic():
        for username, keys in FOLLOWS.items():
            user = users.get(username)
            if user is None:
                continue
            for key in keys:
                organization = organizations.get(key)
                if organization is None:
                    continue
                if Follow.objects.filter(user=user, organization=organization).exists():
                    continue
                follow_create(actor=user, organization=organization)
                made += 1
    if out is not None:
        out.write(f"publishing: {made} demo follows made\n")
    return made
