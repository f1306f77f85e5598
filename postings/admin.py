from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .models import CredentialOption, CredentialRequirement, CredentialType, Posting, PostingEvent


@admin.register(CredentialType)
class CredentialTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "country", "jurisdictional", "active"]
    list_filter = ["kind", "country", "jurisdictional", "active"]
    search_fields = ["name", "code", "issuer"]
    prepopulated_fields = {"code": ["name"]}


class CredentialOptionInline(admin.TabularInline):
    model = CredentialOption
    extra = 1


@admin.register(CredentialRequirement)
class CredentialRequirementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "posting", "level", "within_days"]
    list_filter = ["level"]
    list_select_related = ["posting"]
    raw_id_fields = ["posting"]
    inlines = [CredentialOptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("options__credential_type")


class CredentialRequirementInline(admin.TabularInline):
    model = CredentialRequirement
    extra = 0
    show_change_link = True
    fields = ["level", "within_days", "position"]


class PostingEventInline(admin.TabularInline):
    model = PostingEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "status", "setting", "region", "city", "published_at", "expires_at"]
    list_filter = ["status", "setting", "arrangement", "country", "employer__verified", "employer__trusted"]
    list_select_related = ["employer"]
    search_fields = ["title", "employer__name", "city", "reference"]
    raw_id_fields = ["employer", "created_by"]
    readonly_fields = ["status", "published_at", "pay_max_hourly", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    # Counting a million rows on every page view is slow; the paginator shows "many" instead.
    show_full_result_count = False
    inlines = [CredentialRequirementInline, PostingEventInline]
    actions = ["approve", "close"]
    fieldsets = [
        (
            "Role",
            {
                "fields": [
                    "employer",
                    "title",
                    "slug",
                    "reference",
                    "description",
                    "setting",
                    "experience",
                    "employment_types",
                    "shifts",
                    "arrangement",
                    "duties",
                    "systems",
                ]
            },
        ),
        ("Place", {"fields": ["country", "region", "city", "postal_code", "latitude", "longitude"]}),
        (
            "Pay",
            {
                "fields": [
                    "pay_min",
                    "pay_max",
                    "pay_period",
                    "pay_currency",
                    "pay_max_hourly",
                    "sign_on_bonus",
                    "shift_differential",
                ]
            },
        ),
        ("Benefits", {"fields": ["training_provided", "exam_fee_paid", "tuition_reimbursement"]}),
        ("How to apply", {"fields": ["apply_method", "apply_url", "apply_email"]}),
        ("Life cycle", {"fields": ["status", "published_at", "expires_at", "created_by", "created_at", "updated_at"]}),
    ]

    def _run(self, request, queryset, service, done: str):
        succeeded = 0
        for posting in queryset.select_related("employer"):
            try:
                service(posting=posting, by=request.user)
                succeeded += 1
            except ValidationError as error:
                self.message_user(request, f"{posting}: {' '.join(error.messages)}", messages.WARNING)
        if succeeded:
            self.message_user(request, f"{succeeded} posting(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve and publish selected postings", permissions=["change"])
    def approve(self, request, queryset):
        self._run(request, queryset, services.posting_publish, "published")

    @admin.action(description="Close selected postings", permissions=["change"])
    def close(self, request, queryset):
        self._run(request, queryset, services.posting_close, "closed")


@admin.register(PostingEvent)
class PostingEventAdmin(admin.ModelAdmin):
    list_display = ["posting", "from_status", "to_status", "by", "created_at"]
    list_filter = ["to_status"]
    list_select_related = ["posting", "by"]
    raw_id_fields = ["posting", "by"]
    readonly_fields = ["posting", "from_status", "to_status", "by", "reason", "created_at"]
    show_full_result_count = False
