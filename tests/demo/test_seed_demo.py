from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from applicants.models import ApplicantProfile, HeldCredential
from demo import data as demo_data
from employers.models import Employer, EmployerMember
from postings.models import CredentialOption, CredentialRequirement, Posting, Setting
from tests.factories import CredentialOptionFactory, PublishedPostingFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
POSTING_FIELDS = [
    "employer__slug", "created_by__username", "reference", "title", "slug", "description", "setting",
    "employment_types", "shifts", "experience", "arrangement", "duties", "systems", "country", "region", "city",
    "postal_code", "latitude", "longitude", "pay_min", "pay_max", "pay_period", "pay_currency", "sign_on_bonus",
    "shift_differential", "training_provided", "exam_fee_paid", "tuition_reimbursement", "apply_method",
    "apply_url", "apply_email", "status", "published_at", "expires_at", "created_at", "updated_at", "languages",
]  # fmt: skip


@pytest.fixture
def frozen_now(monkeypatch):
    """Dates are relative to "now"; freezing it lets two runs be compared down to the second."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def seed(postings=300, employers=20, seed=1):
    out = StringIO()
    call_command("seed_demo", postings=postings, employers=employers, seed=seed, stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """Everything seeded, in creation order, without database ids (the sequences move on between runs)."""
    return {
        "employers": list(Employer.objects.order_by("id").values_list("name", "slug", "type", "verified", "trusted")),
        "postings": list(Posting.objects.order_by("id").values_list(*POSTING_FIELDS)),
        "requirements": list(
            CredentialRequirement.objects.order_by("posting_id", "position").values_list(
                "posting__slug", "posting__employer__slug", "level", "within_days", "position"
            )
        ),
        "options": list(
            CredentialOption.objects.order_by("requirement__posting_id", "requirement__position", "id").values_list(
                "requirement__posting__slug", "credential_type__code", "jurisdiction"
            )
        ),
        "applicants": list(
            ApplicantProfile.objects.order_by("id").values_list(
                "user__username", "headline", "region", "city", "years_experience", "desired_settings"
            )
        ),
        "held": list(
            HeldCredential.objects.order_by("profile_id", "id").values_list(
                "profile__user__username", "credential_type__code", "jurisdiction", "number", "expires_on"
            )
        ),
    }


def flush():
    Posting.objects.all().delete()
    Employer.objects.all().delete()
    get_user_model().objects.all().delete()


def test_the_same_seed_gives_the_same_data(frozen_now):
    # `seed_demo --postings 1000 --seed 1` twice gives the same data: demos and bug reports can be reproduced.
    seed(postings=1000, seed=1)
    first = snapshot()
    flush()
    seed(postings=1000, seed=1)

    assert snapshot() == first
    assert len(first["postings"]) == 1000
    assert first["requirements"]
    assert first["held"]


def test_another_seed_gives_other_data(frozen_now):
    seed(seed=1)
    first = snapshot()
    flush()
    seed(seed=2)
    second = snapshot()

    assert [row[3] for row in second["postings"]] != [row[3] for row in first["postings"]]  # titles
    assert [row[15] for row in second["postings"]] != [row[15] for row in first["postings"]]  # cities
    assert second["employers"] != first["employers"]


def test_counts_match_the_arguments():
    out = seed(postings=300, employers=15, seed=3)

    assert Posting.objects.count() == 300
    assert Employer.objects.count() == 15
    owners = EmployerMember.objects.filter(role=EmployerMember.Role.OWNER)
    assert owners.count() == 15
    assert {member.user.username for member in owners.select_related("user", "employer")} == {
        f"owner@{slug}.example" for slug in Employer.objects.values_list("slug", flat=True)
    }
    assert ApplicantProfile.objects.count() == 300 // 20
    assert get_user_model().objects.count() == 15 + 300 // 20
    assert "300 postings" in out
    assert "15 employers" in out


def test_every_setting_has_its_share_and_both_countries_appear():
    seed(postings=300)

    per_setting = dict(Posting.objects.values_list("setting").annotate(n=Count("id")))
    assert set(per_setting) == set(Setting.values)
    for setting, share in demo_data.SETTING_SHARES.items():
        assert per_setting[setting] == 3 * share  # a stratified draw: exact per 100 postings
    countries = dict(Posting.objects.values_list("country").annotate(n=Count("id")))
    assert countries["US"] > countries["CA"] >= 15
    assert not Posting.objects.filter(country="CA").exclude(pay_currency="CAD").exists()
    assert Posting.objects.filter(arrangement="remote", setting="pbm-insurance").exists()
    assert not Posting.objects.filter(arrangement="remote").exclude(city="").exists()


def test_pay_ranges_and_dates_are_consistent():
    seed(postings=300)
    now = timezone.now()

    assert not Posting.objects.filter(pay_min__gt=F("pay_max")).exists()
    assert Posting.objects.filter(pay_period="year").exists()
    assert Posting.objects.filter(sign_on_bonus__isnull=False).exists()
    published = Posting.objects.filter(status=Posting.Status.PUBLISHED)
    assert published.count() > 200
    assert not published.filter(expires_at__lte=F("published_at")).exists()
    assert not published.filter(expires_at__lte=now).exists()  # past expiry means status expired
    assert Posting.objects.filter(status=Posting.Status.EXPIRED, expires_at__lte=now).exists()
    assert {"draft", "pending", "filled", "closed"} <= set(Posting.objects.values_list("status", flat=True))
    assert not Posting.objects.filter(status="draft", published_at__isnull=False).exists()


def test_requirements_follow_the_jurisdiction_with_any_of_groups():
    seed(postings=300)

    any_of = CredentialRequirement.objects.annotate(n=Count("options")).filter(n__gt=1)
    assert any_of.exists()
    codes = {option.credential_type.code for option in any_of.first().options.select_related("credential_type")}
    assert codes == {"ptcb-cpht", "nha-excpt"}
    assert CredentialRequirement.objects.filter(level="within", within_days__gt=0).exists()

    texas = Posting.objects.filter(region="US-TX", arrangement="on-site").exclude(experience="trainee")
    assert texas.exists()
    for posting in texas:
        assert posting.requirements.filter(
            options__credential_type__code="state-registration", options__jurisdiction="US-TX"
        ).exists()
    regulated_canada = Posting.objects.filter(country="CA").exclude(region="CA-QC").exclude(title="Pharmacy Assistant")
    assert regulated_canada.exists()
    for posting in regulated_canada:
        assert posting.requirements.filter(
            options__credential_type__code="ca-rpht", options__jurisdiction=posting.region
        ).exists()


def test_slugs_are_unique_per_employer_and_ids_continue_after_the_bulk_load():
    seed(postings=300)

    duplicates = Posting.objects.values("employer", "slug").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()
    # Ids were assigned by the seeder; the sequences must have moved past them.
    posting = PublishedPostingFactory()
    CredentialOptionFactory(requirement__posting=posting)
    assert posting.pk > Posting.objects.exclude(pk=posting.pk).order_by("-pk").first().pk


def test_refuses_to_seed_a_board_that_has_postings():
    seed(postings=20, employers=3)

    with pytest.raises(CommandError, match="already has postings"):
        seed(postings=20, employers=3)
    assert Posting.objects.count() == 20


def test_zero_postings_still_seeds_employers():
    seed(postings=0, employers=2)

    assert Employer.objects.count() == 2
    assert not Posting.objects.exists()
    assert PublishedPostingFactory().pk
