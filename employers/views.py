from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from jobboard.caching import cache_anonymous
from postings.forms import PostingForm, requirement_formset
from postings.importing import postings_import
from postings.models import Posting
from postings.services.editing import posting_create, posting_duplicate, posting_update
from postings.services.reminders import ReminderLinkInvalid, expiry_reminder_read, expiry_reminder_use
from postings.services.workflow import posting_close, posting_fill, posting_renew, posting_submit

from . import services
from .forms import BulkActionForm, DashboardFilterForm, EmployerForm, ImportForm, InvitationForm, MemberRoleForm
from .models import Employer, EmployerMember


@method_decorator(cache_anonymous, name="dispatch")
class EmployerDetailView(DetailView):
    model = Employer
    template_name = "employers/employer_detail.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        postings = Posting.objects.open().for_employer(self.object).for_cards().newest()
        page = Paginator(postings, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, postings=page.object_list, **kwargs)


# -- The employer dashboard (/employer/) ----------------------------------------------------------
# Object access is checked in one place: `employer_required` takes the organisation from
# Employer.objects.for_user(), so a member of another organisation gets a 404 on every page and action,
# and every posting is looked up inside that organisation.

POSTINGS_PER_PAGE = 25
# What an employer may do with a posting in each status (the services refuse anything else anyway).
POSTING_ACTIONS = {
    Posting.Status.DRAFT: ["edit", "preview", "submit", "duplicate", "close"],
    Posting.Status.PENDING: ["edit", "duplicate", "close"],
    Posting.Status.REJECTED: ["edit", "submit", "duplicate", "close"],
    Posting.Status.PUBLISHED: ["edit", "renew", "fill", "close", "duplicate"],
    Posting.Status.EXPIRED: ["renew", "fill", "close", "duplicate"],
    Posting.Status.FILLED: ["duplicate"],
    Posting.Status.CLOSED: ["duplicate"],
}
ACTION_SERVICES = {
    "submit": (posting_submit, "Submitted for review."),
    "close": (posting_close, "Closed."),
    "fill": (posting_fill, "Marked as filled. Congratulations!"),
    "renew": (posting_renew, "Renewed."),
}


def employer_required(view):
    """Resolve <slug> among the signed-in user's organisations (404 otherwise) and pass it on."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        employer = get_object_or_404(Employer.objects.for_user(request.user), slug=slug)
        employer.is_owner = employer.member_role == EmployerMember.Role.OWNER
        return view(request, employer, *args, **kwargs)

    return wrapper


def _posting(employer: Employer, pk: int) -> Posting:
    return get_object_or_404(Posting.objects.for_employer(employer), pk=pk)


def _back(request, default: str):
    """Return to the page the form was on (the filtered list), if it is one of ours."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = default
    return redirect(back)


def _refuse(request, error: Exception) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text or "That is not allowed.")


@login_required
def dashboard_home(request):
    employers = list(Employer.objects.for_user(request.user).with_open_posting_count().order_by("name"))
    if len(employers) == 1:
        return redirect("dashboard:postings", slug=employers[0].slug)
    return render(request, "employers/dashboard_home.html", {"employers": employers})


@login_required
def employer_new(request):
    form = EmployerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        employer = services.employer_create(by=request.user, data=form.cleaned_data)
        messages.success(request, f"{employer.name} is set up. Post your first job.")
        return redirect("dashboard:postings", slug=employer.slug)
    return render(request, "employers/employer_form.html", {"form": form, "employer": None})


@employer_required
def employer_edit(request, employer):
    if not employer.is_owner:
        raise PermissionDenied
    form = EmployerForm(request.POST or None, request.FILES or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        services.employer_update(employer=employer, by=request.user, data=form.cleaned_data)
        messages.success(request, "Organisation profile saved.")
        return redirect("dashboard:postings", slug=employer.slug)
    return render(request, "employers/employer_form.html", {"form": form, "employer": employer})


@employer_required
def posting_list(request, employer):
    filters = DashboardFilterForm(request.GET or None)
    postings = Posting.objects.for_employer(employer).for_dashboard()
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            postings = postings.matching_title_or_reference(filters.cleaned_data["q"])
        if filters.cleaned_data["status"]:
            postings = postings.with_status(filters.cleaned_data["status"])
    page = Paginator(postings, POSTINGS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(posting, POSTING_ACTIONS[posting.status]) for posting in page.object_list]
    context = {"employer": employer, "filters": filters, "page_obj": page, "rows": rows, "now": timezone.now()}
    return render(request, "employers/dashboard_postings.html", context)


@employer_required
@require_POST
def posting_bulk(request, employer):
    form = BulkActionForm(request.POST, queryset=Posting.objects.for_employer(employer))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request, reverse("dashboard:postings", args=[employer.slug]))
    service, _ = ACTION_SERVICES[form.cleaned_data["action"]]
    done = 0
    for posting in form.cleaned_data["postings"].select_related("employer"):
        try:
            service(posting=posting, by=request.user)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            messages.warning(request, f"{posting.title}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    if done:
        verb = "closed" if form.cleaned_data["action"] == "close" else "renewed"
        messages.success(request, f"{done} posting{'s' if done != 1 else ''} {verb}.")
    return _back(request, reverse("dashboard:postings", args=[employer.slug]))


def _posting_form_page(request, employer, posting: Posting | None):
    instance = posting or Posting(employer=employer)
    if request.method == "POST":
        form = PostingForm(request.POST, instance=instance, employer=employer)
        requirements = requirement_formset(data=request.POST)
        if form.is_valid() and requirements.is_valid():
            try:
                if posting is None:
                    posting = posting_create(
                        employer=employer,
                        by=request.user,
                        data=form.cleaned_data,
                        requirements=requirements.requirements,
                    )
                else:
                    posting = posting_update(
                        posting=posting, by=request.user, data=form.cleaned_data, requirements=requirements.requirements
                    )
            except ValidationError as error:
                _refuse(request, error)
                return redirect("dashboard:posting", slug=employer.slug, pk=instance.pk)
            if "preview" in request.POST:
                return redirect("dashboard:posting-preview", slug=employer.slug, pk=posting.pk)
            messages.success(request, "Posting saved.")
            return redirect("dashboard:posting", slug=employer.slug, pk=posting.pk)
    else:
        form = PostingForm(instance=instance, employer=employer)
        requirements = requirement_formset(posting=posting)
    context = {"employer": employer, "posting": posting, "form": form, "requirements": requirements}
    return render(request, "employers/posting_form.html", context)


@employer_required
def posting_new(request, employer):
    return _posting_form_page(request, employer, None)


@employer_required
def posting_edit(request, employer, pk):
    posting = _posting(employer, pk)
    if "edit" not in POSTING_ACTIONS[posting.status]:
        messages.error(request, f"A {posting.get_status_display().lower()} posting cannot be edited: duplicate it.")
        return redirect("dashboard:posting", slug=employer.slug, pk=posting.pk)
    return _posting_form_page(request, employer, posting)


@employer_required
def posting_detail(request, employer, pk):
    posting = _posting(employer, pk)
    events = list(posting.events.select_related("by"))
    context = {
        "employer": employer,
        "posting": posting,
        "events": events,
        "actions": POSTING_ACTIONS[posting.status],
        "now": timezone.now(),
    }
    return render(request, "employers/posting_detail.html", context)


@employer_required
def posting_preview(request, employer, pk):
    """The real public posting template, for a posting that is not public yet, with a bar to submit or edit."""
    posting = get_object_or_404(Posting.objects.for_employer(employer).for_detail(), pk=pk)
    if posting.published_at is None:
        # Shown as it will look on the day it goes live.
        posting.published_at = timezone.now()
        posting.expires_at = posting.default_expiry(posting.published_at)
    context = {"employer": employer, "posting": posting, "similar": [], "actions": POSTING_ACTIONS[posting.status]}
    return render(request, "employers/posting_preview.html", context)


@employer_required
@require_POST
def posting_action(request, employer, pk, action):
    if action not in ACTION_SERVICES and action != "duplicate":
        raise Http404
    posting = _posting(employer, pk)
    if action not in POSTING_ACTIONS[posting.status]:
        messages.error(request, f"A {posting.get_status_display().lower()} posting cannot be changed that way.")
        return redirect("dashboard:posting", slug=employer.slug, pk=posting.pk)
    if action == "duplicate":
        copy = posting_duplicate(posting=posting, by=request.user)
        messages.success(request, "Duplicated: this is the new draft. Change what differs and submit it.")
        return redirect("dashboard:posting-edit", slug=employer.slug, pk=copy.pk)
    service, done = ACTION_SERVICES[action]
    try:
        posting = service(posting=posting, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    else:
        if action == "submit" and posting.status == Posting.Status.PUBLISHED:
            done = "Published: your organisation is trusted, so it went live without review."
        messages.success(request, done)
    return _back(request, reverse("dashboard:posting", kwargs={"slug": employer.slug, "pk": pk}))


@employer_required
def posting_import(request, employer):
    form = ImportForm(request.POST or None, request.FILES or None, max_bytes=settings.IMPORT_UPLOAD_MAX_BYTES)
    result = None
    if request.method == "POST" and form.is_valid():
        lines = form.cleaned_data["file"].read().splitlines()
        if len(lines) > settings.IMPORT_UPLOAD_MAX_LINES:
            form.add_error(
                "file",
                f"The file has more than {settings.IMPORT_UPLOAD_MAX_LINES:,} lines: split it, "
                "or ask us to run the import_postings command.",
            )
        else:
            result = postings_import(
                lines=lines,
                employer=employer,
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
    return render(request, "employers/posting_import.html", {"employer": employer, "form": form, "result": result})


# -- The team -------------------------------------------------------------------------------------


@employer_required
def team(request, employer):
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not employer.is_owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invitation_create(employer=employer, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("dashboard:team", slug=employer.slug)
    members = EmployerMember.objects.for_employer(employer).select_related("user").order_by("role", "created_at")
    invitations = employer.invitations.open() if employer.is_owner else []
    context = {"employer": employer, "members": members, "invitations": invitations, "form": form}
    return render(request, "employers/team.html", context)


def _member(employer, pk) -> EmployerMember:
    return get_object_or_404(EmployerMember.objects.for_employer(employer).select_related("employer", "user"), pk=pk)


@employer_required
@require_POST
def member_remove(request, employer, pk):
    membership = _member(employer, pk)
    try:
        services.member_remove(membership=membership, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
        return redirect("dashboard:team", slug=employer.slug)
    if membership.user_id == request.user.pk:
        messages.success(request, f"You left {employer.name}.")
        return redirect("dashboard:home")
    messages.success(request, f"{membership.user.email} was removed from the team.")
    return redirect("dashboard:team", slug=employer.slug)


@employer_required
@require_POST
def member_role(request, employer, pk):
    membership = _member(employer, pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.member_set_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refuse(request, error)
        else:
            messages.success(request, f"{membership.user.email} is now {membership.get_role_display().lower()}.")
    else:
        messages.error(request, "Choose owner or recruiter.")
    return redirect("dashboard:team", slug=employer.slug)


@employer_required
@require_POST
def invitation_withdraw(request, employer, pk):
    invitation = get_object_or_404(employer.invitations.open(), pk=pk)
    try:
        services.invitation_withdraw(invitation=invitation, by=request.user)
    except PermissionDenied as error:
        _refuse(request, error)
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("dashboard:team", slug=employer.slug)


@login_required
def invitation_accept(request, token):
    try:
        invitation = services.invitation_read(token=token)
    except services.InvitationInvalid as error:
        return render(request, "employers/link_invalid.html", {"message": str(error)}, status=400)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationInvalid as error:
            return render(request, "employers/link_invalid.html", {"message": str(error)}, status=400)
        messages.success(request, f"Welcome to {membership.employer.name}.")
        return redirect("dashboard:postings", slug=membership.employer.slug)
    return render(request, "employers/invitation.html", {"invitation": invitation})


# -- "Still open?" links (no sign-in: the signed link is the authority) ------------------------------


def still_open(request, token):
    """GET asks, POST acts: mail scanners follow links, and must not renew or fill a posting by doing so."""
    try:
        reminder, action = expiry_reminder_read(token=token)
    except ReminderLinkInvalid as error:
        return render(request, "employers/link_invalid.html", {"message": str(error)}, status=400)
    done = False
    if request.method == "POST" and reminder.used_at is None:
        try:
            reminder, done = expiry_reminder_use(token=token)
        except ValidationError as error:
            return render(request, "employers/link_invalid.html", {"message": " ".join(error.messages)}, status=409)
    context = {"reminder": reminder, "posting": reminder.posting, "action": action, "done": done}
    return render(request, "employers/still_open.html", context)
