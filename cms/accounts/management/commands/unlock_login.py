from django.core.management.base import BaseCommand

from cms.accounts.lockouts import unlock


class Command(BaseCommand):
    help = (
        "Lift the sign-in lockout (too many wrong passwords) of a username, from every "
        "address it was locked out from, or from --ip only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="as typed at the sign-in form")
        parser.add_argument("--ip", help="lift the lockout from this client address only")

    def handle(self, *args, username, ip=None, **options):
        count = unlock(username, ip)
        if count:
            self.stdout.write(f"Lifted {count} lockout(s) of {username!r}.")
        else:
            self.stdout.write(f"No lockout of {username!r} was found.")
