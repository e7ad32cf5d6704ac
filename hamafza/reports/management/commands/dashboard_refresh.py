"""Compute the network dashboard's default view in every language before its cached copy
expires, so that visitors of those pages never wait for the computation.

manage.py dashboard_refresh             once
manage.py dashboard_refresh --every 240 in a loop (the Procfile's ``reports`` process)

The default view of a language is all years, in the language's calendar and lunar region, in
the network's time zone. Other views (a chosen year, another calendar) are computed by the
first request that asks and kept for the cache's time (``selectors_dashboard.CACHE_TIMEOUT``).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation


class Command(BaseCommand):
    help = "Compute the network dashboard's default view in every language (keeps it cached)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, every: int = 0, **options):
        from hamafza.core.preferences import calendar_default, lunar_region_default
        from hamafza.reports.selectors_dashboard import dashboard_refresh

        while True:
            started = time.monotonic()
            with timezone.override(settings.HAMAFZA_DEFAULT_TIME_ZONE):
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        dashboard_refresh(
                            year=None,
                            calendar=calendar_default(language),
                            region=lunar_region_default(language),
                        )
            took = time.monotonic() - started
            self.stdout.write(f"dashboard_refresh: {len(settings.LANGUAGES)} views in {took:.1f} s")
            if not every:
                return
            time.sleep(every)
