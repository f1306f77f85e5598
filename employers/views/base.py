"""Object access in the employer area is checked here and nowhere else.

`employer_required` takes the organisation of the URL's <slug> from `Employer.objects.for_user()`, read on
every request: a member of another organisation, or a member removed from the team, gets a 404 on every
page and action. Each view then reaches postings and applications only through that organisation
(`Posting.objects.for_employer(employer)`, `Application.objects.for_employer(employer)`), so another
organisation's posting or application under this slug is a 404 as well.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from postings.models import Posting

from ..models import Employer, EmployerMember


def employer_required(view):
    """Resolve <slug> among the signed-in user's organisations (404 otherwise) and pass it on."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        employer = get_object_or_404(Employer.objects.for_user(request.user), slug=slug)
        employer.is_owner = employer.member_role == EmployerMember.Role.OWNER
        return view(request, employer, *args, **kwargs)

    return wrapper


def employer_posting(employer: Employer, pk: int) -> Posting:
    return get_object_or_404(Posting.objects.for_employer(employer), pk=pk)


def redirect_back(request, default: str):
    """Return to the page the form was on (the filtered list), if it is one of ours."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = default
    return redirect(back)


def refuse(request, error: Exception) -> None:
    """Tell the user why a service said no."""
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text or "That is not allowed.")
