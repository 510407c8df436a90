import secrets

import pytest
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.accounts import lockouts
from cms.accounts.tests.helpers import PASSWORD, random_address


@pytest.fixture
def address():
    """A client address of its own for each test: lockouts live in the shared cache."""
    return random_address()


@pytest.fixture
def client(address):
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=address)


@pytest.fixture
def make_editor(db, address):
    made = []

    def make(*, superuser=False):
        username = f"editor-{secrets.token_hex(4)}"
        User = get_user_model()
        if superuser:
            user = User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
        else:
            user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
            user.groups.add(Group.objects.get(name="Editors"))
        made.append(username)
        return user

    yield make
    # Failures and lockouts are kept in the (shared, persistent) cache: leave none behind.
    for username in made:
        reset(ip=address, username=username)
        lockouts.unlock(username)


@pytest.fixture
def editor(make_editor):
    return make_editor()


@pytest.fixture
def device(editor):
    return TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)


@pytest.fixture
def clean_lockouts():
    """Forget the failures of the other (address, username) pairs a test registers."""
    pairs = []
    yield pairs
    for ip, username in pairs:
        reset(ip=ip, username=username)
        lockouts.unlock(username)
