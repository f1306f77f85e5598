"""The review of applicants, under /employer/<slug>/applicants/.

Access is `employer_required`'s, as on every page of the employer area: postings come from
`postings_for_review(employer)` and applications from `Application.objects.for_employer(employer)`, so a
posting or application of another organisation under this slug is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from applicants.decisions import DEFAULTS, PLACEHOLDERS
from applicants.forms import BulkForm, DecisionMessageForm, NoteForm, StatusForm
from applicants.managers import postings_for_review
from applicants.matching import posting_match
from applicants.models import Application, ApplicationNote, DecisionMessage
from applicants.resumes import resume_response
from applicants.services.applications import (
    application_mark_viewed,
    application_note_add,
    application_status_change,
    applications_not_selected,
    applications_not_selected_undo,
    decision_message_reset,
    decision_message_save,
)
from postings.models import Posting
from postings.services import workflow as posting_workflow

from ..models import Employer
from .base import employer_required

Status = Application.Status
STATUS_TABS = [
    ("", "All"),
    (Status.SUBMITTED, "New"),
    (Status.VIEWED, "Viewed"),
    (Status.SHORTLISTED, "Shortlisted"),
    (Status.INTERVIEWING, "Interviewing"),
    (Status.OFFERED, "Offered"),
    (Status.HIRED, "Hired"),
    (Status.NOT_SELECTED, "Not selected"),
    (Status.WITHDRAWN, "Withdrawn"),
]


def _posting(employer: Employer, pk: int) -> Posting:
    return get_object_or_404(
        postings_for_review(employer).prefetch_related("requirements__options__credential_type"), pk=pk
    )


def _application_url(employer: Employer, application: Application) -> str:
    return reverse("dashboard:review-application", kwargs={"slug": employer.slug, "pk": application.pk})


def _posting_url(employer: Employer, posting: Posting) -> str:
    return reverse("dashboard:review-posting", kwargs={"slug": employer.slug, "pk": posting.pk})


@employer_required
def index(request, employer):
    postings = postings_for_review(employer).filter(applicant_count__gt=0).order_by("-published_at", "-id")
    return render(request, "employers/review/index.html", {"employer": employer, "postings": postings})


@employer_required
def posting_applicants(request, employer, pk):
    posting = _posting(employer, pk)
    applications = Application.objects.for_employer(employer).for_posting(posting)
    counts = applications.status_counts()
    status = request.GET.get("status", "")
    if status not in dict(STATUS_TABS):
        status = ""
    shown = applications.with_status(status) if status else applications.exclude(status=Status.WITHDRAWN)
    shown = shown.for_review().order_by("-submitted_at", "-id")
    rows = [(application, _match(posting, application)) for application in shown]
    tabs = [
        (value, label, sum(counts.values()) - counts.get(Status.WITHDRAWN, 0) if not value else counts.get(value, 0))
        for value, label in STATUS_TABS
    ]
    context = {
        "employer": employer,
        "posting": posting,
        "rows": rows,
        "tabs": tabs,
        "status": status,
        "bulk_form": BulkForm(applications=applications.not_final()),
        "undoable": applications.decision_email_pending().count(),
        "hired_count": counts.get(Status.HIRED, 0),
    }
    return render(request, "employers/review/posting_applicants.html", context)


def _match(posting, application):
    if application.profile is None:
        return None
    return posting_match(posting, application.profile.credentials.all())


def _detail_queryset(employer, pk):
    return get_object_or_404(
        Application.objects.for_employer(employer)
        .for_review()
        .select_related("posting__employer")
        .prefetch_related(
            "posting__requirements__options__credential_type",
            "events__by",
            Prefetch("notes", queryset=ApplicationNote.objects.select_related("author")),
        ),
        pk=pk,
    )


@employer_required
def application_detail(request, employer, pk):
    application = _detail_queryset(employer, pk)
    if application_mark_viewed(application=application, by=request.user):
        application = _detail_queryset(employer, pk)  # read again: the history now shows the view
    return _render_detail(request, employer, application)


def _render_detail(request, employer, application, *, status_form=None, note_form=None, status=200):
    posting = application.posting
    status_form = status_form or StatusForm(initial={"status": application.status})
    # The field's help, so a screen reader reads it with the select: what choosing a final status sends.
    status_form.fields["status"].help_text = format_html(
        'Hired and not selected are final: the applicant is emailed your <a href="{}">message</a>.',
        reverse("dashboard:review-messages", args=[employer.slug]),
    )
    context = {
        "employer": employer,
        "application": application,
        "posting": posting,
        "match": _match(posting, application),
        "status_form": status_form,
        "note_form": note_form or NoteForm(),
        "offer_fill": application.status == Status.HIRED and posting.can_transition_to(Posting.Status.FILLED),
    }
    return render(request, "employers/review/application_detail.html", context, status=status)


@employer_required
@require_POST
def application_status(request, employer, pk):
    application = get_object_or_404(
        Application.objects.for_employer(employer).select_related("posting__employer"), pk=pk
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            application_status_change(application=application, status=form.cleaned_data["status"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            application.refresh_from_db()
            notice = f"{application.applicant_name}: {application.get_status_display().lower()}."
            if application.status in Application.DECISIONS and application.profile_id:
                notice += " We emailed them your message."
            messages.success(request, notice)
        return redirect(_application_url(employer, application))
    return _render_detail(request, employer, _detail_queryset(employer, pk), status_form=form, status=400)


@employer_required
@require_POST
def application_note(request, employer, pk):
    application = get_object_or_404(Application.objects.for_employer(employer), pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            application_note_add(application=application, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.messages[0])
        else:
            messages.success(request, "Note added.")
            return redirect(_application_url(employer, application) + "#notes")
    return _render_detail(request, employer, _detail_queryset(employer, pk), note_form=form, status=400)


@employer_required
@never_cache
def application_resume(request, employer, pk):
    application = get_object_or_404(Application.objects.for_employer(employer), pk=pk)
    if not application.resume:
        raise Http404("No resume with this application.")
    return resume_response(name=application.resume.name, display_name=application.resume_name)


@employer_required
@require_POST
def posting_bulk(request, employer, pk):
    """Bulk "not selected" in two steps: a page that names everyone who will be emailed, then the decision, whose
    emails wait out a short undo window (`posting_bulk_undo`)."""
    posting = _posting(employer, pk)
    form = BulkForm(
        request.POST, applications=Application.objects.for_employer(employer).for_posting(posting).not_final()
    )
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("applications", ["Select applicants from this list."])))
        return redirect(_posting_url(employer, posting))
    applications = form.cleaned_data["applications"].select_related("posting__employer", "profile__user")
    if "confirm" not in request.POST:
        context = {
            "employer": employer,
            "posting": posting,
            "applications": applications.order_by("-submitted_at", "-id"),
            "undo_seconds": settings.DECISION_UNDO_SECONDS,
        }
        return render(request, "employers/review/bulk_confirm.html", context)
    changed = applications_not_selected(applications=applications, by=request.user)
    messages.success(
        request,
        f"{changed} applicant{'s' if changed != 1 else ''} marked not selected. Their emails go out in "
        f"{settings.DECISION_UNDO_SECONDS} seconds: undo now if that was a mistake.",
    )
    return redirect(_posting_url(employer, posting))


@employer_required
@require_POST
def posting_bulk_undo(request, employer, pk):
    posting = _posting(employer, pk)
    pending = Application.objects.for_employer(employer).for_posting(posting).decision_email_pending()
    undone = applications_not_selected_undo(applications=pending, by=request.user)
    if undone:
        messages.success(
            request, f"Undone: {undone} applicant{'s' if undone != 1 else ''} back as before, no one emailed."
        )
    else:
        messages.error(request, "Too late to undo: the emails have gone out.")
    return redirect(_posting_url(employer, posting))


@employer_required
@require_POST
def posting_fill(request, employer, pk):
    posting = _posting(employer, pk)
    try:
        posting_workflow.posting_fill(posting=posting, by=request.user, reason="Filled after hiring an applicant")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{posting.title}” is marked filled and no longer takes applications.")
    return redirect(_posting_url(employer, posting))


@employer_required
@require_http_methods(["GET", "POST"])
def decision_messages(request, employer):
    saved = {message.kind: message for message in DecisionMessage.objects.filter(employer=employer)}
    forms = {}
    for kind, _label in DecisionMessage.Kind.choices:
        default = DEFAULTS[kind]
        bound = request.method == "POST" and request.POST.get("kind") == kind
        forms[kind] = DecisionMessageForm(
            request.POST if bound else None,
            prefix=kind,
            instance=saved.get(kind),
            initial=None if kind in saved else {"subject": default.subject, "body": default.body},
        )
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in forms:
            messages.error(request, "Choose which message to change.")
            return redirect("dashboard:review-messages", slug=employer.slug)
        if request.POST.get("reset"):
            decision_message_reset(employer=employer, kind=kind)
            messages.success(request, "Back to our default wording.")
            return redirect("dashboard:review-messages", slug=employer.slug)
        form = forms[kind]
        if form.is_valid():
            decision_message_save(
                employer=employer,
                kind=kind,
                by=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
            messages.success(request, "Message saved. Applicants get it from now on.")
            return redirect("dashboard:review-messages", slug=employer.slug)
    context = {
        "employer": employer,
        "sections": [(kind, label, forms[kind], kind in saved) for kind, label in DecisionMessage.Kind.choices],
        "placeholders": PLACEHOLDERS,
    }
    return render(
        request, "employers/review/decision_messages.html", context, status=400 if request.method == "POST" else 200
    )


# -- The addresses the review had before it moved under /employer/<slug>/ ------------------------------
# Each finds the organisation of its posting or application among the signed-in user's own, so another
# organisation's id is a 404 and never a redirect that would tell its slug. Query strings carry over.


def _moved(request, url_name: str, **kwargs):
    url = reverse(url_name, kwargs=kwargs)
    if request.GET:
        url += "?" + request.GET.urlencode()
    # 301 for pages; 308 for the forms' POST endpoints, so a form left open across the move still posts.
    return redirect(url, permanent=True, preserve_request=request.method not in ("GET", "HEAD"))


@login_required
def moved_index(request):
    """The index spanned every organisation of the user; now each has its own, or the dashboard lists them.

    A 302, not a 301: where it leads depends on who asks and on their memberships today.
    """
    employers = list(Employer.objects.for_user(request.user).order_by("name")[:2])
    if len(employers) == 1:
        return redirect("dashboard:review", slug=employers[0].slug)
    return redirect("dashboard:home")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moved_posting(request, pk, to):
    employer = get_object_or_404(Employer.objects.for_user(request.user), postings__pk=pk)
    return _moved(request, to, slug=employer.slug, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moved_application(request, pk, to):
    employer = get_object_or_404(Employer.objects.for_user(request.user), postings__applications__pk=pk)
    return _moved(request, to, slug=employer.slug, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moved_messages(request, slug):
    employer = get_object_or_404(Employer.objects.for_user(request.user), slug=slug)
    return _moved(request, "dashboard:review-messages", slug=employer.slug)
