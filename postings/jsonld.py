"""schema.org `JobPosting` for Google's job search, built as a plain dict so it is easy to test.

Rendered into the page by `{% jsonld %}` (postings/templatetags/seo_tags.py), which does the escaping.
Reference: https://developers.google.com/search/docs/appearance/structured-data/job-posting
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pycountry
from django.conf import settings

from jobboard.templatetags.ui import markdown

from .geo import region_name
from .models import SCHEMA_EMPLOYMENT_TYPE, CredentialRequirement, Experience, PayPeriod, Posting, Setting
from .templatetags.postings_tags import requirement_text

OCCUPATIONAL_CATEGORY = {
    "US": "29-2052.00 Pharmacy Technicians",  # O*NET-SOC 2019
    "CA": "32124 Pharmacy technicians and pharmacy assistants",  # NOC 2021
}
# Elsewhere (the UK for now) the international classification is the one a reader can look up.
OCCUPATIONAL_CATEGORY_DEFAULT = "3213 Pharmaceutical technicians and assistants"  # ISCO-08

# Google's unitText values.
PAY_UNIT = {PayPeriod.HOUR: "HOUR", PayPeriod.YEAR: "YEAR"}

INDUSTRY = {
    Setting.HOSPITAL: "Hospitals and health systems",
    Setting.AMBULATORY_CLINIC: "Ambulatory health care",
    Setting.PBM_INSURANCE: "Pharmacy benefit management and insurance",
    Setting.GOVERNMENT_MILITARY: "Government and military health care",
    Setting.INDUSTRY_OTHER: "Pharmaceutical wholesale, manufacturing and research",
}
INDUSTRY_DEFAULT = "Pharmacies"

# Google reads experienceRequirements as the minimum months of experience, or "no requirements".
MONTHS_OF_EXPERIENCE = {
    Experience.TRAINEE: 0,
    Experience.ENTRY: 0,
    Experience.EXPERIENCED: 12,
    Experience.SENIOR: 36,
    Experience.LEAD: 36,
}


def absolute_url(url: str) -> str:
    """SITE_URL + a path; a URL that is already absolute (a CDN logo) is kept as it is."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


@lru_cache(maxsize=8)
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def _number(amount: Decimal) -> int | float:
    # DjangoJSONEncoder writes a Decimal as a string; Google wants a number, and 45000 reads better than 45000.0.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _postal_address(posting: Posting) -> dict:
    address = {
        "@type": "PostalAddress",
        "addressLocality": posting.city,
        "addressRegion": posting.region.split("-", 1)[-1],
        "postalCode": posting.postal_code,
        "addressCountry": posting.country,
    }
    return {key: value for key, value in address.items() if value}


def _applicant_location(posting: Posting) -> dict:
    """Where a remote hire may live: the posting's state or province (state credentials are per state)."""
    country = {"@type": "Country", "name": country_name(posting.country)}
    if not posting.region:
        return country
    # A Canadian province is not a schema.org State; AdministrativeArea is the parent type of both.
    kind = "State" if posting.country == "US" else "AdministrativeArea"
    # The country disambiguates names such as Georgia.
    return {"@type": kind, "name": region_name(posting.region), "containedInPlace": country}


def _experience_requirements(posting: Posting) -> dict | str:
    months = MONTHS_OF_EXPERIENCE.get(posting.experience, 0)
    if not months:
        return "no requirements"
    return {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": months}


def _required_credentials(posting: Posting) -> list[str]:
    # Reads the prefetched requirements (for_detail()): no query.
    return [
        text
        for requirement in posting.requirements.all()
        if requirement.level == CredentialRequirement.Level.REQUIRED and (text := requirement_text(requirement))
    ]


def posting_jsonld(posting: Posting) -> dict:
    """The JobPosting of an open posting. Needs `employer` and the credential requirements loaded (for_detail())."""
    employer = posting.employer
    organization = {"@type": "Organization", "name": employer.name}
    if employer.website:
        organization["sameAs"] = employer.website
    if employer.logo:
        organization["logo"] = absolute_url(employer.logo.url)

    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": str(markdown(posting.description)),
        "url": absolute_url(posting.get_absolute_url()),
        "datePosted": posting.published_at.isoformat(timespec="seconds"),
        "validThrough": posting.expires_at.isoformat(timespec="seconds"),
        "hiringOrganization": organization,
        "identifier": {"@type": "PropertyValue", "name": employer.name, "value": str(posting.pk)},
        "employmentType": [SCHEMA_EMPLOYMENT_TYPE[value] for value in posting.employment_types],
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": posting.pay_currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": _number(posting.pay_min),
                "maxValue": _number(posting.pay_max),
                "unitText": PAY_UNIT[posting.pay_period],
            },
        },
        "directApply": posting.apply_method == Posting.ApplyMethod.BOARD,
        "occupationalCategory": OCCUPATIONAL_CATEGORY.get(posting.country, OCCUPATIONAL_CATEGORY_DEFAULT),
        "industry": INDUSTRY.get(posting.setting, INDUSTRY_DEFAULT),
        "experienceRequirements": _experience_requirements(posting),
    }
    if posting.is_remote:
        # Google: a 100% remote job needs no physical location. Hybrid jobs keep their place.
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = _applicant_location(posting)
    else:
        data["jobLocation"] = {"@type": "Place", "address": _postal_address(posting)}

    if credentials := _required_credentials(posting):
        # A certification, registration or licence: Google's nearest credentialCategory.
        data["educationRequirements"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "professional certificate",
        }
        data["qualifications"] = "; ".join(credentials)
    return data
