"""Background work of publishing: telling followers. Tasks are thin, call services, and may run
any time and any number of times (every announcement is claimed once; every delivery is sent
until it is sent or has failed for good)."""

from django_tasks import task


@task()
def announcements_send() -> int:
    """Tell followers of the posts that have become public and of the public broadcasts about to
    start, then send what that queued for the messengers. Returns how many were announced."""
    from .services_follows import announcements_due_send

    return announcements_due_send()


@task()
def messenger_deliveries_send(*, limit: int = 200) -> int:
    """Send up to ``limit`` pending messenger deliveries. Returns how many were sent."""
    from .services_follows import deliveries_send

    return deliveries_send(limit=limit)
