from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from jobboard.forms import CleanTextForm

from .models import (
    CredentialOption,
    CredentialRequirement,
    CredentialType,
    ExpiryReminder,
    PendingPosting,
    Posting,
    PostingEvent,
    PostingRevision,
    Report,
)
from .services.moderation import (
    MODERATE_PERMISSION,
    posting_approve,
    posting_preview_url,
    posting_reject,
    posting_request_changes,
    posting_revision_approve,
    posting_revision_reject,
)
from .services.reports import report_close_posting, report_dismiss
from .services.workflow import posting_close


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


def _display(name: str, value) -> str:
    """A field's value as the moderator reads it: choice labels, lists joined, empty as a dash."""
    field = Posting._meta.get_field(name)
    choices = dict(getattr(field, "base_field", field).flatchoices)
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, item)) for item in value) or "(empty)"
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(choices.get(value, value))


def _requirements_display(rows) -> str:
    """Requirements as "PTCB CPhT or NHA ExCPT (required)", from stored rows or a revision's JSON."""
    if rows is None:
        return "(empty)"
    type_ids = {type_id for _, _, options in rows for type_id, _ in options}
    names = dict(CredentialType.objects.filter(pk__in=type_ids).values_list("pk", "name"))
    levels = dict(CredentialRequirement.Level.choices)
    lines = []
    for level, days, options in rows:
        either = " or ".join(f"{names.get(t, t)}{f' ({j})' if j else ''}" for t, j in options)
        lines.append(f"{either} ({levels.get(level, level).lower()}{f', within {days} days' if days else ''})")
    return "; ".join(lines) or "none"


def revision_changes(revision: PostingRevision, posting: Posting) -> list[tuple[str, str, str]]:
    """What a pending edit changes: (field label, published value, edited value) for each changed field."""
    from .forms import PostingForm  # the labels the employer saw

    labels = {name: field.label for name, field in PostingForm.base_fields.items()}  # in the form's order
    edited = revision.apply_to(Posting(pk=posting.pk))
    rows = [
        (labels.get(name, name), _display(name, getattr(posting, name)), _display(name, getattr(edited, name)))
        for name in sorted(revision.data, key=lambda name: list(labels).index(name) if name in labels else len(labels))
    ]
    if revision.requirements is not None:
        stored = [
            [r.level, r.within_days, [[o.credential_type_id, o.jurisdiction] for o in r.options.all()]]
            for r in posting.requirements.prefetch_related("options")
        ]
        rows.append(("Credentials", _requirements_display(stored), _requirements_display(revision.requirements)))
    return rows


def _pending_revision(posting: Posting) -> PostingRevision | None:
    return posting.revisions.filter(status=PostingRevision.Status.PENDING).first()


# A queued posting waits either for its first approval or, live already, for an edit to be approved: each decision
# goes to the service for what is waiting. An edit refused or sent back alike stays unpublished and the live version
# stays up; the employer reads why.
def moderation_approve(*, posting: Posting, by) -> None:
    if (revision := _pending_revision(posting)) is not None:
        posting_revision_approve(revision=revision, by=by)
    else:
        posting_approve(posting=posting, by=by)


def moderation_reject(*, posting: Posting, by, reason: str) -> None:
    if (revision := _pending_revision(posting)) is not None:
        posting_revision_reject(revision=revision, by=by, reason=reason)
    else:
        posting_reject(posting=posting, by=by, reason=reason)


def moderation_request_changes(*, posting: Posting, by, comment: str) -> None:
    if (revision := _pending_revision(posting)) is not None:
        posting_revision_reject(revision=revision, by=by, reason=comment)
    else:
        posting_request_changes(posting=posting, by=by, comment=comment)


DECISIONS = {
    "approve": (moderation_approve, None, "approved and published"),
    "reject": (moderation_reject, "reason", "rejected; the employer is emailed the reason"),
    "request_changes": (moderation_request_changes, "comment", "sent back to the employer for changes"),
}


class ModerationForm(CleanTextForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject"), ("request_changes", "Request changes")]
    )
    reason = forms.CharField(required=False, max_length=2000)


class ModerationMixin:
    """Approve, reject or request changes from a posting's own admin page, beside the posting as the public
    will see it (a signed preview) and, for an edit of a live posting, what the edit changes."""

    change_form_template = "admin/postings/moderation_change_form.html"

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)

    def view_on_site(self, posting):
        # A posting without a public page yet (pending, draft...) would be a 404 there: the signed preview instead.
        if posting.status == Posting.Status.PUBLISHED:
            return posting.get_absolute_url()
        return posting_preview_url(posting=posting)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        posting = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if posting is not None:
            revision = _pending_revision(posting)
            extra_context["moderation"] = {
                "posting": posting,
                "revision": revision,
                "changes": revision_changes(revision, posting) if revision else [],
                "preview_url": posting_preview_url(posting=posting, revision=revision),
                "can_moderate": self.has_moderate_permission(request)
                and (revision is not None or posting.status == Posting.Status.PENDING),
                "form_url": reverse("admin:postings_posting_moderate", args=[posting.pk]),
            }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Posting)
class PostingAdmin(ModerationMixin, admin.ModelAdmin):
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

    def get_urls(self):
        moderate = self.admin_site.admin_view(require_POST(self.moderate_view))
        return [path("<int:pk>/moderate/", moderate, name="postings_posting_moderate"), *super().get_urls()]

    def moderate_view(self, request, pk):
        """The buttons of the moderation panel: one service call, then back to the queue (or to the page, to say
        what was missing)."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        posting = get_object_or_404(Posting.objects.select_related("employer", "created_by"), pk=pk)
        form = ModerationForm(request.POST)
        back = reverse("admin:postings_posting_change", args=[pk])
        if not form.is_valid():
            self.message_user(request, "Choose approve, reject or request changes.", messages.ERROR)
            return redirect(back)
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        service, keyword, done = DECISIONS[decision]
        try:
            service(posting=posting, by=request.user, **({keyword: reason} if keyword else {}))
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, f"{posting}: {text}", messages.ERROR)
            return redirect(back)
        self.message_user(request, f"{posting}: {done}.", messages.SUCCESS)
        return redirect("admin:postings_pendingposting_changelist")

    @admin.action(description="Approve and publish selected postings", permissions=["moderate"])
    def approve(self, request, queryset):
        _run(self, request, queryset, posting_approve, "approved and published")

    @admin.action(description="Close selected postings", permissions=["change"])
    def close(self, request, queryset):
        _run(self, request, queryset, posting_close, "closed")


def _run(model_admin, request, queryset, service, done: str, **kwargs) -> None:
    """Call one service per posting; report each refusal instead of stopping at the first."""
    succeeded = 0
    for posting in queryset.select_related("employer", "created_by"):
        try:
            service(posting=posting, by=request.user, **kwargs)
            succeeded += 1
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            model_admin.message_user(request, f"{posting}: {text}", messages.WARNING)
    if succeeded:
        model_admin.message_user(request, f"{succeeded} posting(s) {done}.", messages.SUCCESS)


class ReasonForm(CleanTextForm, forms.Form):
    reason = forms.CharField(
        label="Message to the employer",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text="Emailed to whoever posted it and shown on their dashboard.",
    )


def _with_reason(model_admin, request, queryset, *, service, title: str, done: str, action: str):
    """An intermediate page asking for the reason, as Django's own delete confirmation does."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        keyword = "comment" if service in (posting_request_changes, moderation_request_changes) else "reason"
        _run(model_admin, request, queryset, service, done, **{keyword: form.cleaned_data["reason"]})
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "postings": queryset.select_related("employer"),
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/postings/reason_form.html", context)


class PendingEmployerFilter(admin.SimpleListFilter):
    title = "employer"
    parameter_name = "employer_status"

    def lookups(self, request, model_admin):
        return [("verified", "Verified"), ("unverified", "Not verified"), ("trusted", "Trusted")]

    def queryset(self, request, queryset):
        if self.value() == "verified":
            return queryset.filter(employer__verified=True)
        if self.value() == "unverified":
            return queryset.filter(employer__verified=False)
        if self.value() == "trusted":
            return queryset.filter(employer__trusted=True)
        return queryset


@admin.register(PendingPosting)
class PendingPostingAdmin(ModerationMixin, admin.ModelAdmin):
    """The moderation queue: pending postings, the longest-waiting first."""

    list_display = ["title", "kind", "employer_link", "verified", "setting", "region", "pay", "waiting"]
    list_filter = [PendingEmployerFilter, "employer__verified", "employer__trusted", "setting", "region"]
    list_select_related = ["employer"]
    search_fields = ["title", "employer__name", "reference", "city"]
    actions = ["approve", "reject", "request_changes"]
    inlines = [CredentialRequirementInline, PostingEventInline]
    fieldsets = PostingAdmin.fieldsets
    readonly_fields = [field for _, options in PostingAdmin.fieldsets for field in options["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).pending_review()

    def get_ordering(self, request):
        # The model's own order is the newest published first; the queue is the longest-waiting first.
        return [F("waiting_since").asc(), F("id").asc()]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Waiting for")
    def kind(self, posting):
        return "An edit of a live posting" if posting.pending_revision_id else "First approval"

    @admin.display(description="Employer", ordering="employer__name")
    def employer_link(self, posting):
        url = reverse("admin:employers_employer_change", args=[posting.employer_id])
        return format_html('<a href="{}">{}</a>', url, posting.employer.name)

    @admin.display(description="Verified", boolean=True)
    def verified(self, posting):
        return posting.employer.verified

    @admin.display(description="Pay")
    def pay(self, posting):
        return f"{posting.pay_min:,.2f}\u2013{posting.pay_max:,.2f} {posting.pay_currency}/{posting.pay_period}"

    @admin.display(description="Waiting since", ordering="waiting_since")
    def waiting(self, posting):
        return posting.waiting_since

    @admin.action(description="Approve and publish", permissions=["moderate"])
    def approve(self, request, queryset):
        _run(self, request, queryset, moderation_approve, "approved and published")

    @admin.action(description="Reject with a reason…", permissions=["moderate"])
    def reject(self, request, queryset):
        return _with_reason(
            self,
            request,
            queryset,
            service=moderation_reject,
            title="Reject postings",
            done="rejected",
            action="reject",
        )

    @admin.action(description="Request changes…", permissions=["moderate"])
    def request_changes(self, request, queryset):
        return _with_reason(
            self,
            request,
            queryset,
            service=moderation_request_changes,
            title="Request changes",
            done="sent back for changes",
            action="request_changes",
        )


@admin.register(PostingEvent)
class PostingEventAdmin(admin.ModelAdmin):
    list_display = ["posting", "from_status", "to_status", "by", "created_at"]
    list_filter = ["to_status"]
    list_select_related = ["posting", "by"]
    raw_id_fields = ["posting", "by"]
    readonly_fields = ["posting", "from_status", "to_status", "by", "reason", "created_at"]
    show_full_result_count = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The reports queue: open reports first, oldest first; act by closing the posting or dismissing."""

    list_display = ["posting_link", "employer", "reason", "short_details", "status", "created_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["posting__employer"]
    search_fields = ["posting__title", "posting__employer__name", "details"]
    readonly_fields = ["posting", "reason", "details", "reporter", "status", "resolved_by", "resolved_at", "created_at"]
    fields = readonly_fields
    actions = ["close_posting", "dismiss"]
    ordering = ["status", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)

    @admin.display(description="Posting", ordering="posting__title")
    def posting_link(self, report):
        url = reverse("admin:postings_posting_change", args=[report.posting_id])
        return format_html('<a href="{}">{}</a> ({})', url, report.posting.title, report.posting.get_status_display())

    @admin.display(description="Employer")
    def employer(self, report):
        return report.posting.employer.name

    @admin.display(description="Details")
    def short_details(self, report):
        return report.details[:80] + ("…" if len(report.details) > 80 else "")

    def _each(self, request, queryset, service, done: str):
        succeeded = 0
        for report in queryset.filter(status=Report.Status.OPEN).select_related("posting"):
            try:
                service(report=report, by=request.user)
                succeeded += 1
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{report}: {text}", messages.WARNING)
        self.message_user(request, f"{succeeded} report(s) {done}.", messages.SUCCESS)

    @admin.action(description="Close the reported postings", permissions=["moderate"])
    def close_posting(self, request, queryset):
        self._each(request, queryset, report_close_posting, "acted on: postings closed")

    @admin.action(description="Dismiss the reports", permissions=["moderate"])
    def dismiss(self, request, queryset):
        self._each(request, queryset, report_dismiss, "dismissed")


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(admin.ModelAdmin):
    list_display = ["posting", "expires_at", "sent_at", "used_at", "used_action"]
    list_select_related = ["posting"]
    raw_id_fields = ["posting"]
    readonly_fields = ["posting", "expires_at", "sent_at", "used_at", "used_action"]
