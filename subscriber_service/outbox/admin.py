from django.contrib import admin

from subscriber_service.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "payload"]
    # The payload may identify a person (an erasure in progress): not shown.
    exclude = ["payload"]

    def has_add_permission(self, request):
        return False
