"""Demo employers, each with an owner: names, the regions they hire in, how much they post."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from employers.models import Employer, EmployerMember

from .. import data
from .common import DemoDataExists, weighted


@dataclass
class DemoEmployer:
    """What posting generation needs to know about a demo employer."""

    id: int
    owner_id: int
    name: str
    slug: str
    kind: data.EmployerKind
    regions: list[data.Region]  # where it hires: a few states or provinces, or its whole country
    region_weights: list[float]
    weight: float
    reference_prefix: str
    next_reference: int
    apply_email: str
    slugs: dict[str, int] = field(default_factory=dict)


def employers_create(*, rng: random.Random, count: int, now: datetime, password: str) -> list[DemoEmployer]:
    regions_by_country = {c: [r for r in data.REGIONS if r.country == c] for c in ("US", "CA")}
    used_names: set[str] = set()
    rows = []
    for i in range(count):
        # Cycling through the kinds (rather than drawing them) keeps every setting covered for small counts.
        kind = data.EMPLOYER_KINDS[i % len(data.EMPLOYER_KINDS)]
        country_regions = regions_by_country[kind.country]
        if kind.regions:
            regions = tuple(_distinct_regions(rng, country_regions, kind.regions))
        else:
            regions = tuple(country_regions)
        name = _employer_name(rng, kind, regions, used_names, i)
        used_names.add(name)
        reference_prefix = rng.choice(("REQ-", "R", "JR", "")) if kind.type != Employer.Type.INDEPENDENT else ""
        rows.append((kind, regions, name, reference_prefix))

    slugs = [slugify(name) for _, _, name, _ in rows]
    User = get_user_model()
    taken = Employer.objects.filter(slug__in=slugs).exists()
    taken = taken or User.objects.filter(username__in=[f"owner@{slug}.example" for slug in slugs]).exists()
    if taken:
        raise DemoDataExists("Demo employers or their owners already exist; flush the database first.")

    owners = User.objects.bulk_create(
        User(
            username=f"owner@{slug}.example",
            email=f"owner@{slug}.example",
            first_name=rng.choice(data.FIRST_NAMES),
            last_name=rng.choice(data.LAST_NAMES),
            password=password,
            date_joined=now - timedelta(days=60 + i),
        )
        for i, slug in enumerate(slugs)
    )
    employer_objects = []
    for (kind, _, name, _), slug in zip(rows, slugs, strict=True):
        verified = rng.random() < 0.85
        employer_objects.append(
            Employer(
                name=name,
                slug=slug,
                type=kind.type,
                website=f"https://{slug}.example",
                description=kind.description,
                verified=verified,
                trusted=verified and rng.random() < 0.7,
            )
        )
    Employer.objects.bulk_create(employer_objects)
    EmployerMember.objects.bulk_create(
        EmployerMember(employer=employer, user=owner, role=EmployerMember.Role.OWNER)
        for employer, owner in zip(employer_objects, owners, strict=True)
    )
    return [
        DemoEmployer(
            id=employer.id,
            owner_id=owner.id,
            name=employer.name,
            slug=employer.slug,
            kind=kind,
            regions=list(regions),
            region_weights=list(accumulate(region.weight for region in regions)),
            weight=kind.weight * rng.uniform(0.5, 1.5),
            reference_prefix=prefix,
            next_reference=rng.randrange(10_000, 80_000),
            apply_email=f"{rng.choice(('careers', 'jobs', 'talent', 'pharmacyjobs'))}@{employer.slug}.example",
        )
        for employer, owner, (kind, regions, _, prefix) in zip(employer_objects, owners, rows, strict=True)
    ]


def _distinct_regions(rng: random.Random, regions: list[data.Region], count: int) -> list[data.Region]:
    """`count` different regions, the populous ones more likely (a regional employer's footprint)."""
    chosen: list[data.Region] = []
    pool = list(regions)
    while pool and len(chosen) < count:
        region = weighted(rng, pool, list(accumulate(r.weight for r in pool)))
        chosen.append(region)
        pool.remove(region)
    return chosen


def _employer_name(
    rng: random.Random, kind: data.EmployerKind, regions: tuple[data.Region, ...], used: set[str], index: int
) -> str:
    for _ in range(20):
        name = rng.choice(kind.patterns).format(name=rng.choice(data.EMPLOYER_NAMES[kind.country]))
        if name not in used:
            return name
    # Many employers of one kind exhaust the name pool: tell them apart by where they are.
    name = f"{name} of {regions[0].name}" if len(regions) == 1 else f"{name} {index}"
    return name if name not in used else f"{name} {index}"
