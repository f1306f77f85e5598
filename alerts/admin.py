"""Admin for job alerts and their delivery ledger: counts per day, failures, paused alerts."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone

from .models import Alert, AlertDelivery
from .services.subscriptions import alert_pause, alert_resume

DAYS_COUNTED = 14


class FailingFilter(admin.SimpleListFilter):
    title = "delivery problems"
    parameter_name = "failing"

    def lookups(self, request, model_admin):
        return [("yes", "Refused by the mail server"), ("paused", "Paused after refusals")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(permanent_failures__gt=0)
        if self.value() == "paused":
            return queryset.filter(status="paused").exclude(paused_reason="")
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    change_list_template = "admin/alerts/alert/change_list.html"
    list_display = ["name", "email", "frequency", "status", "created_at", "confirmed_at", "last_sent_at",
                    "permanent_failures"]  # fmt: skip
    list_filter = ["status", "frequency", FailingFilter]
    search_fields = ["email", "name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user"]
    readonly_fields = [field.name for field in Alert._meta.fields if field.name not in {"name", "frequency"}]
    actions = ["pause", "resume"]

    def has_add_permission(self, request):
        return False  # alerts come from a search, through /alerts/new/

    @admin.action(description="Pause the selected alerts")
    def pause(self, request, queryset):
        for alert in queryset:
            alert_pause(alert=alert, reason="Paused by a moderator.")
        messages.success(request, "Paused.")

    @admin.action(description="Resume the selected alerts (from now on)")
    def resume(self, request, queryset):
        for alert in queryset:
            alert_resume(alert=alert)
        messages.success(request, "Resumed.")

    def changelist_view(self, request, extra_context=None):
        counts = Alert.objects.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in Alert.Status.values},
            paused_after_refusals=Count("pk", filter=Q(status="paused") & ~Q(paused_reason="")),
            failing=Count("pk", filter=Q(permanent_failures__gt=0)),
        )
        extra_context = {**(extra_context or {}), "alert_counts": counts}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    change_list_template = "admin/alerts/alertdelivery/change_list.html"
    list_display = ["posting", "alert", "status", "matched_at", "sent_at", "attempts", "last_error"]
    list_filter = ["status"]
    list_select_related = ["alert", "posting"]
    date_hierarchy = "matched_at"
    search_fields = ["alert__email", "message_id"]
    raw_id_fields = ["alert", "posting"]
    readonly_fields = [field.name for field in AlertDelivery._meta.fields]
    show_full_result_count = False  # the ledger grows large; an exact count would scan it

    def has_add_permission(self, request):
        return False  # rows are written by matching only

    def changelist_view(self, request, extra_context=None):
        days = AlertDelivery.objects.counts_per_day(days=DAYS_COUNTED, now=timezone.now())
        extra_context = {**(extra_context or {}), "delivery_days": days, "days_counted": DAYS_COUNTED}
        return super().changelist_view(request, extra_context=extra_context)
