"""A fake Mailchimp Marketing API for tests: a real HTTP server the official SDK talks to.

See :class:`fake_mailchimp.server.FakeMailchimp` for use in-process,
``python -m fake_mailchimp`` for a separate process driven through
:class:`fake_mailchimp.control.FakeMailchimpControl`, and
``pytest_plugins = ["fake_mailchimp.pytest_plugin"]`` for a fixture.
"""

from fake_mailchimp.control import FakeMailchimpControl
from fake_mailchimp.problems import Problem
from fake_mailchimp.server import FakeMailchimp, RecordedRequest
from fake_mailchimp.store import subscriber_hash

__all__ = ["FakeMailchimp", "FakeMailchimpControl", "Problem", "RecordedRequest", "subscriber_hash"]
