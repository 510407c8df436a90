"""The delivery log in the Wagtail admin: read-only, filterable, for those allowed to see it."""

import pytest
from django.contrib.auth.models import Group, Permission

from cms.events.models import DeliveryStatus, PublishEvent, WebhookDelivery
from cms.monitor.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

URL = "/admin/publish_events/"


@pytest.fixture
def events(monitor, endpoint):
    delivered = ArticlePageFactory(parent=monitor, title="Delivered article")
    delivered.save_revision().publish()
    failed = ArticlePageFactory(parent=monitor, title="Refused article")
    failed.save_revision().publish()
    WebhookDelivery.objects.filter(event__page_id=delivered.pk).update(
        status=DeliveryStatus.DELIVERED, attempts=1, last_status_code=200
    )
    WebhookDelivery.objects.filter(event__page_id=failed.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=3,
        last_status_code=404,
        last_error="answered 404: no such hook",
    )
    return PublishEvent.objects.all()


def editor(django_user_model, *, can_view):
    user = django_user_model.objects.create_user("editor", "e@example.org", "x")
    group = Group.objects.create(name="Log readers" if can_view else "Others")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if can_view:
        group.permissions.add(Permission.objects.get(codename="view_publishevent"))
    user.groups.add(group)
    return user


def test_an_editor_with_the_permission_sees_events_with_their_delivery_status(
    client, events, django_user_model
):
    client.force_login(editor(django_user_model, can_view=True))

    response = client.get(URL, HTTP_HOST="localhost")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Delivered article" in html and "Refused article" in html
    assert "newsletter_service: Failed (3 attempts, HTTP 404) — answered 404: no such hook" in html
    assert "newsletter_service: Delivered (1 attempt, HTTP 200)" in html


def test_the_log_filters_by_delivery_status(client, events, django_user_model):
    client.force_login(editor(django_user_model, can_view=True))

    html = client.get(f"{URL}?delivery_status=failed", HTTP_HOST="localhost").content.decode()

    assert "Refused article" in html
    assert "Delivered article" not in html


def test_the_log_is_under_reports_in_the_menu(client, events, django_user_model):
    client.force_login(editor(django_user_model, can_view=True))

    html = client.get("/admin/", HTTP_HOST="localhost").content.decode()

    assert URL in html


def test_an_editor_without_the_permission_cannot_see_the_log(client, events, django_user_model):
    client.force_login(editor(django_user_model, can_view=False))

    response = client.get(URL, HTTP_HOST="localhost")

    assert response.status_code == 302
    assert URL not in client.get("/admin/", HTTP_HOST="localhost").content.decode()


def test_nobody_may_add_change_or_delete_an_event_not_even_a_superuser(
    client, events, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x"))
    event = events.first()

    for url in (f"{URL}new/", f"{URL}edit/{event.pk}/", f"{URL}delete/{event.pk}/"):
        assert client.get(url, HTTP_HOST="localhost").status_code == 302
    client.post(f"{URL}delete/{event.pk}/", HTTP_HOST="localhost")

    assert PublishEvent.objects.filter(pk=event.pk).exists()
    assert client.get(f"{URL}inspect/{event.pk}/", HTTP_HOST="localhost").status_code == 200
