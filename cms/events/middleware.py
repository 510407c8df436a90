"""One transaction per change made in the admin."""

from __future__ import annotations

from django.db import transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Admin screens whose POSTs call another service and change nothing here: a
# network call must never run inside an open transaction.
NON_ATOMIC_PREFIXES = ("/admin/newsletters/",)


class AdminTransactionMiddleware:
    """Run each admin request that changes something in one database transaction.

    Wagtail publishes, unpublishes and moves pages in several commits, and
    sends its signals after them; wrapped in one transaction, a page change
    and the publish event recorded by ``cms.events`` are committed together
    or not at all, and the webhooks queued on commit go out only after it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in SAFE_METHODS
            or not request.path.startswith("/admin/")
            or request.path.startswith(NON_ATOMIC_PREFIXES)
        ):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            # An exception in the view reaches us as a 500 (Django converts it
            # inside each middleware): undo what the view did before failing.
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response
