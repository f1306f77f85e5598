"""Demo job seekers with profiles and the credentials they hold, where they live and what they have worked in."""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model

from applicants.models import ApplicantProfile, HeldCredential
from postings.models import Setting, Shift

from .. import data
from .common import weighted


def applicants_create(
    *, rng: random.Random, count: int, credential_ids: dict[str, int], now: datetime, password: str
) -> int:
    """Job seekers with profiles and the credentials they hold, so "jobs I qualify for" has someone to serve."""
    if not count:
        return 0
    User = get_user_model()
    regions = {country: [r for r in data.REGIONS if r.country == country] for country in ("US", "CA")}
    region_weights = {country: list(accumulate(r.weight for r in regions[country])) for country in regions}
    people = []
    for _ in range(count):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        country = "CA" if rng.random() < data.CANADA_SHARE else "US"
        region = weighted(rng, regions[country], region_weights[country])
        city = weighted(rng, list(region.cities), list(accumulate(c.weight for c in region.cities)))
        years = 0 if rng.random() < 0.15 else min(int(rng.expovariate(1 / 5)) + 1, 40)
        people.append((first, last, region, city, years))

    users = []
    for number, (first, last, _, _, _) in enumerate(people, start=1):
        username = f"{_ascii(first)}.{_ascii(last)}.{number}"
        users.append(
            User(
                username=username,
                email=f"{username}@applicant.example",
                first_name=first,
                last_name=last,
                password=password,
                date_joined=now - timedelta(days=rng.randrange(1, 365)),
            )
        )
    User.objects.bulk_create(users)
    profiles = []
    held_rows = []
    for user, (_, _, region, city, years) in zip(users, people, strict=True):
        settings = rng.sample(Setting.values, rng.randint(1, 3))
        if years:
            headline = rng.choice(data.HEADLINES).format(
                cert="RPhT" if region.country == "CA" else rng.choice(("CPhT", "Pharmacy technician", "CPhT")),
                years=years,
                setting=data.SETTING_PHRASES[settings[0]],
            )
        else:
            headline = rng.choice(data.TRAINEE_HEADLINES)
        profiles.append(
            ApplicantProfile(
                user=user,
                headline=headline,
                country=region.country,
                region=region.code,
                city=city.name,
                years_experience=years,
                desired_settings=settings,
                desired_shifts=rng.sample(Shift.values, rng.randint(1, 2)),
            )
        )
        held_rows.append(_held_credentials(rng, region, years, settings))
    profiles = ApplicantProfile.objects.bulk_create(profiles)
    held = [
        HeldCredential(
            profile=profile,
            credential_type_id=credential_ids[code],
            jurisdiction=jurisdiction,
            number=f"{rng.randrange(100_000, 1_000_000)}",
            expires_on=(now + timedelta(days=rng.randrange(30, 730))).date(),
        )
        for profile, rows in zip(profiles, held_rows, strict=True)
        for code, jurisdiction in rows
        if code in credential_ids
    ]
    HeldCredential.objects.bulk_create(held, batch_size=5_000)
    return len(held)


def _held_credentials(
    rng: random.Random, region: data.Region, years: int, settings: list[str]
) -> list[tuple[str, str]]:
    held = []
    if region.country == "CA":
        if region.credential and years:
            held.append(("pebc-qualifying", ""))
            if rng.random() < 0.85:
                held.append((region.credential, region.code))
        return held
    if years == 0:
        if region.trainee_permit:
            held.append(("state-trainee", region.code))
        return held
    draw = rng.random()
    if draw < 0.65:
        held.append(("ptcb-cpht", ""))
    elif draw < 0.85:
        held.append(("nha-excpt", ""))
    if region.credential and rng.random() < 0.9:
        held.append((region.credential, region.code))
    if Setting.HOSPITAL in settings and rng.random() < 0.25:
        held.append(("ptcb-cspt", ""))
    if years >= 5 and rng.random() < 0.1:
        held.append(("ptcb-cpht-adv", ""))
    return held


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
