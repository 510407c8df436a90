import pytest
from axes.helpers import get_client_ip_address
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client, RequestFactory

from cms.accounts.tests.helpers import PASSWORD, random_address, sign_in

pytestmark = pytest.mark.django_db

WRONG = "not the password"


def fail_five_times(client, username):
    return [sign_in(client, username, WRONG).status_code for _ in range(5)]


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_wagtail_admin_login_works_with_login_limits_on(client, editor):
    response = sign_in(client, editor.username)

    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_four_wrong_passwords_then_the_right_one_still_signs_in(client, editor):
    statuses = [sign_in(client, editor.username, WRONG).status_code for _ in range(4)]

    assert statuses == [200] * 4  # the form again, with its error
    assert sign_in(client, editor.username).status_code == 302
    assert signed_in(client)


def test_after_5_wrong_passwords_the_login_is_locked_even_with_the_right_password(client, editor):
    statuses = fail_five_times(client, editor.username)

    assert statuses == [200, 200, 200, 200, 429]
    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_lockout_counts_per_user_and_address(client, editor, make_editor, clean_lockouts):
    colleague = make_editor()
    fail_five_times(client, editor.username)
    assert sign_in(client, editor.username).status_code == 429

    # Another editor from the same address is not locked out...
    same_address = Client(HTTP_HOST="localhost", REMOTE_ADDR=client.defaults["REMOTE_ADDR"])
    assert sign_in(same_address, colleague.username).status_code == 302
    assert signed_in(same_address)

    # ...nor the same editor from another address.
    elsewhere = random_address()
    clean_lockouts.append((elsewhere, editor.username))
    other_address = Client(HTTP_HOST="localhost", REMOTE_ADDR=elsewhere)
    assert sign_in(other_address, editor.username).status_code == 302
    assert signed_in(other_address)


def test_wrong_passwords_for_different_users_do_not_add_up(client, editor, make_editor):
    others = [make_editor() for _ in range(4)]
    for other in others:
        sign_in(client, other.username, WRONG)
    for _ in range(4):
        sign_in(client, editor.username, WRONG)

    assert sign_in(client, editor.username).status_code == 302


def test_unlock_login_lifts_a_lockout(client, editor, capsys):
    fail_five_times(client, editor.username)
    assert sign_in(client, editor.username).status_code == 429

    call_command("unlock_login", editor.username)

    assert "Lifted 1 lockout" in capsys.readouterr().out
    assert sign_in(client, editor.username).status_code == 302


def test_axes_reset_ip_username_also_lifts_a_lockout(client, editor, address):
    fail_five_times(client, editor.username)

    call_command("axes_reset_ip_username", address, editor.username)

    assert sign_in(client, editor.username).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
    request = RequestFactory().post(
        "/admin/login/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert get_client_ip_address(request) == "10.0.0.7"


def test_behind_one_trusted_proxy_the_address_it_appended_is_used(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    factory = RequestFactory()

    honest = factory.post(
        "/admin/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    # A client that writes its own X-Forwarded-For: the proxy appends the real address.
    spoofing = factory.post(
        "/admin/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )

    assert get_client_ip_address(honest) == "203.0.113.9"
    assert get_client_ip_address(spoofing) == "203.0.113.9"
