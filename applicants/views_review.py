"""The employer's review of applicants, under /employer/applicants/.

Access: every view reaches postings through `postings_reviewable_by(user)` and applications through
`Application.objects.for_employer_member(user)`, both read on each request from the user's current
memberships: another employer's application is a 404, and a member removed from the team loses access
on their next request.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from employers.models import Employer
from postings.models import Posting
from postings.services import workflow as posting_workflow

from . import services
from .decisions import DEFAULTS, PLACEHOLDERS
from .forms import BulkForm, DecisionMessageForm, NoteForm, StatusForm
from .managers import postings_reviewable_by
from .matching import posting_match
from .models import Application, ApplicationNote, DecisionMessage
from .views import resume_response

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


def _applications(request):
    return Application.objects.for_employer_member(request.user)


def _reviewable_posting(request, pk) -> Posting:
    return get_object_or_404(
        postings_reviewable_by(request.user).prefetch_related("requirements__options__credential_type"), pk=pk
    )


@login_required
def index(request):
    postings = postings_reviewable_by(request.user).filter(applicant_count__gt=0).order_by("-published_at", "-id")
    employers = Employer.objects.for_user(request.user).order_by("name")
    return render(request, "applicants/review/index.html", {"postings": postings, "employers": employers})


@login_required
def posting_applicants(request, pk):
    posting = _reviewable_posting(request, pk)
    applications = _applications(request).for_posting(posting)
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
        "posting": posting,
        "rows": rows,
        "tabs": tabs,
        "status": status,
        "bulk_form": BulkForm(applications=applications.not_final()),
        "hired_count": counts.get(Status.HIRED, 0),
    }
    return render(request, "applicants/review/posting_applicants.html", context)


def _match(posting, application):
    if application.profile is None:
        return None
    return posting_match(posting, application.profile.credentials.all())


def _detail_queryset(request, pk):
    return get_object_or_404(
        _applications(request)
        .for_review()
        .select_related("posting__employer")
        .prefetch_related(
            "posting__requirements__options__credential_type",
            "events__by",
            Prefetch("notes", queryset=ApplicationNote.objects.select_related("author")),
        ),
        pk=pk,
    )


@login_required
def application_detail(request, pk):
    application = _detail_queryset(request, pk)
    if services.application_mark_viewed(application=application, by=request.user):
        application = _detail_queryset(request, pk)  # read again: the history now shows the view
    return _render_detail(request, application)


def _render_detail(request, application, *, status_form=None, note_form=None, status=200):
    posting = application.posting
    context = {
        "application": application,
        "posting": posting,
        "match": _match(posting, application),
        "status_form": status_form or StatusForm(initial={"status": application.status}),
        "note_form": note_form or NoteForm(),
        "offer_fill": application.status == Status.HIRED and posting.can_transition_to(Posting.Status.FILLED),
    }
    return render(request, "applicants/review/application_detail.html", context, status=status)


@login_required
@require_POST
def application_status(request, pk):
    application = get_object_or_404(_applications(request).select_related("posting__employer"), pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.application_status_change(
                application=application, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            application.refresh_from_db()
            notice = f"{application.applicant_name}: {application.get_status_display().lower()}."
            if application.status in Application.DECISIONS and application.profile_id:
                notice += " We emailed them your message."
            messages.success(request, notice)
        return redirect(application.get_review_url())
    return _render_detail(request, _detail_queryset(request, pk), status_form=form, status=400)


@login_required
@require_POST
def application_note(request, pk):
    application = get_object_or_404(_applications(request), pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.application_note_add(application=application, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.messages[0])
        else:
            messages.success(request, "Note added.")
            return redirect(application.get_review_url() + "#notes")
    return _render_detail(request, _detail_queryset(request, pk), note_form=form, status=400)


@login_required
@never_cache
def application_resume(request, pk):
    application = get_object_or_404(_applications(request), pk=pk)
    if not application.resume:
        raise Http404("No resume with this application.")
    return resume_response(name=application.resume.name, display_name=application.resume_name)


@login_required
@require_POST
def posting_bulk(request, pk):
    posting = _reviewable_posting(request, pk)
    form = BulkForm(request.POST, applications=_applications(request).for_posting(posting).not_final())
    if form.is_valid():
        changed = services.applications_not_selected(
            applications=form.cleaned_data["applications"].select_related("posting__employer", "profile__user"),
            by=request.user,
        )
        messages.success(request, f"{changed} applicant{'s' if changed != 1 else ''} marked not selected and emailed.")
    else:
        messages.error(request, " ".join(form.errors.get("applications", ["Select applicants from this list."])))
    return redirect(reverse("review:posting", kwargs={"pk": posting.pk}))


@login_required
@require_POST
def posting_fill(request, pk):
    posting = _reviewable_posting(request, pk)
    try:
        posting_workflow.posting_fill(posting=posting, by=request.user, reason="Filled after hiring an applicant")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{posting.title}” is marked filled and no longer takes applications.")
    return redirect(reverse("review:posting", kwargs={"pk": posting.pk}))


@login_required
@require_http_methods(["GET", "POST"])
def decision_messages(request, slug):
    employer = get_object_or_404(Employer.objects.for_user(request.user), slug=slug)
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
            return redirect("review:messages", slug=employer.slug)
        if request.POST.get("reset"):
            services.decision_message_reset(employer=employer, kind=kind)
            messages.success(request, "Back to our default wording.")
            return redirect("review:messages", slug=employer.slug)
        form = forms[kind]
        if form.is_valid():
            services.decision_message_save(
                employer=employer,
                kind=kind,
                by=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
            messages.success(request, "Message saved. Applicants get it from now on.")
            return redirect("review:messages", slug=employer.slug)
    context = {
        "employer": employer,
        "sections": [(kind, label, forms[kind], kind in saved) for kind, label in DecisionMessage.Kind.choices],
        "placeholders": PLACEHOLDERS,
    }
    return render(
        request, "applicants/review/decision_messages.html", context, status=400 if request.method == "POST" else 200
    )
