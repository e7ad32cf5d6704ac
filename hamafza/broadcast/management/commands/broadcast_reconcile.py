"""Mend what missed ingest callbacks and dead workers leave behind.

manage.py broadcast_reconcile              one run of services.broadcasts_reconcile
manage.py broadcast_reconcile --every 30   a run every 30 seconds until stopped (Procfile)
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _

from hamafza.broadcast import services

log = logging.getLogger("hamafza.broadcast.services")


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str, and the language is known only now
        return _(
            "End live broadcasts the ingest no longer has, register missed recordings and "
            "queue stuck archive items again. With --every, repeat until stopped."
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
            self._report(services.broadcasts_reconcile())
            return
        if every <= 0:
            raise CommandError(_("--every needs a number of seconds above zero."))
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_args: stop.set())
        self.stdout.write(_("Reconciling every %(seconds)g seconds.") % {"seconds": every})
        ingest_answered = True
        while not stop.is_set():
            close_old_connections()
            try:
                report = services.broadcasts_reconcile()
            except Exception:
                # A database or disk hiccup must not stop the loop (honcho would stop
                # every process with it); it is logged with its traceback and tried again.
                log.exception("reconcile: the run failed")
            else:
                # Quiet unless something was mended or the ingest came or went.
                if report.changed or report.ingest_answered != ingest_answered:
                    self._report(report)
                ingest_answered = report.ingest_answered
            stop.wait(every)
        close_old_connections()

    def _report(self, report: services.ReconcileReport) -> None:
        if not report.ingest_answered:
            self.stdout.write(
                _("The ingest (nginx) did not answer; live broadcasts were not checked.")
            )
        self.stdout.write(
            _(
                "Ended %(ended)d broadcasts; registered %(registered)d recordings and deleted "
                "%(deleted)d; archive items: %(opened)d opened, %(requeued)d queued again, "
                "%(restarted)d restarted, %(failed)d failed."
            )
            % {
                "ended": report.ended,
                "registered": report.recordings_registered,
                "deleted": report.recordings_deleted,
                "opened": report.archives_opened,
                "requeued": report.archives_requeued,
                "restarted": report.archives_restarted,
                "failed": report.archives_failed,
            }
        )
