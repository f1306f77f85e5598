"""Every write to employers and their teams. Views and commands call these; the rules live here."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageOps

from jobboard.mail import email_send
from jobboard.slugs import first_free_slug

from .models import Employer, EmployerMember, Invitation

Role = EmployerMember.Role
LOGO_SIZE = (400, 400)
INVITATION_SALT = "employers.invitation"
PROFILE_FIELDS = ["name", "type", "website", "description", "locations"]


class InvitationInvalid(Exception):
    """An invitation link that was altered, has expired, or was already used."""


class InvitationForAnotherAddress(Exception):
    """A genuine invitation, opened by someone signed in without the invited address (verified)."""

    def __init__(self, invitation: Invitation):
        super().__init__(f"This invitation is for another email address ({invitation.email}).")
        self.invitation = invitation


def invitation_is_for(*, invitation: Invitation, user) -> bool:
    """The user has proved they read the invited address: allauth's verified EmailAddress (any of theirs)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def employer_membership(*, employer: Employer, user) -> EmployerMember | None:
    if not user.is_authenticated:
        return None
    return EmployerMember.objects.filter(employer=employer, user=user).first()


def _require_owner(*, employer: Employer, user) -> EmployerMember:
    membership = employer_membership(employer=employer, user=user)
    if membership is None or membership.role != Role.OWNER:
        raise PermissionDenied("Only an owner of the organisation can do that.")
    return membership


# Paths of the dashboard before any organisation's slug (/employer/new/ ...), which no slug may take:
# "applicants" is where the review of applicants used to be, and its old links still redirect from there.
RESERVED_SLUGS = {"new", "invitations", "still-open", "applicants"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "employer"
    if base in RESERVED_SLUGS:
        base = f"{base}-employer"
    taken = set(Employer.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return first_free_slug(base, taken)


def logo_resize(upload) -> ContentFile:
    """At most 400x400, EXIF rotation applied, re-encoded: what is stored is an image we wrote ourselves."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        has_alpha = image.mode in ("RGBA", "LA", "P")
        image = image.convert("RGBA" if has_alpha else "RGB")
        image.thumbnail(LOGO_SIZE)
        buffer = BytesIO()
        if has_alpha:
            image.save(buffer, format="PNG", optimize=True)
            extension = "png"
        else:
            image.save(buffer, format="JPEG", quality=88, optimize=True)
            extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"logo.{extension}")


def _logo_store(*, employer: Employer, logo) -> None:
    if logo is False:  # the form's "clear" checkbox
        employer.logo = ""
    elif isinstance(logo, UploadedFile):
        resized = logo_resize(logo)
        employer.logo.save(f"{employer.slug}.{resized.name.rsplit('.', 1)[1]}", resized, save=False)


@transaction.atomic
def employer_create(*, by, data: dict) -> Employer:
    """A new organisation; whoever creates it is its first owner."""
    employer = Employer(**{field: data[field] for field in PROFILE_FIELDS if field in data})
    employer.slug = _unique_slug(employer.name)
    _logo_store(employer=employer, logo=data.get("logo"))
    employer.save()
    EmployerMember.objects.create(employer=employer, user=by, role=Role.OWNER)
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, by, data: dict) -> Employer:
    """Owners edit the organisation's public profile (the slug stays: it is in links people keep)."""
    _require_owner(employer=employer, user=by)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(employer, field, data[field])
    _logo_store(employer=employer, logo=data.get("logo"))
    employer.save()
    return employer


# -- The team -------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("dashboard:invitation", kwargs={"token": invitation_token(invitation)})


@transaction.atomic
def invitation_create(*, employer: Employer, by, email: str, role: str) -> Invitation:
    """Invite someone by email (owners only). Inviting an address again re-sends its open invitation."""
    _require_owner(employer=employer, user=by)
    email = email.strip().lower()
    if EmployerMember.objects.filter(employer=employer, user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already on the team.")
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        employer=employer, email=email, accepted_at=None, defaults={"role": role, "invited_by": by}
    )
    if not created:
        invitation.role, invitation.invited_by, invitation.created_at = role, by, timezone.now()
        invitation.save(update_fields=["role", "invited_by", "created_at"])
    email_send(
        to=[email],
        template="employer_invitation",
        context={
            "employer": employer,
            "inviter": by.get_full_name() or by.email,
            "role": invitation.get_role_display(),
            "url": invitation_url(invitation),
            "days": settings.EMPLOYER_INVITATION_DAYS,
        },
    )
    return invitation


def invitation_read(*, token: str) -> Invitation:
    """The invitation a link stands for, if the link is genuine, recent enough and unused."""
    try:
        invitation_id = signing.loads(
            token, salt=INVITATION_SALT, max_age=timedelta(days=settings.EMPLOYER_INVITATION_DAYS)
        )
    except signing.SignatureExpired as error:
        raise InvitationInvalid("This invitation has expired. Ask for a new one.") from error
    except signing.BadSignature as error:
        raise InvitationInvalid("This invitation link is not valid.") from error
    invitation = Invitation.objects.select_related("employer").filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationInvalid("This invitation was withdrawn.")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> EmployerMember:
    """Join the team. The link works once, and only for the invited address: a link forwarded, leaked or
    read over a shoulder makes no one a member (InvitationForAnotherAddress)."""
    invitation = invitation_read(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used.")
    if not invitation_is_for(invitation=invitation, user=user):
        raise InvitationForAnotherAddress(invitation)
    membership, _ = EmployerMember.objects.get_or_create(
        employer_id=invitation.employer_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by) -> None:
    _require_owner(employer=invitation.employer, user=by)
    if invitation.accepted_at is None:
        invitation.delete()


def _lock_owners(employer_id: int) -> list[EmployerMember]:
    """Lock the employer's owners, so two owners demoting each other at once cannot leave none."""
    return list(EmployerMember.objects.select_for_update().filter(employer_id=employer_id, role=Role.OWNER))


@transaction.atomic
def member_remove(*, membership: EmployerMember, by) -> None:
    """Owners remove anyone; anyone may leave. The last owner can do neither: an organisation keeps an owner."""
    if membership.user_id != by.pk:
        _require_owner(employer=membership.employer, user=by)
    owners = _lock_owners(membership.employer_id)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise ValidationError("An organisation needs at least one owner: make someone else owner first.")
    membership.delete()


@transaction.atomic
def member_set_role(*, membership: EmployerMember, role: str, by) -> EmployerMember:
    _require_owner(employer=membership.employer, user=by)
    if role not in Role.values:
        raise ValidationError("Choose owner or recruiter.")
    owners = _lock_owners(membership.employer_id)
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
        raise ValidationError("An organisation needs at least one owner: make someone else owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership
