"""The team of an organisation: its members and their roles, invitations, and joining by an invitation link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jobboard.ratelimits import TOO_MANY_MESSAGE, rate_limit_allows

from .. import services
from ..forms import InvitationForm, MemberRoleForm
from ..models import EmployerMember
from .base import employer_required, refuse


@employer_required
def team(request, employer):
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not employer.is_owner:
            raise PermissionDenied
        if form.is_valid() and not rate_limit_allows(request, action="invitation"):
            form.add_error(None, TOO_MANY_MESSAGE)
            status = 429
        elif form.is_valid():
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
    return render(request, "employers/team.html", context, status=status)


def _member(employer, pk) -> EmployerMember:
    return get_object_or_404(EmployerMember.objects.for_employer(employer).select_related("employer", "user"), pk=pk)


@employer_required
@require_POST
def member_remove(request, employer, pk):
    membership = _member(employer, pk)
    try:
        services.member_remove(membership=membership, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        refuse(request, error)
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
            refuse(request, error)
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
        refuse(request, error)
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("dashboard:team", slug=employer.slug)


@login_required
def invitation_accept(request, token):
    try:
        invitation = services.invitation_read(token=token)
    except services.InvitationInvalid as error:
        return render(request, "employers/link_invalid.html", {"message": str(error)}, status=400)
    if not services.invitation_is_for(invitation=invitation, user=request.user):
        return _invitation_for_another_address(request, invitation)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationInvalid as error:
            return render(request, "employers/link_invalid.html", {"message": str(error)}, status=400)
        except services.InvitationForAnotherAddress:
            return _invitation_for_another_address(request, invitation)
        messages.success(request, f"Welcome to {membership.employer.name}.")
        return redirect("dashboard:postings", slug=membership.employer.slug)
    return render(request, "employers/invitation.html", {"invitation": invitation})


def _invitation_for_another_address(request, invitation):
    return render(request, "employers/invitation_other_address.html", {"invitation": invitation}, status=403)
