"""The board's own pages and voice: contact, terms and privacy; the employer landing page and directory; the
footer for a signed-in user; the password pages in the board's words; the licence."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import (
    DraftPostingFactory,
    EmployerFactory,
    EmployerMemberFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    PublishedPostingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "heading"), [("contact", "Contact us"), ("terms", "Terms of use"), ("privacy", "Privacy")]
)
def test_contact_terms_and_privacy_pages(client, name, heading):
    response = client.get(reverse(f"pages:{name}"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="page-head__title">{heading}</h1>' in html
    assert f'href="{reverse(f"pages:{name}")}"' in html  # the footer links every page


def test_the_contact_page_gives_the_address_the_board_writes_from(client, settings):
    settings.DEFAULT_FROM_EMAIL = "RxTech Jobs <help@rxtech.example>"

    html = client.get(reverse("pages:contact")).content.decode()

    assert 'href="mailto:help@rxtech.example"' in html


def test_the_password_reset_pages_speak_in_the_boards_voice_and_link_the_contact_page(client):
    html = client.get(reverse("account_reset_password")).content.decode()

    assert "Reset My Password" not in html
    assert "Email me a reset link" in html
    assert f'<a href="{reverse("pages:contact")}">Contact us</a>' in html
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert reverse("pages:contact") in response.content.decode()


def test_the_password_change_page_is_in_sentence_case(client):
    client.force_login(UserFactory())

    html = client.get(reverse("account_change_password")).content.decode()

    assert "Change Password" not in html
    assert "Change your password" in html


def test_the_footer_offers_sign_in_only_to_visitors(client):
    footer = re.compile(r"<footer.*</footer>", re.S)
    anonymous = footer.search(client.get(reverse("pages:terms")).content.decode()).group(0)
    assert ">Sign in<" in anonymous

    client.force_login(UserFactory())
    signed_in = footer.search(client.get(reverse("pages:terms")).content.decode()).group(0)

    assert ">Sign in<" not in signed_in
    assert ">My jobs<" in signed_in


def test_for_employers_is_a_landing_page_for_visitors(client):
    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hire pharmacy technicians" in html
    assert f"{reverse('account_signup')}?next={reverse('dashboard:employer-new')}" in html


def test_for_employers_still_leads_a_member_to_their_organisation(client):
    membership = EmployerMemberFactory()
    client.force_login(membership.user)

    response = client.get(reverse("dashboard:home"))

    assert response.url == reverse("dashboard:postings", args=[membership.employer.slug])


def test_the_directory_lists_employers_with_open_jobs_a_to_z_with_their_counts(client, django_assert_max_num_queries):
    zeta = EmployerFactory(name="Zeta Health")
    PublishedPostingFactory.create_batch(2, employer=zeta)
    alpha = EmployerFactory(name="Alpha Pharmacy")
    PublishedPostingFactory(employer=alpha)
    ExpiredPostingFactory(employer=alpha)
    for factory in (DraftPostingFactory, FilledPostingFactory, ExpiredPostingFactory):
        factory(employer=EmployerFactory(name=f"Not hiring {factory.__name__}"))

    with django_assert_max_num_queries(3):
        response = client.get(reverse("employers:directory"))

    assert response.status_code == 200
    assert [(e.name, e.open_posting_count) for e in response.context["employers"]] == [
        ("Alpha Pharmacy", 1),
        ("Zeta Health", 2),
    ]
    html = response.content.decode()
    assert "2 employers with open pharmacy technician jobs" in html
    assert f'href="{alpha.get_absolute_url()}"' in html


def test_an_employer_page_carries_organization_json_ld(client):
    employer = EmployerFactory(
        name="Gulf Coast Rx", website="https://gulfcoast.example", locations=["Houston, TX", "Pasadena, TX"]
    )

    html = client.get(employer.get_absolute_url()).content.decode()

    [data] = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        if '"Organization"' in block
    ]
    assert data["@type"] == "Organization"
    assert data["name"] == "Gulf Coast Rx"
    assert data["url"] == settings.SITE_URL + employer.get_absolute_url()
    assert data["sameAs"] == ["https://gulfcoast.example"]
    assert [place["name"] for place in data["location"]] == ["Houston, TX", "Pasadena, TX"]


def test_the_sitemap_lists_the_directory_and_the_boards_pages(client):
    xml = client.get(reverse("sitemap-section", args=["pages"])).content.decode()

    for name in ("employers:directory", "dashboard:home", "pages:contact", "pages:terms", "pages:privacy"):
        assert f"{settings.SITE_URL}{reverse(name)}</loc>" in xml


def test_the_repository_has_an_osi_licence_named_in_the_readme():
    root = Path(settings.BASE_DIR)

    assert (root / "LICENSE").read_text().startswith("MIT License")
    assert "[LICENSE](LICENSE)" in (root / "README.md").read_text()
