"""A "Send as newsletter" item on live pages that can be mailed, for those allowed to send."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from cms.newsletters import urls
from cms.newsletters.selectors import page_can_be_sent, user_can_send


@hooks.register("register_admin_urls")
def register_newsletter_urls():
    return [path("newsletters/", include(urls, namespace="newsletters"))]


@hooks.register("register_permissions")
def register_send_newsletter_permission():
    # Shown on the group edit screen, so administrators can give it to other groups.
    return Permission.objects.filter(
        content_type__app_label="newsletters", codename="send_newsletter"
    )


def _send_button(page, user, *, priority: int):
    if page_can_be_sent(page) and user_can_send(user, page):
        yield Button(
            "Send as newsletter",
            reverse("newsletters:page", args=[page.pk]),
            icon_name="mail",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def page_header_send_button(page, user, view_name, next_url=None):
    yield from _send_button(page, user, priority=75)


@hooks.register("register_page_listing_more_buttons")
def page_listing_send_button(page, user, next_url=None):
    yield from _send_button(page, user, priority=55)
