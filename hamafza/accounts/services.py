import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hamafza.core.calendars import Calendar
from hamafza.core.models import LunarRegion


def user_preferences_update(
    *,
    user,
    calendar: str | None = None,
    lunar_region: str | None = None,
    time_zone: str | None = None,
):
    """Save a user's display choices; an empty string means "follow the language"."""
    changed = []
    if calendar is not None:
        if calendar and calendar not in Calendar.values:
            raise ValidationError({"calendar": _("Choose a valid calendar.")})
        user.calendar = calendar
        changed.append("calendar")
    if lunar_region is not None:
        if lunar_region and lunar_region not in LunarRegion.values:
            raise ValidationError({"lunar_region": _("Choose a valid region.")})
        user.lunar_region = lunar_region
        changed.append("lunar_region")
    if time_zone is not None:
        if time_zone and time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": _("Choose a valid time zone.")})
        user.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        user.save(update_fields=changed)
    return user


def notification_send(
    *, user, key: str, title: str, body: str = "", url: str = "", email: bool = True
) -> bool:
    """Tell ``user`` of the event ``key``, in the site and by e-mail, once.

    Returns whether it was new. A second call with the same key changes
    nothing, so periodic reminders can run as often as they like. The mail
    goes after the transaction commits; a failed send is logged and left for
    the next run (``emailed_at`` stays empty).
    """
    from django.db import IntegrityError, transaction

    from hamafza.accounts.models import Notification

    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=key[:200], title=title[:300], body=body, url=url[:500]
            )
    except IntegrityError:
        return False
    if email and user.email:
        transaction.on_commit(lambda: notification_email(notification_id=notification.pk))
    return True


def notification_email(*, notification_id: int) -> bool:
    """Send one notification by e-mail if it has not been sent; True when sent now."""
    import logging

    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import timezone

    from hamafza.accounts.models import Notification

    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return False
    link = f"{settings.HAMAFZA_SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    text = "\n\n".join(part for part in (notification.body, link) if part)
    try:
        send_mail(
            notification.title,
            text,
            None,
            [notification.user.email],
            fail_silently=False,
        )
    except Exception:
        logging.getLogger(__name__).exception("could not e-mail notification %s", notification_id)
        return False
    Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    return True


def notifications_unread_count(*, user) -> int:
    from hamafza.accounts.models import Notification

    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all, or those in ``ids``); only their own."""
    from django.utils import timezone

    from hamafza.accounts.models import Notification

    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
