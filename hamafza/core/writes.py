"""Small rules every app's services follow when they write."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def unknown_fields_refuse(values: dict, allowed: frozenset[str]) -> None:
    """Refuse changes naming a field the service does not let its callers set."""
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


def recorded_actor(actor):
    """The user to record as having made a change: None for the system or anonymous."""
    return actor if getattr(actor, "pk", None) else None
