import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.accounts.middleware import TwoFactorMiddleware
from cms.accounts.tests.helpers import sign_in, token_for, wrong_token_for

pytestmark = pytest.mark.django_db

VERIFY_URL = "/admin/2fa/verify/"
ENROL_URL = "/admin/2fa/enrol/"


def test_an_editor_with_a_device_cannot_reach_admin_pages_until_they_enter_a_valid_token(
    client, editor, device, settings
):
    settings.WAGTAIL_2FA_REQUIRED = False  # a device is enough to require the code

    assert sign_in(client, editor.username).status_code == 302
    for page in ("/admin/", "/admin/pages/", "/admin/account/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY_URL)
    assert client.get(VERIFY_URL).status_code == 200

    response = client.post(VERIFY_URL, {"otp_token": token_for(device), "next": "/admin/pages/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200


def test_a_wrong_token_is_refused_and_the_admin_stays_closed(client, editor, device):
    sign_in(client, editor.username)

    response = client.post(VERIFY_URL, {"otp_token": wrong_token_for(device)})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)


def test_a_token_is_accepted_once_only(client, editor, device):
    sign_in(client, editor.username)
    token = token_for(device)
    assert client.post(VERIFY_URL, {"otp_token": token}).status_code == 302

    other_session = type(client)(HTTP_HOST="localhost", REMOTE_ADDR="10.9.9.9")
    sign_in(other_session, editor.username)
    response = other_session.post(VERIFY_URL, {"otp_token": token})

    assert response.status_code == 200
    assert other_session.get("/admin/")["Location"].startswith(VERIFY_URL)


def test_a_token_from_another_editors_device_is_refused(client, editor, device, make_editor):
    other = make_editor()
    other_device = TOTPDevice.objects.create(user=other, name="Other", confirmed=True)
    sign_in(client, editor.username)

    response = client.post(
        VERIFY_URL, {"otp_token": token_for(other_device), "otp_device": other_device.persistent_id}
    )

    assert response.status_code == 200
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)


def test_with_2fa_required_an_editor_without_a_device_is_sent_to_enrolment(
    client, editor, settings
):
    settings.WAGTAIL_2FA_REQUIRED = True
    sign_in(client, editor.username)

    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_URL)
    assert client.get(VERIFY_URL)["Location"].startswith(ENROL_URL)


def test_without_2fa_required_an_editor_without_a_device_reaches_the_admin(
    client, editor, settings
):
    settings.WAGTAIL_2FA_REQUIRED = False
    sign_in(client, editor.username)

    assert client.get("/admin/").status_code == 200


def test_the_enrolment_page_shows_an_inline_qr_code_of_a_new_unconfirmed_device(
    client, editor, settings
):
    settings.WAGTAIL_2FA_REQUIRED = True
    sign_in(client, editor.username)

    response = client.get(ENROL_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert response.context["secret"].replace(" ", "") in device.config_url


def test_enrolment_with_a_valid_token_creates_a_confirmed_device(client, editor, settings):
    settings.WAGTAIL_2FA_REQUIRED = True
    sign_in(client, editor.username)
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    response = client.post(
        ENROL_URL, {"name": "Work phone", "otp_token": token_for(device), "next": "/admin/pages/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    device.refresh_from_db()
    assert device.confirmed
    assert device.name == "Work phone"
    assert TOTPDevice.objects.filter(user=editor).count() == 1
    # The session that enrolled is verified: the admin is open.
    assert client.get("/admin/").status_code == 200


def test_enrolment_with_a_wrong_token_confirms_nothing(client, editor, settings):
    settings.WAGTAIL_2FA_REQUIRED = True
    sign_in(client, editor.username)
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    response = client.post(ENROL_URL, {"name": "Phone", "otp_token": wrong_token_for(device)})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert client.get("/admin/")["Location"].startswith(ENROL_URL)


def test_a_password_alone_cannot_add_a_device_to_an_account_that_has_one(client, editor, device):
    sign_in(client, editor.username)

    response = client.get(ENROL_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


def test_after_verifying_an_editor_sees_and_can_remove_their_devices(client, editor, device):
    sign_in(client, editor.username)
    client.post(VERIFY_URL, {"otp_token": token_for(device)})

    assert 'href="/admin/2fa/"' in client.get("/admin/account/").content.decode()
    page = client.get("/admin/2fa/")
    assert page.status_code == 200
    assert "Phone" in page.content.decode()

    response = client.post(f"/admin/2fa/devices/{device.pk}/delete/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_verification_page_does_not_redirect_to_another_site(client, editor, device):
    sign_in(client, editor.username)

    response = client.post(
        VERIFY_URL, {"otp_token": token_for(device), "next": "https://attacker.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_django_admin_also_asks_for_the_token(client, make_editor):
    admin = make_editor(superuser=True)
    TOTPDevice.objects.create(user=admin, name="Phone", confirmed=True)
    sign_in(client, admin.username)

    response = client.get("/django-admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)


def test_outside_the_admin_an_unverified_session_counts_as_anonymous(editor, device):
    request = RequestFactory().get("/api/v1/pages/")
    request.user = editor
    editor.is_verified = lambda: False
    seen = {}

    def view(request):
        seen["user"] = request.user
        return HttpResponse()

    TwoFactorMiddleware(view)(request)

    assert isinstance(seen["user"], AnonymousUser)


def test_signing_out_from_the_verification_page_works(client, editor, device):
    sign_in(client, editor.username)

    response = client.post("/admin/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_reset_2fa_removes_every_device_of_the_user(editor, device, capsys):
    TOTPDevice.objects.create(user=editor, name="Spare", confirmed=False)

    call_command("reset_2fa", editor.username)

    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert "Removed 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flavour", "value", "required"),
    [
        ("production", None, True),
        ("production", "false", False),
        ("dev", None, False),
        ("dev", "true", True),
    ],
)
def test_2fa_is_mandatory_in_production_unless_cms_2fa_required_says_otherwise(
    flavour, value, required
):
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cms.example.org",
        "DATABASE_URL": "postgres://app@db.invalid/app",
        "REDIS_URL": "redis://redis.invalid:6379/0",
        "DJANGO_SETTINGS_MODULE": f"cms.settings.{flavour}",
    }
    env.pop("CMS_2FA_REQUIRED", None)
    if value is not None:
        env["CMS_2FA_REQUIRED"] = value
    if flavour == "dev":
        for name in ("DATABASE_URL", "REDIS_URL"):
            del env[name]

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.WAGTAIL_2FA_REQUIRED)",
        ],
        env=env,
        cwd=settings.BASE_DIR.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip().splitlines()[-1] == str(required)
