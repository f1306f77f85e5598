from django.contrib import admin

from .models import ApplicantProfile, HeldCredential


class HeldCredentialInline(admin.TabularInline):
    model = HeldCredential
    extra = 0


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "headline", "region", "city", "years_experience", "created_at"]
    list_filter = ["country", "region"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "headline", "city"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [HeldCredentialInline]


@admin.register(HeldCredential)
class HeldCredentialAdmin(admin.ModelAdmin):
    list_display = ["__str__", "profile", "number", "expires_on"]
    list_filter = ["credential_type", "jurisdiction"]
    list_select_related = ["profile__user", "credential_type"]
    raw_id_fields = ["profile"]
    readonly_fields = ["created_at"]
