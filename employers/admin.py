from django import forms
from django.contrib import admin

from jobboard.fields import LinesField
from jobboard.forms import CleanTextForm

from .models import Employer, EmployerMember


class EmployerAdminForm(CleanTextForm, forms.ModelForm):
    # One location per line, as on the employer's own form: the admin's default splits at commas, which turned
    # "Houston, TX" and "Pasadena, TX" into four locations on each save.
    locations = LinesField(required=False, max_lines=30, noun="locations", help_text="One per line, e.g. Houston, TX")

    class Meta:
        model = Employer
        fields = ["name", "slug", "type", "website", "description", "logo", "locations", "verified", "trusted"]


class EmployerMemberInline(admin.TabularInline):
    model = EmployerMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    form = EmployerAdminForm
    list_display = ["name", "type", "verified", "trusted", "created_at"]
    list_filter = ["type", "verified", "trusted"]
    list_editable = ["verified", "trusted"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [EmployerMemberInline]


@admin.register(EmployerMember)
class EmployerMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "employer", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "employer"]
    search_fields = ["user__email", "user__username", "employer__name"]
    raw_id_fields = ["user", "employer"]
    readonly_fields = ["created_at"]
