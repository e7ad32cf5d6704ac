"""Background work of agreements. Tasks are thin: they call services and may run any time."""

import dataclasses

from django_tasks import task


@task()
def reminders_send_task() -> dict[str, int]:
    """Expire what has passed and send the reminders that are due (each event once, so
    running it again, or beside ``manage.py reminders_send``, tells nobody twice)."""
    from .services import reminders_send

    return dataclasses.asdict(reminders_send())
