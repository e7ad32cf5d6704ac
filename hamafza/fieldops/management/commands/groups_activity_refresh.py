"""Recompute the volunteer groups' activity status (active all year, seasonal, dormant).

Time alone moves a group from active to seasonal to dormant, so the status is
recomputed daily, not only when activity is logged.

manage.py groups_activity_refresh               once
manage.py groups_activity_refresh --every 86400 in a loop (the Procfile's ``fieldops`` process)
manage.py groups_activity_refresh --today 2025-09-01   as of another day (checks, replays)
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today: not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Recompute the volunteer groups' activity status from their logged activity."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")
        parser.add_argument("--today", default="", help="as of this day (YYYY-MM-DD)")

    def handle(self, *args, every: int = 0, today: str = "", **options):
        from hamafza.fieldops.services import groups_activity_refresh

        day = _day(today) if today else None
        if every and day:
            raise CommandError("--today is for a single run, not with --every.")
        while True:
            changed = groups_activity_refresh(today=day)
            self.stdout.write(f"groups_activity_refresh: {changed} groups changed status")
            if not every:
                return
            time.sleep(every)
