from django.core.management.base import BaseCommand

from cms.home import demo


class Command(BaseCommand):
    help = "Load the demo content and create the demo editor account (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        home = demo.home_page_ensure()
        username, created = demo.demo_editor_ensure(password=demo.demo_editor_password())
        self.stdout.write(f"Home page: {home.title} (id {home.pk})")
        self.stdout.write(
            f"Demo editor {'created' if created else 'already there'}: "
            f"username {username!r}, password {demo.demo_editor_password()!r}"
        )
