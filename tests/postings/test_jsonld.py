import json
import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from jobboard.templatetags.ui import markdown
from postings.jsonld import posting_jsonld
from postings.templatetags.seo_tags import excerpt, jsonld_script
from tests.factories import (
    ClosedPostingFactory,
    CredentialOptionFactory,
    CredentialRequirementFactory,
    EmployerFactory,
    ExpiredPostingFactory,
    FilledPostingFactory,
    PastExpiryPostingFactory,
    PublishedPostingFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
XSS = "</script><script>alert(1)</script>"


def page_jsonld(client, posting) -> dict:
    response = client.get(posting.get_absolute_url())
    assert response.status_code == 200
    blocks = JSONLD.findall(response.content.decode())
    assert len(blocks) == 1
    return json.loads(blocks[0])


def canonical(posting) -> str:
    return f"{django_settings.SITE_URL}{posting.get_absolute_url()}"


def test_an_on_site_us_hourly_posting_has_googles_required_and_recommended_properties(client):
    employer = EmployerFactory(name="Mercy Hospital", website="https://mercy.example.org")
    posting = PublishedPostingFactory(
        employer=employer,
        title="IV Room Technician",
        description="Prepare **sterile** products.\n\n- Nights\n- Weekends",
        setting="hospital",
        employment_types=["full-time", "per-diem"],
        experience="experienced",
        arrangement="on-site",
        country="US",
        region="US-TX",
        city="Austin",
        postal_code="78701",
        pay_min=Decimal("18.50"),
        pay_max=Decimal("24.00"),
        pay_period="hour",
        pay_currency="USD",
        apply_method="board",
    )
    either = CredentialRequirementFactory(posting=posting, level="required", position=0)
    CredentialOptionFactory(requirement=either, credential_type=credential_type("ptcb-cpht"))
    CredentialOptionFactory(requirement=either, credential_type=credential_type("nha-excpt"))
    preferred = CredentialRequirementFactory(posting=posting, level="preferred", position=1)
    CredentialOptionFactory(requirement=preferred, credential_type=credential_type("ptcb-cspt"))

    data = page_jsonld(client, posting)

    assert data == {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": "IV Room Technician",
        "description": (
            "<p>Prepare <strong>sterile</strong> products.</p>\n<ul>\n<li>Nights</li>\n<li>Weekends</li>\n</ul>"
        ),
        "url": canonical(posting),
        "datePosted": posting.published_at.isoformat(timespec="seconds"),
        "validThrough": posting.expires_at.isoformat(timespec="seconds"),
        "hiringOrganization": {
            "@type": "Organization",
            "name": "Mercy Hospital",
            "sameAs": "https://mercy.example.org",
        },
        "identifier": {"@type": "PropertyValue", "name": "Mercy Hospital", "value": str(posting.pk)},
        "employmentType": ["FULL_TIME", "PER_DIEM"],
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {"@type": "QuantitativeValue", "minValue": 18.5, "maxValue": 24, "unitText": "HOUR"},
        },
        "directApply": True,
        "occupationalCategory": "29-2052.00 Pharmacy Technicians",
        "industry": "Hospitals and health systems",
        "experienceRequirements": {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 12},
        "educationRequirements": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "professional certificate",
        },
        "qualifications": "PTCB CPhT or NHA ExCPT",
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Austin",
                "addressRegion": "TX",
                "postalCode": "78701",
                "addressCountry": "US",
            },
        },
    }


def test_a_remote_posting_is_telecommute_with_the_region_it_hires_from_and_no_place(client):
    posting = PublishedPostingFactory(arrangement="remote", country="US", region="US-GA", city="", postal_code="")

    data = page_jsonld(client, posting)

    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {
        "@type": "State",
        "name": "Georgia",
        "containedInPlace": {"@type": "Country", "name": "United States"},
    }
    assert "jobLocation" not in data


def test_a_hybrid_posting_keeps_its_place_and_is_not_telecommute(client):
    posting = PublishedPostingFactory(arrangement="hybrid")

    data = page_jsonld(client, posting)

    assert data["jobLocation"]["address"]["addressLocality"] == "Austin"
    assert "jobLocationType" not in data
    assert "applicantLocationRequirements" not in data


def test_a_canadian_yearly_salary_posting_uses_cad_year_and_the_noc(client):
    posting = PublishedPostingFactory(
        country="CA",
        region="CA-ON",
        city="Toronto",
        postal_code="M5V 2T6",
        latitude=None,
        longitude=None,
        pay_min=Decimal("45000"),
        pay_max=Decimal("52000.00"),
        pay_period="year",
        pay_currency="CAD",
        experience="trainee",
        apply_method="url",
        apply_url="https://careers.example.ca/1",
    )

    data = page_jsonld(client, posting)

    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "CAD",
        "value": {"@type": "QuantitativeValue", "minValue": 45000, "maxValue": 52000, "unitText": "YEAR"},
    }
    assert data["occupationalCategory"] == "32124 Pharmacy technicians and pharmacy assistants"
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Toronto",
        "addressRegion": "ON",
        "postalCode": "M5V 2T6",
        "addressCountry": "CA",
    }
    assert data["experienceRequirements"] == "no requirements"
    assert data["directApply"] is False
    assert "educationRequirements" not in data


def test_a_remote_canadian_posting_names_its_province_as_an_administrative_area():
    posting = PublishedPostingFactory(arrangement="remote", country="CA", region="CA-AB", latitude=None, longitude=None)

    data = posting_jsonld(posting)

    assert data["applicantLocationRequirements"] == {
        "@type": "AdministrativeArea",
        "name": "Alberta",
        "containedInPlace": {"@type": "Country", "name": "Canada"},
    }


def test_an_employer_logo_is_an_absolute_url():
    employer = EmployerFactory(website="", logo=SimpleUploadedFile("mercy.png", b"\x89PNG\r\n", "image/png"))
    posting = PublishedPostingFactory(employer=employer)

    organization = posting_jsonld(posting)["hiringOrganization"]

    assert organization["logo"] == f"{django_settings.SITE_URL}{employer.logo.url}"
    assert organization["logo"].startswith(("http://", "https://"))
    assert "sameAs" not in organization


def test_script_breaking_text_stays_one_json_object_and_runs_nothing(client):
    name = f'Evil "Corp" {XSS} & <!-- Sons'
    title = f"Tech {XSS} \"quoted\" 'single' \\ back"
    description = f'Hello {XSS} and "quotes" <!-- comment --> ]]> `code`'
    posting = PublishedPostingFactory(employer=EmployerFactory(name=name), title=title, description=description)

    html = client.get(posting.get_absolute_url()).content.decode()

    blocks = JSONLD.findall(html)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["title"] == title
    assert data["hiringOrganization"]["name"] == name
    assert data["identifier"]["name"] == name
    assert data["description"] == str(markdown(description))
    assert "<script" not in data["description"]
    # The block holds none of the characters that could end it or open a comment.
    assert "<" not in blocks[0]
    assert ">" not in blocks[0]
    assert "&" not in blocks[0]
    # No script of the employer's making: every script element is the JSON-LD or a file of ours.
    for tag in SCRIPT_TAG.findall(html):
        assert tag == '<script type="application/ld+json">' or " src=" in tag, tag
    assert "<script>alert" not in html


def test_jsonld_script_escapes_like_json_script():
    data = {"a": "</script><!--&", "n": Decimal("1.5")}

    html = str(jsonld_script(data))

    assert html == (
        '<script type="application/ld+json">{"a": "\\u003C/script\\u003E\\u003C!--\\u0026", "n": "1.5"}</script>'
    )
    assert json.loads(JSONLD.search(html).group(1)) == {"a": "</script><!--&", "n": "1.5"}


@pytest.mark.parametrize("factory", [ExpiredPostingFactory, PastExpiryPostingFactory, FilledPostingFactory,
                                     ClosedPostingFactory])  # fmt: skip
def test_a_closed_posting_page_has_no_jsonld(client, factory):
    posting = factory()

    response = client.get(posting.get_absolute_url())

    assert response.status_code == 410
    html = response.content.decode()
    assert "application/ld+json" not in html
    assert "JobPosting" not in html


def test_the_posting_page_query_count_is_unchanged_by_jsonld_and_open_graph(client, django_assert_num_queries):
    employer = EmployerFactory(logo=SimpleUploadedFile("logo.png", b"\x89PNG\r\n", "image/png"))
    posting = PublishedPostingFactory(employer=employer)
    requirement = CredentialRequirementFactory(posting=posting)
    CredentialOptionFactory(requirement=requirement, credential_type=credential_type("ptcb-cpht"))
    # The posting with its employer; requirements, options, credential types (prefetched); similar jobs (ids; no
    # others here, so no cards to load).
    with django_assert_num_queries(5):
        response = client.get(posting.get_absolute_url())
    assert "application/ld+json" in response.content.decode()


# -- OpenGraph and Twitter cards ---------------------------------------------------------------------


def meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, name
    return match.group(1)


def test_the_posting_page_has_open_graph_and_twitter_tags(client):
    employer = EmployerFactory(name="Mercy Hospital", logo=SimpleUploadedFile("m.png", b"\x89PNG\r\n", "image/png"))
    posting = PublishedPostingFactory(
        employer=employer,
        title="IV Room Technician",
        city="Austin",
        region="US-TX",
        description="We **value** our techs.\n\n- Day one orientation\n- A [mentor](https://example.com)",
    )

    html = client.get(posting.get_absolute_url()).content.decode()

    assert meta(html, "property", "og:title") == "IV Room Technician at Mercy Hospital, Austin, Texas"
    assert meta(html, "property", "og:description") == (
        "$18.00–$22.00 /hour. We value our techs. Day one orientation A mentor"  # noqa: RUF001 - an en dash
    )
    assert meta(html, "property", "og:url") == canonical(posting)
    assert meta(html, "property", "og:type") == "website"
    assert meta(html, "property", "og:site_name") == "RxTech Jobs"
    assert meta(html, "property", "og:image") == f"{django_settings.SITE_URL}{employer.logo.url}"
    assert meta(html, "name", "twitter:card") == "summary"
    assert meta(html, "name", "twitter:title") == meta(html, "property", "og:title")
    assert meta(html, "name", "twitter:description") == meta(html, "property", "og:description")
    assert html.count('property="og:title"') == 1


def test_open_graph_tags_are_escaped(client):
    employer = EmployerFactory(name='"Quote" & <b>Co</b>')
    posting = PublishedPostingFactory(employer=employer, title=f'Tech {XSS} "x"', description=f'Say "hi" {XSS}')

    html = client.get(posting.get_absolute_url()).content.decode()

    og_title = meta(html, "property", "og:title")
    assert og_title == escape(f'Tech {XSS} "x" at "Quote" & <b>Co</b>, Austin, Texas')
    og_description = meta(html, "property", "og:description")
    assert "<" not in og_description
    assert '"' not in og_description
    assert "&quot;hi&quot;" in og_description


def test_other_pages_have_default_open_graph_tags(client):
    html = client.get("/jobs/?setting=hospital").content.decode()

    assert meta(html, "property", "og:site_name") == "RxTech Jobs"
    assert meta(html, "property", "og:type") == "website"
    assert meta(html, "property", "og:url") == f"{django_settings.SITE_URL}/jobs/?setting=hospital"
    assert meta(html, "name", "twitter:card") == "summary"


def test_an_excerpt_is_plain_text_cut_after_a_whole_word():
    text = "**Bold** start. " + "word " * 100

    cut = excerpt(text, 40)

    assert cut == "Bold start. word word word word word…"
    assert len(cut) <= 40
    assert excerpt("Short *one*.") == "Short one."
    assert excerpt("") == ""
    assert excerpt("Tab\x0bhere") == "Tabhere"
