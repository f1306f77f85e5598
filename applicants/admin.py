from django.contrib import admin

from .models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplyClick,
    DecisionMessage,
    HeldCredential,
    SavedJob,
)


class HeldCredentialInline(admin.TabularInline):
    model = HeldCredential
    extra = 0


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "headline", "region", "city", "years_experience", "created_at"]
    list_filter = ["country", "region"]
    list_select_related = ["user"]
    search_fields = ["full_name", "user__email", "user__first_name", "user__last_name", "headline", "city"]
    raw_id_fields = ["user"]
    # Resumes live in private storage, with no URL: they are downloaded through the site's checked views.
    exclude = ["resume"]
    readonly_fields = ["resume_name", "resume_uploaded_at", "created_at", "updated_at"]
    inlines = [HeldCredentialInline]


@admin.register(HeldCredential)
class HeldCredentialAdmin(admin.ModelAdmin):
    list_display = ["__str__", "profile", "number", "expires_on"]
    list_filter = ["credential_type", "jurisdiction"]
    list_select_related = ["profile__user", "credential_type"]
    raw_id_fields = ["profile"]
    readonly_fields = ["created_at"]


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "by", "message"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the employer's review, which emails the applicant."""

    list_display = ["__str__", "posting", "status", "submitted_at", "employer_notified_at"]
    list_filter = ["status"]
    list_select_related = ["posting", "profile__user"]
    search_fields = ["posting__title", "profile__full_name", "profile__user__email"]
    raw_id_fields = ["posting", "profile"]
    exclude = ["resume"]
    readonly_fields = [
        "status",
        "resume_name",
        "resume_purged_at",
        "submitted_at",
        "status_changed_at",
        "employer_notified_at",
        "anonymised_at",
    ]
    inlines = [ApplicationEventInline]


@admin.register(ApplicationNote)
class ApplicationNoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at"]
    raw_id_fields = ["application", "author"]


@admin.register(SavedJob)
class SavedJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    raw_id_fields = ["profile", "posting"]


@admin.register(ApplyClick)
class ApplyClickAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "created_at"]
    raw_id_fields = ["posting", "user"]
    date_hierarchy = "created_at"


@admin.register(DecisionMessage)
class DecisionMessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "employer", "kind", "updated_at"]
    list_filter = ["kind"]
    raw_id_fields = ["employer", "updated_by"]
