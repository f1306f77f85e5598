"""factory_boy factories: one per state, so a test says what it needs in its name."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from applicants.models import ApplicantProfile, Application, HeldCredential
from employers.models import Employer, EmployerMember
from postings.models import (
    CredentialOption,
    CredentialRequirement,
    CredentialType,
    Posting,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Riverside Pharmacy {n}")
    slug = factory.Sequence(lambda n: f"riverside-pharmacy-{n}")
    type = Employer.Type.INDEPENDENT
    website = "https://pharmacy.example.com"
    description = "An independent community pharmacy."


class TrustedEmployerFactory(EmployerFactory):
    trusted = True
    verified = True


class EmployerMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerMember

    employer = factory.SubFactory(EmployerFactory)
    user = factory.SubFactory(UserFactory)
    role = EmployerMember.Role.OWNER


class DraftPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    employer = factory.SubFactory(EmployerFactory)
    title = "Pharmacy Technician"
    slug = factory.Sequence(lambda n: f"pharmacy-technician-{n}")
    description = "Fill and label prescriptions, manage inventory and help patients at the counter."
    setting = "community-retail"
    employment_types = factory.LazyFunction(lambda: ["full-time"])
    shifts = factory.LazyFunction(lambda: ["day"])
    experience = "entry"
    arrangement = "on-site"
    duties = factory.LazyFunction(lambda: ["dispensing", "inventory"])
    country = "US"
    region = "US-TX"
    city = "Austin"
    postal_code = "78701"
    latitude = 30.2672
    longitude = -97.7431
    pay_min = Decimal("18.00")
    pay_max = Decimal("22.00")
    pay_period = "hour"
    pay_currency = "USD"
    status = Posting.Status.DRAFT


class PendingPostingFactory(DraftPostingFactory):
    status = Posting.Status.PENDING


class PublishedPostingFactory(DraftPostingFactory):
    status = Posting.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    expires_at = factory.LazyAttribute(lambda posting: posting.published_at + timedelta(days=30))


class ExpiredPostingFactory(PublishedPostingFactory):
    status = Posting.Status.EXPIRED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))


class PastExpiryPostingFactory(PublishedPostingFactory):
    """Still marked published, but its expiry has passed and the expiry task has not run yet."""

    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=31))
    expires_at = factory.LazyAttribute(lambda posting: posting.published_at + timedelta(days=30))


class FilledPostingFactory(PublishedPostingFactory):
    status = Posting.Status.FILLED


class ClosedPostingFactory(PublishedPostingFactory):
    status = Posting.Status.CLOSED


class RejectedPostingFactory(DraftPostingFactory):
    status = Posting.Status.REJECTED


def credential_type(code: str) -> CredentialType:
    """Credential types are seeded by a migration; tests look them up by code."""
    return CredentialType.objects.get(code=code)


class CredentialRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CredentialRequirement

    posting = factory.SubFactory(PublishedPostingFactory)
    level = CredentialRequirement.Level.REQUIRED


class CredentialOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CredentialOption

    requirement = factory.SubFactory(CredentialRequirementFactory)
    credential_type = factory.LazyFunction(lambda: credential_type("ptcb-cpht"))
    jurisdiction = ""


class ApplicantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory)
    headline = "CPhT with 3 years in community pharmacy"
    country = "US"
    region = "US-TX"
    city = "Austin"
    years_experience = 3


class HeldCredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeldCredential

    profile = factory.SubFactory(ApplicantProfileFactory)
    credential_type = factory.LazyFunction(lambda: credential_type("ptcb-cpht"))
    jurisdiction = ""
    number = factory.Sequence(lambda n: f"{100000 + n}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


# -- Moderation, teams, reports, reminders -------------------------------------------------------


class ModeratorFactory(UserFactory):
    """A user in the "Moderators" group that the data migration creates."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def moderators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(moderators_group())


def moderators_group():
    """The group the data migration creates; made again, the same way, after a transactional test's flush."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="Moderators")
    if created:
        migration = importlib.import_module("postings.migrations.0007_moderators_group")
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in migration.PERMISSIONS
        )
    return group


class RecruiterFactory(EmployerMemberFactory):
    role = EmployerMember.Role.RECRUITER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Invitation"

    employer = factory.SubFactory(EmployerFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = EmployerMember.Role.RECRUITER
    invited_by = factory.SubFactory(UserFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "postings.Report"

    posting = factory.SubFactory(PublishedPostingFactory)
    reason = "scam"
    details = "Asks for a payment before the interview."
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class ExpiryReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "postings.ExpiryReminder"

    posting = factory.SubFactory(PublishedPostingFactory)
    expires_at = factory.LazyAttribute(lambda reminder: reminder.posting.expires_at)


# -- Applications -------------------------------------------------------------------------------------


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application, with its first history event, as `application_submit` leaves it."""

    class Meta:
        model = "applicants.Application"
        skip_postgeneration_save = True

    posting = factory.SubFactory(PublishedPostingFactory)
    profile = factory.SubFactory(ApplicantProfileFactory, full_name=factory.Faker("name"))
    status = Application.Status.SUBMITTED
    cover_note = "I have three years of retail experience and can start in two weeks."

    @factory.post_generation
    def events(self, create, extracted, **kwargs):
        if create:
            from applicants.models import ApplicationEvent

            ApplicationEvent.objects.create(
                application=self, to_status=Application.Status.SUBMITTED, created_at=self.submitted_at
            )


class SavedJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applicants.SavedJob"

    profile = factory.SubFactory(ApplicantProfileFactory)
    posting = factory.SubFactory(PublishedPostingFactory)


class ApplicationNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applicants.ApplicationNote"

    application = factory.SubFactory(ApplicationFactory)
    author = factory.SubFactory(UserFactory)
    text = "Strong IV room experience; call back Monday."
