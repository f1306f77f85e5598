from django.contrib import admin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read only: whether an email went out, when, and why not."""

    list_display = ["subject", "recipients", "status", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["status"]
    search_fields = ["recipients__0", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
