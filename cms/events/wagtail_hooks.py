"""The delivery log: publish events and their webhook deliveries, read-only, under Reports."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.html import format_html_join
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.events.models import DeliveryStatus, PublishEvent, PublishEventKind, WebhookDelivery


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Events are written by the CMS itself: editors may look, nobody may add or change."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return self.user_model.objects.none()
        return super().users_with_any_permission(["view"])


register_permission_policy(PublishEvent, ViewOnlyPermissionPolicy(PublishEvent))


class PublishEventFilterSet(WagtailFilterSet):
    delivery_status = django_filters.ChoiceFilter(
        label="Delivery status",
        choices=DeliveryStatus.choices,
        field_name="deliveries__status",
        distinct=True,
    )
    kind = django_filters.ChoiceFilter(choices=PublishEventKind.choices)

    class Meta:
        model = PublishEvent
        fields = []


def deliveries_summary(event: PublishEvent):
    return format_html_join(
        ", ",
        "{}: {} ({} attempt{}{}){}",
        (
            (
                delivery.endpoint,
                delivery.get_status_display(),
                delivery.attempts,
                "" if delivery.attempts == 1 else "s",
                f", HTTP {delivery.last_status_code}" if delivery.last_status_code else "",
                f" — {delivery.last_error[:120]}" if delivery.last_error else "",
            )
            for delivery in event.deliveries.all()
        ),
    )


class PublishEventIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .prefetch_related(
                Prefetch("deliveries", queryset=WebhookDelivery.objects.order_by("endpoint"))
            )
        )


class PublishEventViewSet(ModelViewSet):
    model = PublishEvent
    icon = "list-ul"
    menu_label = "Publish events"
    add_to_admin_menu = True
    menu_hook = "register_reports_menu_item"
    menu_order = 900
    index_view_class = PublishEventIndexView
    filterset_class = PublishEventFilterSet
    search_fields = ["title", "url"]
    list_display = [
        "title",
        Column("kind", label="Event", accessor="get_kind_display"),
        "page_type",
        "locale",
        Column("deliveries", label="Webhook deliveries", accessor=deliveries_summary),
        DateColumn("occurred_at", label="When"),
    ]
    inspect_view_enabled = True
    inspect_view_fields = [
        "uuid",
        "kind",
        "page_id",
        "page_type",
        "locale",
        "title",
        "url",
        "url_path",
        "translation_key",
        "occurred_at",
        "payload",
    ]
    copy_view_enabled = False
    form_fields = []  # never edited: the permission policy refuses add and change


@hooks.register("register_admin_viewset")
def register_publish_event_viewset():
    return PublishEventViewSet("publish_events")
