"""Helpers shared by the tests of editors' accounts."""

import secrets

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple 42"


def token_for(device: TOTPDevice, drift: int = 0) -> str:
    """The code the editor's authenticator app shows now (``drift`` steps away)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    return f"{code:0{device.digits}d}"


def wrong_token_for(device: TOTPDevice) -> str:
    """A well-formed code that no time step within the device's tolerance accepts."""
    reach = device.tolerance + 1  # one step more, in case the clock ticks meanwhile
    accepted = {token_for(device, drift) for drift in range(-reach, reach + 1)}
    return next(code for code in (f"{n:06d}" for n in range(10)) if code not in accepted)


def random_address() -> str:
    return "10." + ".".join(str(secrets.randbelow(250) + 1) for _ in range(3))


def sign_in(client, username, password=PASSWORD):
    """Sign in through the Wagtail admin's own form (through axes, as in real use)."""
    return client.post("/admin/login/", {"username": username, "password": password})
