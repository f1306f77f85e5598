"""The employer dashboard (/employer/): organisations, their postings, imports, and "still open?" links."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from applicants.models import Application
from jobboard.ratelimits import TOO_MANY_MESSAGE, rate_limit_allows
from postings.forms import PostingForm, requirement_formset
from postings.importing import postings_import
from postings.models import Posting
from postings.services.editing import posting_create, posting_duplicate, posting_update
from postings.services.reminders import ReminderLinkInvalid, expiry_reminder_read, expiry_reminder_use
from postings.services.workflow import posting_close, posting_fill, posting_renew, posting_submit

from .. import services
from ..forms import BulkActionForm, DashboardFilterForm, EmployerForm, ImportForm
from ..models import Employer
from .base import employer_posting, employer_required, redirect_back, refuse

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
        return redirect_back(request, reverse("dashboard:postings", args=[employer.slug]))
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
    return redirect_back(request, reverse("dashboard:postings", args=[employer.slug]))


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
                refuse(request, error)
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
    posting = employer_posting(employer, pk)
    if "edit" not in POSTING_ACTIONS[posting.status]:
        messages.error(request, f"A {posting.get_status_display().lower()} posting cannot be edited: duplicate it.")
        return redirect("dashboard:posting", slug=employer.slug, pk=posting.pk)
    return _posting_form_page(request, employer, posting)


@employer_required
def posting_detail(request, employer, pk):
    posting = employer_posting(employer, pk)
    events = list(posting.events.select_related("by"))
    context = {
        "employer": employer,
        "posting": posting,
        "events": events,
        "application_count": Application.objects.for_posting(posting).count(),
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
    posting = employer_posting(employer, pk)
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
        refuse(request, error)
    else:
        if action == "submit" and posting.status == Posting.Status.PUBLISHED:
            done = "Published: your organisation is trusted, so it went live without review."
        messages.success(request, done)
    return redirect_back(request, reverse("dashboard:posting", kwargs={"slug": employer.slug, "pk": pk}))


@employer_required
def posting_import(request, employer):
    form = ImportForm(request.POST or None, request.FILES or None, max_bytes=settings.IMPORT_UPLOAD_MAX_BYTES)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid() and not rate_limit_allows(request, action="posting_import"):
        form.add_error(None, TOO_MANY_MESSAGE)
        status = 429
    elif request.method == "POST" and form.is_valid():
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
    context = {"employer": employer, "form": form, "result": result}
    return render(request, "employers/posting_import.html", context, status=status)


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
