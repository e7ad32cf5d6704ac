"""Write the occasion dates and event repetitions that have come inside the horizon.

manage.py events_refresh              once
manage.py events_refresh --every 3600 in a loop (the Procfile's ``calendar`` process)
"""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write the occasion dates and event repetitions that have come inside the horizon."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, every: int = 0, **options):
        from hamafza.events.services import events_horizon_extend

        while True:
            changed = events_horizon_extend()
            self.stdout.write(f"events_refresh: {changed} dates written or moved")
            if not every:
                return
            time.sleep(every)
