"""Write the ingest's nginx.conf and packager.json from settings; with --run, start nginx."""

import os

from django.core.management.base import BaseCommand

from hamafza.broadcast import ingest


class Command(BaseCommand):
    help = "Write var/ingest/nginx.conf (nginx-rtmp) from settings; --run also starts nginx."

    def add_arguments(self, parser):
        parser.add_argument(
            "--run", action="store_true", help="then run nginx in the foreground (Procfile)"
        )
        parser.add_argument("--print", action="store_true", help="print the configuration")

    def handle(self, *args, run: bool = False, print: bool = False, **options):
        paths = ingest.config_write()
        if print:
            self.stdout.write(paths.conf.read_text(encoding="utf-8"))
        else:
            self.stdout.write(f"ingest: wrote {paths.conf} and {paths.packager_conf}")
        if run:
            command = ingest.nginx_command(paths)
            os.execvp(command[0], command)
