from django.contrib import admin

from newsletter_service.campaigns.models import Campaign, CampaignReport, CampaignTransition


class TransitionInline(admin.TabularInline):
    model = CampaignTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Read-only: campaigns change through their API, where every transition is recorded."""

    list_display = ["pk", "kind", "language", "subject", "state", "scheduled_for", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["subject"]
    exclude = ["snapshot", "rendered_html", "rendered_text"]
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CampaignReport)
class CampaignReportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "emails_sent", "unique_opens", "unique_clicks", "fetched_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
