import time

from django.core.management.base import BaseCommand

from cms.demo.loader import load
from cms.home import demo


class Command(BaseCommand):
    help = "Load the demo site and create the demo editor and reviewer (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        counts, editor_created = load()
        self.stdout.write("Demo content: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        self.stdout.write(f"Loaded in {time.monotonic() - started:.1f}s")
        self.stdout.write(
            f"Demo editor {'created' if editor_created else 'already there'}: "
            f"username 'editor', password {demo.demo_editor_password()!r}; "
            f"safety reviewer: username 'reviewer', same password"
        )
