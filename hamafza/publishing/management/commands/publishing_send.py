"""Tell followers of posts now public and of public broadcasts about to start, then send what
waits for the messengers.

manage.py publishing_send              once
manage.py publishing_send --every 60   in a loop (the Procfile's ``publishing`` process)
"""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Announce due posts and upcoming broadcasts to followers; send messenger deliveries."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")
        parser.add_argument(
            "--limit", type=int, default=200, help="messenger deliveries to send per run"
        )

    def handle(self, *args, every: int = 0, limit: int = 200, **options):
        from hamafza.publishing.services_follows import announcements_due_send, deliveries_send

        while True:
            told = announcements_due_send()
            sent = deliveries_send(limit=limit)
            self.stdout.write(
                f"publishing_send: {told} followers told, {sent} messenger deliveries sent"
            )
            if not every:
                return
            time.sleep(every)
