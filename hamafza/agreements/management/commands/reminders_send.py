"""Expire agreements past their date and remind owners of renewals, decrees and follow-ups.

manage.py reminders_send                one run of services.reminders_send
manage.py reminders_send --every 3600   a run every hour until stopped (Procfile)

Each event is told once, however often this runs (see accounts.services.notification_send).
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _

from hamafza.agreements import services

log = logging.getLogger("hamafza.agreements.services")


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str, and the language is known only now
        return _(
            "Mark agreements past their expiry date expired, and notify owners of renewals "
            "due, decrees ending soon and overdue follow-ups, each once. With --every, "
            "repeat until stopped."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            metavar="SECONDS",
            help=_("run again every SECONDS seconds until stopped"),
        )

    def handle(self, *args, every: float | None = None, **options):
        if every is None:
            self._report(services.reminders_send())
            return
        if every <= 0:
            raise CommandError(_("--every needs a number of seconds above zero."))
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_args: stop.set())
        self.stdout.write(_("Sending reminders every %(seconds)g seconds.") % {"seconds": every})
        while not stop.is_set():
            close_old_connections()
            try:
                report = services.reminders_send()
            except Exception:
                # A database hiccup must not stop the loop (honcho would stop every
                # process with it); it is logged with its traceback and tried again.
                log.exception("reminders: the run failed")
            else:
                # Quiet unless something was expired or someone was told.
                if report.expired or report.renewals or report.appointments or report.followups:
                    self._report(report)
            stop.wait(every)
        close_old_connections()

    def _report(self, report: services.ReminderReport) -> None:
        self.stdout.write(
            _(
                "Expired %(expired)d agreements; sent %(renewals)d renewal, "
                "%(appointments)d decree and %(followups)d follow-up notifications."
            )
            % {
                "expired": report.expired,
                "renewals": report.renewals,
                "appointments": report.appointments,
                "followups": report.followups,
            }
        )
