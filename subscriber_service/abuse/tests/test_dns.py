"""The optional DNS check, against a small DNS server on 127.0.0.1."""

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from subscriber_service.abuse.checks import check_email
from subscriber_service.abuse.exceptions import AbuseRejected

ZONES = {
    "mail-ok.org": {"MX": ["10 mx.mail-ok.org."]},
    "address-only.org": {"A": ["192.0.2.10"]},
    "null-mx.org": {"MX": ["0 ."]},
    "no-mail.org": {},
}


class FakeDnsServer:
    """Answers from ZONES over UDP; a name not in ZONES does not exist (NXDOMAIN)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.questions = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        while not self.stopping.is_set():
            try:
                wire, client = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True).lower()
            record_type = dns.rdatatype.to_text(question.rdtype)
            self.questions.append((name, record_type))
            response = dns.message.make_response(query)
            if name not in ZONES:
                response.set_rcode(dns.rcode.NXDOMAIN)
            else:
                records = ZONES[name].get(record_type, [])
                if records:
                    response.answer.append(
                        dns.rrset.from_text(question.name, 300, "IN", record_type, *records)
                    )
            self.sock.sendto(response.to_wire(), client)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def dns_server(settings):
    with FakeDnsServer() as server:
        settings.SIGNUP_CHECK_DNS = True
        settings.SIGNUP_DNS_NAMESERVERS = ["127.0.0.1"]
        settings.SIGNUP_DNS_PORT = server.port
        settings.SIGNUP_DNS_TIMEOUT = 2.0
        yield server


@pytest.mark.parametrize("address", ["a@mail-ok.org", "a@address-only.org"])
def test_a_domain_with_mail_servers_or_an_address_passes(dns_server, address):
    check_email(address)

    assert dns_server.questions[0] == (address.split("@")[1], "MX")


@pytest.mark.parametrize(
    ("address", "detail"),
    [
        ("a@missing.org", "The domain missing.org does not exist."),
        ("a@null-mx.org", "The domain null-mx.org does not accept email."),
        ("a@no-mail.org", "The domain no-mail.org does not accept email."),
    ],
)
def test_a_domain_that_cannot_receive_mail_is_refused(dns_server, address, detail):
    with pytest.raises(AbuseRejected) as refused:
        check_email(address)

    assert (refused.value.code, refused.value.detail) == ("email_domain", detail)


def test_the_lookup_is_off_by_default(settings, dns_server):
    settings.SIGNUP_CHECK_DNS = False

    check_email("a@missing.org")

    assert dns_server.questions == []


def test_an_unreachable_name_server_lets_the_address_through(settings, caplog):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.SIGNUP_CHECK_DNS = True
    settings.SIGNUP_DNS_NAMESERVERS = ["127.0.0.1"]
    settings.SIGNUP_DNS_PORT = port
    settings.SIGNUP_DNS_TIMEOUT = 0.5

    assert check_email("a@missing.org") == "a@missing.org"
    assert "Signup domain not checked: DNS lookup failed" in caplog.text
