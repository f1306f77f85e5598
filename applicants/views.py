"""The applicant's pages: /me/ (profile, credentials, resume, applications, saved jobs, privacy) and applying.

Access: everything under /me/ is reached through the signed-in user's own scope (`for_user`,
`for_applicant`), so another applicant's id answers 404 — the same as an id that does not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jobboard.ratelimits import TOO_MANY_MESSAGE, rate_limit_allows
from postings.models import Posting

from .forms import (
    AccountDeleteForm,
    ApplicationForm,
    CredentialForm,
    ProfileForm,
    ResumeForm,
    SaveForm,
    WithdrawForm,
)
from .matching import posting_match
from .models import Application, HeldCredential, SavedJob
from .resumes import resume_response
from .services import applications as application_services
from .services import privacy as privacy_services
from .services import profiles as profile_services
from .services import saved as saved_services

PREVIEW_COUNT = 3


def _profile(request):
    return profile_services.profile_get_or_create(user=request.user)


# -- /me/ ---------------------------------------------------------------------------------------------------


@login_required
def me(request):
    profile = _profile(request)
    applications = Application.objects.for_applicant(request.user).for_tracking()
    saved = SavedJob.objects.for_user(request.user).for_list()
    context = {
        "profile": profile,
        "credentials": profile.credentials.for_display(),
        "applications": applications[:PREVIEW_COUNT],
        "application_count": applications.count(),
        "saved_jobs": saved[:PREVIEW_COUNT],
        "saved_count": saved.count(),
        "resume_form": ResumeForm(),
        "section": "profile",
    }
    return render(request, "applicants/me.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = _profile(request)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_services.profile_update(profile=profile, data=form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("applicants:me")
    return render(request, "applicants/profile_form.html", {"form": form, "profile": profile, "section": "profile"})


@login_required
@require_http_methods(["GET", "POST"])
def credential_edit(request, pk=None):
    profile = _profile(request)
    credential = get_object_or_404(HeldCredential.objects.for_user(request.user), pk=pk) if pk else None
    initial = {}
    if credential is not None:
        initial = {
            "credential_type": credential.credential_type_id,
            "jurisdiction": credential.jurisdiction,
            "number": credential.number,
            "expires_on": credential.expires_on,
        }
    form = CredentialForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile_services.credential_save(profile=profile, credential=credential, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Credential saved.")
            return redirect(reverse("applicants:me") + "#credentials")
    context = {"form": form, "credential": credential, "profile": profile, "section": "profile"}
    return render(request, "applicants/credential_form.html", context)


@login_required
@require_POST
def credential_delete(request, pk):
    credential = get_object_or_404(HeldCredential.objects.for_user(request.user), pk=pk)
    profile_services.credential_delete(credential=credential)
    messages.success(request, f"{credential} removed.")
    return redirect(reverse("applicants:me") + "#credentials")


@login_required
@require_http_methods(["GET", "POST"])
def resume_upload(request):
    profile = _profile(request)
    form = ResumeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile_services.profile_resume_set(profile=profile, upload=form.cleaned_data["resume"])
        except ValidationError as error:
            form.add_error("resume", error)
        else:
            messages.success(request, "Your resume is saved. Employers see it only when you apply.")
            return redirect(reverse("applicants:me") + "#resume")
    return render(request, "applicants/resume_form.html", {"form": form, "profile": profile, "section": "profile"})


@login_required
@never_cache
def resume_download(request):
    profile = _profile(request)
    if not profile.resume:
        raise Http404("No resume on your profile.")
    return resume_response(name=profile.resume.name, display_name=profile.resume_name)


@login_required
@require_POST
def resume_delete(request):
    profile_services.profile_resume_remove(profile=_profile(request))
    messages.success(request, "Your resume is removed from your profile.")
    return redirect(reverse("applicants:me") + "#resume")


# -- Applications ---------------------------------------------------------------------------------------


@login_required
def application_list(request):
    applications = Application.objects.for_applicant(request.user).for_tracking()
    return render(
        request, "applicants/application_list.html", {"applications": applications, "section": "applications"}
    )


@login_required
def application_detail(request, pk):
    application = get_object_or_404(Application.objects.for_applicant(request.user).for_tracking(), pk=pk)
    context = {"application": application, "withdraw_form": WithdrawForm(), "section": "applications"}
    return render(request, "applicants/application_detail.html", context)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = get_object_or_404(Application.objects.for_applicant(request.user), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick the box to confirm that you want to withdraw.")
    else:
        try:
            application_services.application_withdraw(application=application, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your application is withdrawn. The employer will not consider it further.")
    return redirect(application)


@login_required
@never_cache
def application_resume(request, pk):
    application = get_object_or_404(Application.objects.for_applicant(request.user), pk=pk)
    if not application.resume:
        raise Http404("No resume was sent with this application.")
    return resume_response(name=application.resume.name, display_name=application.resume_name)


# -- Saved jobs -----------------------------------------------------------------------------------------------


@login_required
def saved_list(request):
    saved = SavedJob.objects.for_user(request.user).for_list()
    return render(request, "applicants/saved_list.html", {"saved_jobs": saved, "section": "saved"})


@require_POST
def saved_toggle(request, pk):
    """Save or unsave: a plain form that works without JavaScript; htmx swaps just the button."""
    posting = get_object_or_404(Posting.objects.public(), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(posting.get_absolute_url())
    form = SaveForm(request.POST)
    if not form.is_valid():
        return redirect(posting)
    profile = _profile(request)
    saved = form.cleaned_data["action"] == "save"
    if saved:
        saved_services.saved_job_add(profile=profile, posting=posting)
    else:
        saved_services.saved_job_remove(profile=profile, posting=posting)
    if request.htmx:
        context = {"posting": posting, "next_url": form.cleaned_data["next"]}
        return render(request, "applicants/saved_list.html#save-button", context)
    messages.success(request, "Job saved." if saved else "Job removed from your saved jobs.")
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(posting)


# -- Applying -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request, pk):
    """/jobs/<id>/apply/: a tracked click-out, the employer's address, or the board's own application form."""
    posting = get_object_or_404(Posting.objects.public().for_detail(), pk=pk)
    if not posting.is_open:
        return redirect(posting)  # the posting page explains (410) and lists similar open jobs
    if posting.apply_method == Posting.ApplyMethod.URL:
        application_services.apply_click_record(posting=posting, user=request.user)
        return HttpResponseRedirect(posting.apply_url)
    if posting.apply_method == Posting.ApplyMethod.EMAIL:
        return render(request, "applicants/apply_email.html", {"posting": posting})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())

    profile = _profile(request)
    existing = Application.objects.for_applicant(request.user).filter(posting=posting).first()
    form = ApplicationForm(request.POST or None, request.FILES or None, profile=profile)
    if existing is None and request.method == "POST" and form.is_valid():
        if not rate_limit_allows(request, action="application"):
            form.add_error(None, TOO_MANY_MESSAGE)
            return render(
                request, "applicants/apply.html", _apply_context(posting, profile, form, existing), status=429
            )
        data = form.cleaned_data
        try:
            if data.get("full_name"):
                profile_services.profile_update(profile=profile, data={"full_name": data["full_name"]})
            application = application_services.application_submit(
                profile=profile,
                posting=posting,
                cover_note=data["cover_note"],
                resume_choice=data["resume_choice"],
                upload=data.get("resume"),
            )
        except application_services.AlreadyApplied as error:
            existing = error.application
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Your application to {posting.employer.name} is sent. We emailed you a confirmation."
            )
            return redirect(application)
    return render(request, "applicants/apply.html", _apply_context(posting, profile, form, existing))


def _apply_context(posting, profile, form, existing) -> dict:
    return {
        "posting": posting,
        "profile": profile,
        "form": form,
        "existing": existing,
        "match": posting_match(posting, profile.credentials.all()),
    }


# -- Privacy ----------------------------------------------------------------------------------------------------


@login_required
def privacy(request):
    context = {"section": "privacy", "retention_days": settings.APPLICATION_RESUME_RETENTION_DAYS}
    return render(request, "applicants/privacy.html", context)


@login_required
@never_cache
def data_export(request):
    archive = privacy_services.applicant_export(request.user)
    response = FileResponse(
        archive, as_attachment=True, filename="rxtech-jobs-my-data.zip", content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        privacy_services.account_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account and your data are deleted. Thank you for using RxTech Jobs.")
        return redirect("postings:home")
    return render(request, "applicants/account_delete.html", {"form": form, "section": "privacy"})
