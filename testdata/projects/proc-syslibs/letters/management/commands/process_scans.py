"""Reads new scans, forever with --forever."""
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Read the text of new scans."

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true")

    def handle(self, *args, forever=False, **options):
        while True:
            self.stdout.write("no new scans")
            if not forever:
                return
            time.sleep(30)
