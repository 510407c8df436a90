"""An SMTP server on 127.0.0.1 that keeps every message it receives, for the tests to read."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.harness import free_port


class _Handler:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
        return "250 Message accepted for delivery"


class MailSink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 60) -> list[EmailMessage]:
        """The messages to ``address`` once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{count} email(s) to the address did not arrive in {timeout} s")

    def wait_for_match(
        self, address: str, pattern: str, *, timeout: float = 60
    ) -> tuple[EmailMessage, re.Match]:
        """The first message to ``address`` whose plain text matches ``pattern``, and the match.

        Whatever else the address was sent meanwhile, and in whichever order.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.to(address):
                if found := re.search(pattern, text_of(message)):
                    return message, found
            time.sleep(0.2)
        raise AssertionError(f"no email to the address matched {pattern!r} in {timeout} s")


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def one_click_unsubscribe_url(message: EmailMessage) -> str:
    """The https or http URL of ``List-Unsubscribe``, where RFC 8058's one-click POST goes.

    The header may be folded over several lines and may list a ``mailto:`` too.
    """
    header = re.sub(r"\s+", "", str(message["List-Unsubscribe"]))
    return next(url for url in re.findall(r"<([^>]+)>", header) if url.startswith("http"))
