from django.contrib import admin

from subscriber_service.subscriptions.models import (
    ConsentRecord,
    Interest,
    PrivacyRequest,
    Subscriber,
    SuppressedAddress,
)


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["key", "position", "active", "mailchimp_interest_id"]
    list_editable = ["position", "active"]


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    readonly_fields = [
        "action",
        "wording_version",
        "language",
        "source",
        "interests",
        "ip_address",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "language", "created_at", "mailchimp_status"]
    list_filter = ["status", "language", "interests", "mailchimp_status"]
    search_fields = ["email"]
    readonly_fields = [
        "public_id",
        "created_at",
        "updated_at",
        "confirmed_at",
        "unsubscribed_at",
        "confirmation_sent_at",
        "mailchimp_status",
        "mailchimp_synced_at",
        "mailchimp_error",
    ]
    inlines = [ConsentRecordInline]


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ["address_hash", "reason", "created_at"]
    readonly_fields = ["address_hash", "reason", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "created_at", "completed_at"]
    readonly_fields = ["id", "kind", "address_hash", "language", "created_at", "completed_at"]
    exclude = ["subscriber"]
