"""Demo postings with their credential requirements, generated in chunks and streamed to PostgreSQL with COPY.

Ids are assigned here, from a block reserved in the table's sequence while the tables are locked, so a
requirement can point at its posting without a round trip per row. Every draw comes from the stream given
(languages from one of their own), in posting order, so the same seed gives the same postings.
"""

from __future__ import annotations

import io
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import TextIO

from django.db import connection
from django.utils.text import slugify
from tqdm import tqdm

from employers.models import Employer
from postings.models import (
    HOURS_PER_YEAR,
    Arrangement,
    CredentialOption,
    CredentialRequirement,
    CredentialType,
    Currency,
    Duty,
    EmploymentType,
    Experience,
    PayPeriod,
    Posting,
    Setting,
    Shift,
)

from .. import data
from .common import weighted
from .employers import DemoEmployer

CHUNK_SIZE = 10_000  # postings per COPY: big enough to amortise round trips, small enough to keep memory flat
COPY_READ_SIZE = 4 * 1024 * 1024
POSTING_DAYS = 30
EN_DASH = "\u2013"
PUBLISHED_WINDOW_DAYS = 45

Status = Posting.Status
Level = CredentialRequirement.Level
NATIONAL_CERTS = (("ptcb-cpht", ""), ("nha-excpt", ""))  # the usual any-of group
NATIONAL_CERTIFICATIONS = {"ptcb-cpht", "nha-excpt", "ptcb-cspt", "ptcb-cpht-adv"}

_NULL = "\\N"

POSTING_FIELDS = (
    "id", "employer", "created_by", "reference", "title", "slug", "description", "setting", "employment_types",
    "shifts", "experience", "arrangement", "duties", "systems", "country", "region", "city", "postal_code",
    "latitude", "longitude", "pay_min", "pay_max", "pay_period", "pay_currency", "sign_on_bonus",
    "shift_differential", "training_provided", "exam_fee_paid", "tuition_reimbursement", "apply_method",
    "apply_url", "apply_email", "status", "published_at", "expires_at", "created_at", "updated_at",
    "requires_no_credential", "languages",
)  # fmt: skip
REQUIREMENT_FIELDS = ("id", "posting", "level", "within_days", "position")
OPTION_FIELDS = ("requirement", "credential_type", "jurisdiction")


@dataclass(frozen=True)
class _Requirement:
    level: str
    within_days: int | None
    options: tuple[tuple[str, str], ...]  # (credential type code, jurisdiction)


def postings_create(
    *,
    rng: random.Random,
    languages_rng: random.Random,
    count: int,
    employers: list[DemoEmployer],
    credential_ids: dict[str, int],
    now: datetime,
    stdout: TextIO | None,
) -> dict[str, int]:
    posting_table = Posting._meta.db_table
    requirement_table = CredentialRequirement._meta.db_table
    posting_sql = _copy_sql(Posting, POSTING_FIELDS)
    requirement_sql = _copy_sql(CredentialRequirement, REQUIREMENT_FIELDS)
    option_sql = _copy_sql(CredentialOption, OPTION_FIELDS)
    requirements = options = 0
    with connection.cursor() as cursor:
        # Ids are assigned here, from a block of the sequences, so nothing else may insert meanwhile.
        # Checking foreign keys per statement (not all at commit) keeps PostgreSQL's queue of pending
        # checks small.
        cursor.execute(f"LOCK TABLE {posting_table}, {requirement_table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        first_posting_id = _sequence_next(cursor, posting_table)
        first_requirement_id = _sequence_next(cursor, requirement_table)
        generator = _PostingGenerator(
            rng=rng,
            languages_rng=languages_rng,
            employers=employers,
            credential_ids=credential_ids,
            now=now,
            first_posting_id=first_posting_id,
            first_requirement_id=first_requirement_id,
        )
        sizes = [min(CHUNK_SIZE, count - start) for start in range(0, count, CHUNK_SIZE)]
        with (
            ThreadPoolExecutor(max_workers=1) as worker,
            tqdm(total=count, file=stdout, disable=stdout is None, unit=" postings", mininterval=0.5) as progress,
        ):
            # A pipeline: one thread generates the next chunk while PostgreSQL ingests this one (psycopg2
            # releases the GIL while it waits). Chunks are generated in order, so the data stays the same.
            pending = worker.submit(generator.chunk, sizes[0]) if sizes else None
            for index in range(len(sizes)):
                chunk = pending.result()
                if index + 1 < len(sizes):
                    pending = worker.submit(generator.chunk, sizes[index + 1])
                for sql, text in ((posting_sql, chunk.postings), (requirement_sql, chunk.requirements),
                                  (option_sql, chunk.options)):  # fmt: skip
                    # Large reads: each one needs the GIL back from the generating thread.
                    cursor.copy_expert(sql, io.BytesIO(text), COPY_READ_SIZE)
                requirements += chunk.requirement_count
                options += chunk.option_count
                progress.update(chunk.posting_count)
        _sequence_move_past(cursor, posting_table, first_id=first_posting_id, next_id=generator.next_posting_id)
        _sequence_move_past(
            cursor, requirement_table, first_id=first_requirement_id, next_id=generator.next_requirement_id
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how Django declares its foreign keys
    return {"requirements": requirements, "options": options}


def _copy_sql(model, fields: tuple[str, ...]) -> str:
    columns = ", ".join(model._meta.get_field(name).column for name in fields)
    return f"COPY {model._meta.db_table} ({columns}) FROM STDIN"


def _sequence_next(cursor, table: str) -> int:
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
    return cursor.fetchone()[0]


def _sequence_move_past(cursor, table: str, *, first_id: int, next_id: int) -> None:
    """Let ordinary inserts continue after the ids used here. (nextval already took `first_id`.)"""
    if next_id > first_id:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, next_id - 1])


@dataclass(frozen=True)
class _Chunk:
    """COPY text (UTF-8) for a run of postings with their requirements and options."""

    postings: bytes
    requirements: bytes
    options: bytes
    posting_count: int
    requirement_count: int
    option_count: int


def _cumulative(pairs) -> tuple[list, list[float]]:
    items, weights = zip(*pairs, strict=True)
    return list(items), list(accumulate(weights))


def _copy_escape(text: str) -> str:
    # COPY's text format gives backslash, tab and newline a meaning. (str.replace, because str.translate
    # is many times slower on non-ASCII text such as an en dash.)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _array(values) -> str:
    return "{" + ",".join(f'"{value}"' for value in values) + "}"


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" or word.startswith("LTC") else "a"


class _PostingGenerator:
    """Turns a random stream into COPY lines, one chunk at a time. Holds only lookup tables between chunks."""

    def __init__(
        self,
        *,
        rng: random.Random,
        languages_rng: random.Random,
        employers: list[DemoEmployer],
        credential_ids: dict[str, int],
        now: datetime,
        first_posting_id: int,
        first_requirement_id: int,
    ):
        self.rng = rng
        # Languages from a stream of their own, so that adding them left every other draw as it was.
        self.languages_rng = languages_rng
        self.next_posting_id = first_posting_id
        self.next_requirement_id = first_requirement_id
        self.now = now
        self.credential_ids = credential_ids
        self.credential_names = dict(CredentialType.objects.values_list("code", "name"))
        self.settings_block: list[str] = []
        self.candidates = self._employer_candidates(employers)
        self.cities = {
            region.code: (list(region.cities), list(accumulate(c.weight for c in region.cities)))
            for region in data.REGIONS
        }
        self.experiences = _cumulative(data.EXPERIENCE_WEIGHTS.items())
        self.employment_types = _cumulative(data.EMPLOYMENT_TYPE_CHOICES)
        self.staffing_employment_types = _cumulative(data.STAFFING_EMPLOYMENT_TYPE_CHOICES)
        self.shifts = {setting: _cumulative(choices) for setting, choices in data.SHIFT_CHOICES.items()}
        self.office_shifts = self.shifts[Setting.PBM_INSURANCE]
        self.bonuses = (list(data.SIGN_ON_BONUSES), list(accumulate(data.SIGN_ON_BONUS_WEIGHTS)))
        # Roles per setting, and those that can be done from home (used for remote and hybrid postings).
        self.roles = {}
        for setting, roles in data.ROLES.items():
            away = [role for role in roles if role.remote] or roles
            self.roles[setting, False] = _cumulative((role, role.weight) for role in roles)
            self.roles[setting, True] = _cumulative((role, role.weight) for role in away)
        self.duty_order = {duty: index for index, duty in enumerate(Duty.values)}
        self.slugs: dict[str, str] = {}

    def _employer_candidates(self, employers: list[DemoEmployer]) -> dict[tuple[str, str], tuple[list, list[float]]]:
        """Who may post in a setting and country. Small demo runs may lack one: fall back to anyone."""
        candidates = {}
        everyone = (employers, list(accumulate(e.weight for e in employers)))
        for setting in Setting.values:
            in_setting = [e for e in employers if setting in e.kind.settings]
            for country in ("US", "CA"):
                pool = [e for e in in_setting if e.kind.country == country] or in_setting
                candidates[setting, country] = (pool, list(accumulate(e.weight for e in pool))) if pool else everyone
        return candidates

    def chunk(self, size: int) -> _Chunk:
        postings: list[str] = []
        requirement_lines: list[str] = []
        option_lines: list[str] = []
        for posting_id in range(self.next_posting_id, self.next_posting_id + size):
            requirements = self.posting(posting_id, postings)
            for position, requirement in enumerate(requirements):
                requirement_id = self.next_requirement_id
                self.next_requirement_id += 1
                within = _NULL if requirement.within_days is None else str(requirement.within_days)
                requirement_lines.append(f"{requirement_id}\t{posting_id}\t{requirement.level}\t{within}\t{position}\n")
                for code, jurisdiction in requirement.options:
                    option_lines.append(f"{requirement_id}\t{self.credential_ids[code]}\t{jurisdiction}\n")
        self.next_posting_id += size
        return _Chunk(
            postings="".join(postings).encode(),
            requirements="".join(requirement_lines).encode(),
            options="".join(option_lines).encode(),
            posting_count=size,
            requirement_count=len(requirement_lines),
            option_count=len(option_lines),
        )

    def _next_setting(self) -> str:
        # A stratified draw: every block of 100 postings has each setting's exact share, shuffled.
        if not self.settings_block:
            self.settings_block = [s for s, share in data.SETTING_SHARES.items() for _ in range(share)]
            self.rng.shuffle(self.settings_block)
        return self.settings_block.pop()

    def posting(self, posting_id: int, out: list[str]) -> list[_Requirement]:
        """Append one posting's COPY line to `out`; return its credential requirements."""
        rng = self.rng
        random_ = rng.random
        setting = self._next_setting()
        country = "CA" if random_() < data.CANADA_SHARE else "US"
        employer = weighted(rng, *self.candidates[setting, country])
        region = weighted(rng, employer.regions, employer.region_weights)
        country = region.country
        staffing = employer.kind.type == Employer.Type.STAFFING

        remote_share, hybrid_share = data.ARRANGEMENT_SHARES.get(setting, (0.0, 0.0))
        draw = random_()
        if draw < remote_share:
            arrangement = Arrangement.REMOTE
        elif draw < remote_share + hybrid_share:
            arrangement = Arrangement.HYBRID
        else:
            arrangement = Arrangement.ON_SITE
        role = weighted(rng, *self.roles[setting, arrangement != Arrangement.ON_SITE])

        experience = weighted(rng, *self.experiences)
        if experience == Experience.TRAINEE and (not role.trainee or country == "CA"):
            experience = Experience.ENTRY
        if staffing:
            types = weighted(rng, *self.staffing_employment_types)
        else:
            types = weighted(rng, *self.employment_types)
            if EmploymentType.INTERNSHIP in types and experience not in (Experience.TRAINEE, Experience.ENTRY):
                types = (EmploymentType.FULL_TIME,)
        shifts = weighted(rng, *(self.office_shifts if arrangement == Arrangement.REMOTE else self.shifts[setting]))
        duties = list(role.duties) + [duty for duty in role.extras if random_() < 0.5]
        duties.sort(key=self.duty_order.__getitem__)
        system_pool = data.SYSTEMS[setting]
        if country == "CA" and setting in (Setting.COMMUNITY_RETAIL, Setting.HOSPITAL, Setting.LONG_TERM_CARE):
            system_pool = data.CANADA_SYSTEMS
        systems = rng.sample(system_pool, rng.randint(1, 3))

        title, assistant = self._title(role, setting, experience, arrangement, types, shifts, region, staffing)

        # The place: remote postings keep the region they hire from but no street-level place.
        if arrangement == Arrangement.REMOTE:
            city_name = postal_code = ""
            latitude = longitude = _NULL
        else:
            city = weighted(rng, *self.cities[region.code])
            city_name = city.name
            postal_code = rng.choice(city.postal_codes)
            if country == "CA":
                letters = data.CANADA_POSTAL_LETTERS
                postal_code += f" {rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
            # A few kilometres around the city centre, so postings are not stacked on one point.
            latitude = f"{city.latitude + rng.uniform(-0.04, 0.04):.5f}"
            longitude = f"{city.longitude + rng.uniform(-0.05, 0.05):.5f}"

        # The pay, in cents so that rounding is exact.
        factor = data.SETTING_PAY_FACTOR[setting] * data.EXPERIENCE_PAY_FACTOR[experience] * rng.uniform(0.9, 1.1)
        if assistant:
            factor *= 0.82
        hourly = region.median_hourly * factor
        if EmploymentType.FULL_TIME in types and random_() < data.YEARLY_PAY_SHARE.get(experience, 0.0):
            pay_period = PayPeriod.YEAR
            pay_min = round(hourly * 0.92 * HOURS_PER_YEAR / 500) * 50_000
            pay_max = pay_min + round(hourly * rng.uniform(0.1, 0.3) * HOURS_PER_YEAR / 500) * 50_000
        else:
            pay_period = PayPeriod.HOUR
            pay_min = max(round(hourly * 0.92 * 4) * 25, 1200 if country == "US" else 1600)  # near minimum wage
            pay_max = pay_min if random_() < 0.1 else pay_min + round(hourly * rng.uniform(0.08, 0.35) * 4) * 25
        currency = Currency.USD if country == "US" else Currency.CAD

        bonus_chance = 0.03 if country == "CA" else 0.08
        if setting in (Setting.HOSPITAL, Setting.LONG_TERM_CARE, Setting.NUCLEAR, Setting.HOME_INFUSION):
            bonus_chance += 0.1
        if Shift.NIGHT in shifts:
            bonus_chance += 0.1
        if EmploymentType.FULL_TIME not in types and EmploymentType.PART_TIME not in types:
            bonus_chance = 0.0  # agencies and per diem roles do not pay sign-on bonuses
        sign_on_bonus = weighted(rng, *self.bonuses) if random_() < bonus_chance else None
        differentials = []
        if pay_period == PayPeriod.HOUR and random_() < 0.7:
            differentials = [rng.choice(data.SHIFT_DIFFERENTIALS[s]) for s in shifts if s in data.SHIFT_DIFFERENTIALS]
        shift_differential = ", ".join(differentials[:2])

        trainee = experience == Experience.TRAINEE
        entry = experience == Experience.ENTRY
        training_provided = trainee or random_() < (0.6 if entry else 0.25)
        exam_fee_paid = country == "US" and random_() < (0.7 if trainee else 0.45 if entry else 0.15)
        tuition_reimbursement = random_() < 0.25

        requirements = self._requirements(region, setting, experience, arrangement, role, assistant)

        slug = self._slug(employer, title)
        reference = ""
        if employer.reference_prefix:
            reference = f"{employer.reference_prefix}{employer.next_reference}"
            employer.next_reference += 1
        draw = random_()
        apply_url = apply_email = ""
        if draw < 0.7:
            apply_method = Posting.ApplyMethod.BOARD
        elif draw < 0.9:
            apply_method = Posting.ApplyMethod.URL
            apply_url = f"https://careers.{employer.slug}.example/jobs/{reference or slug}"
        else:
            apply_method = Posting.ApplyMethod.EMAIL
            apply_email = employer.apply_email

        status, published_at, expires_at, created_at, updated_at = self._life_cycle()

        description = self._description(
            employer=employer,
            title=title,
            setting=setting,
            region=region,
            city=city_name,
            arrangement=arrangement,
            experience=experience,
            duties=duties,
            systems=systems,
            requirements=requirements,
            pay=(pay_min, pay_max, pay_period, currency),
            sign_on_bonus=sign_on_bonus,
            shift_differential=shift_differential,
            training_provided=training_provided,
            exam_fee_paid=exam_fee_paid,
            tuition_reimbursement=tuition_reimbursement,
        )

        fields = (
            str(posting_id),
            str(employer.id),
            str(employer.owner_id),
            reference,
            title,
            slug,
            _copy_escape(description),
            setting,
            _array(types),
            _array(shifts),
            experience,
            arrangement,
            _array(duties),
            _array(systems),
            country,
            region.code,
            city_name,
            postal_code,
            latitude,
            longitude,
            _money(pay_min),
            _money(pay_max),
            pay_period,
            currency,
            _NULL if sign_on_bonus is None else f"{sign_on_bonus}.00",
            shift_differential,
            "t" if training_provided else "f",
            "t" if exam_fee_paid else "f",
            "t" if tuition_reimbursement else "f",
            apply_method,
            apply_url,
            apply_email,
            status,
            published_at,
            expires_at,
            created_at,
            updated_at,
            # Written here, so that the requirements' trigger (migration 0014) finds nothing to change.
            "f" if any(requirement.level == Level.REQUIRED for requirement in requirements) else "t",
            _array(self._languages(region.code, country)),
        )
        out.append("\t".join(fields) + "\n")
        return requirements

    def _languages(self, region: str, country: str) -> list[str]:
        """Languages the posting asks for or welcomes besides English, as the region's patients speak them."""
        shares = data.LANGUAGE_SHARES.get(region, data.DEFAULT_LANGUAGE_SHARES.get(country, ()))
        draw = self.languages_rng.random
        return [code for code, share in shares if draw() < share]

    def _title(self, role, setting, experience, arrangement, types, shifts, region, staffing) -> tuple[str, bool]:
        """The title as employers write it, and whether it is an unregulated assistant role (Canada)."""
        rng = self.rng
        title = role.title
        assistant = False
        generic = title in ("Pharmacy Technician", "Certified Pharmacy Technician", "Retail Pharmacy Technician",
                            "Community Pharmacy Technician", "Hospital Pharmacy Technician",
                            "Pharmacy Service Technician")  # fmt: skip
        if region.country == "CA" and generic:
            if region.credential is None:
                title, assistant = rng.choice(data.QUEBEC_TITLES), True
            elif setting == Setting.COMMUNITY_RETAIL and experience == Experience.ENTRY and rng.random() < 0.25:
                title, assistant = data.CANADA_ASSISTANT_TITLE, True
            else:
                title = rng.choice(data.CANADA_TITLES)
        if experience == Experience.TRAINEE and "Pharmacy Technician" in title:
            trainee_title = rng.choice(("Pharmacy Technician Trainee", "Pharmacy Technician in Training"))
            title = title.replace("Pharmacy Technician", trainee_title, 1)
        elif experience == Experience.SENIOR and not assistant:
            draw = rng.random()
            if draw < 0.4:
                title = f"Senior {title}"
            elif draw < 0.7 and "Pharmacy Technician" in title:
                title = title.replace(
                    "Pharmacy Technician", rng.choice(("Pharmacy Technician II", "Pharmacy Technician III")), 1
                )
        elif experience == Experience.LEAD and not assistant:
            draw = rng.random()
            if draw < 0.5 and "Pharmacy Technician" in title:
                lead = rng.choice(("Pharmacy Technician Lead", "Pharmacy Technician Supervisor"))
                title = title.replace("Pharmacy Technician", lead, 1)
            else:
                title = f"Lead {title}"
        if staffing and EmploymentType.CONTRACT in types and setting == Setting.HOSPITAL and rng.random() < 0.5:
            title = f"Travel {title}"

        suffixes = []
        if arrangement == Arrangement.REMOTE and "Remote" not in title:
            suffixes.append("(Remote)")
        elif arrangement == Arrangement.HYBRID and rng.random() < 0.5:
            suffixes.append("(Hybrid)")
        if len(shifts) == 1 and "Night" not in title and "Morning" not in title:
            shift_word = {Shift.NIGHT: "(Nights)", Shift.EVENING: "(Evenings)", Shift.WEEKEND: "(Weekends)"}
            if shifts[0] in shift_word and rng.random() < 0.8:
                suffixes.append(shift_word[shifts[0]])
        if types == (EmploymentType.PER_DIEM,) and rng.random() < 0.6:
            suffixes.append("(PRN)")
        elif types == (EmploymentType.PART_TIME,) and rng.random() < 0.4:
            suffixes.append(f"{EN_DASH} Part Time")
        if suffixes:
            title = f"{title} {' '.join(suffixes[:2])}"
        return title, assistant

    def _slug(self, employer: DemoEmployer, title: str) -> str:
        # bulk loading bypasses Posting.save(), so the slug is made here: unique per employer with a counter.
        base = self.slugs.get(title)
        if base is None:
            base = self.slugs[title] = slugify(title)[:150] or "job"
        seen = employer.slugs.get(base, 0) + 1
        employer.slugs[base] = seen
        return base if seen == 1 else f"{base}-{seen}"

    def _requirements(self, region, setting, experience, arrangement, role, assistant) -> list[_Requirement]:
        rng = self.rng
        draw = rng.random
        requirements: list[_Requirement] = []
        senior = experience in (Experience.SENIOR, Experience.LEAD)
        if region.country == "CA":
            if region.credential is None or assistant:
                return requirements  # Quebec and assistant roles are not regulated
            if experience == Experience.ENTRY and draw() < 0.3:
                # A new graduate can start as a technician candidate and register within months.
                requirements.append(_Requirement(Level.REQUIRED, None, (("pebc-qualifying", ""),)))
                requirements.append(_Requirement(Level.WITHIN, 180, ((region.credential, region.code),)))
            else:
                requirements.append(_Requirement(Level.REQUIRED, None, ((region.credential, region.code),)))
            return requirements

        national = NATIONAL_CERTS if draw() < 0.85 else NATIONAL_CERTS[:1]
        # Remote roles hire from many states; their ads ask for a registration "where required" instead.
        state_credential = region.credential if arrangement != Arrangement.REMOTE else None
        if experience == Experience.TRAINEE:
            if region.trainee_permit and arrangement != Arrangement.REMOTE:
                requirements.append(_Requirement(Level.WITHIN, 30, (("state-trainee", region.code),)))
            elif state_credential:
                requirements.append(_Requirement(Level.WITHIN, 30, ((state_credential, region.code),)))
            requirements.append(_Requirement(Level.WITHIN, rng.choice((180, 365)), national))
        else:
            if state_credential:
                within = experience == Experience.ENTRY and draw() < 0.2
                level, days = (Level.WITHIN, 30) if within else (Level.REQUIRED, None)
                requirements.append(_Requirement(level, days, ((state_credential, region.code),)))
            draw_cert = draw()
            if region.certification_mandated or draw_cert < 0.45:
                requirements.append(_Requirement(Level.REQUIRED, None, national))
            elif draw_cert < 0.7:
                requirements.append(_Requirement(Level.PREFERRED, None, national))
            elif draw_cert < 0.85:
                requirements.append(_Requirement(Level.WITHIN, 90, national))
        if role.sterile and experience != Experience.TRAINEE:
            draw_sterile = draw()
            if senior and draw_sterile < 0.15:
                requirements.append(_Requirement(Level.REQUIRED, None, (("ptcb-cspt", ""),)))
            elif draw_sterile < 0.65:
                requirements.append(_Requirement(Level.PREFERRED, None, (("ptcb-cspt", ""),)))
        if senior and draw() < 0.12:
            requirements.append(_Requirement(Level.PREFERRED, None, (("ptcb-cpht-adv", ""),)))
        return requirements

    def _life_cycle(self) -> tuple[str, str, str, str, str]:
        """Status and its dates as COPY text: mostly published over the last ~45 days, newest most often."""
        rng = self.rng
        now = self.now
        draw = rng.random()
        if draw < 0.03:
            created = now - timedelta(seconds=rng.randrange(10 * 86_400))
            return Status.DRAFT, _NULL, _NULL, _timestamp(created), _timestamp(created)
        if draw < 0.05:
            created = now - timedelta(seconds=rng.randrange(3 * 86_400))
            return Status.PENDING, _NULL, _NULL, _timestamp(created), _timestamp(created)
        if draw < 0.055:
            created = now - timedelta(seconds=rng.randrange(20 * 86_400))
            return Status.REJECTED, _NULL, _NULL, _timestamp(created), _timestamp(created + timedelta(days=1))
        # A linearly falling density: many fresh postings, fewer old ones; those older than 30 days expired.
        age = PUBLISHED_WINDOW_DAYS * 86_400 * (1 - (1 - rng.random()) ** 0.5)
        published = now - timedelta(seconds=int(age))
        expires = published + timedelta(days=POSTING_DAYS)
        created = published - timedelta(seconds=rng.randrange(3 * 86_400))
        if draw < 0.08:
            status = Status.FILLED
            updated = min(now, published + timedelta(seconds=int((now - published).total_seconds() * rng.random())))
        elif draw < 0.1:
            status = Status.CLOSED
            updated = min(now, published + timedelta(seconds=int((now - published).total_seconds() * rng.random())))
        elif expires <= now:
            status, updated = Status.EXPIRED, expires
        else:
            status, updated = Status.PUBLISHED, published
        return status, _timestamp(published), _timestamp(expires), _timestamp(created), _timestamp(updated)

    def _description(
        self,
        *,
        employer: DemoEmployer,
        title: str,
        setting: str,
        region: data.Region,
        city: str,
        arrangement: str,
        experience: str,
        duties: list[str],
        systems: list[str],
        requirements: list[_Requirement],
        pay: tuple[int, int, str, str],
        sign_on_bonus: int | None,
        shift_differential: str,
        training_provided: bool,
        exam_fee_paid: bool,
        tuition_reimbursement: bool,
    ) -> str:
        """Markdown in the shape pharmacy ads take: two paragraphs, then duties, requirements and benefits."""
        rng = self.rng
        canada = region.country == "CA"
        remote = arrangement == Arrangement.REMOTE
        place = f"{region.name} (remote)" if remote else f"{city}, {region.abbreviation}"
        words = {
            "employer": employer.name,
            "title": title,
            "place": place,
            "team": rng.choice(data.TEAMS[setting]),
            "pharmacist": "pharmacist",
        }
        intro = rng.choice(data.INTROS).format(**words)
        intro = intro.replace(f"a {title}", f"{_article(title)} {title}", 1)
        paragraphs = [intro, rng.choice(data.ROLE_PARAGRAPHS).format(**words)]

        cabinet = next((s for s in systems if s in ("Pyxis", "Omnicell")), rng.choice(("Pyxis", "Omnicell")))
        system = systems[0]
        # One line per duty; a role with few duties says more about its main one.
        do = [rng.choice(data.DUTY_LINES[duty]) for duty in duties]
        if len(duties) < 3:
            do.extend(line for line in data.DUTY_LINES[duties[0]] if line not in do)
        do = [line.format(system=system, cabinet=cabinet) for line in do[:4]]
        do.append(rng.choice(data.SETTING_LINES[setting] if arrangement == Arrangement.ON_SITE else data.REMOTE_LINES))
        paragraphs.append("### What you'll do\n\n" + "\n".join(f"- {line}" for line in do))

        need = []
        if canada:
            need.append(
                rng.choice(data.QUEBEC_EDUCATION_LINES if region.credential is None else data.CANADA_EDUCATION_LINES)
            )
        else:
            need.append(rng.choice(data.EDUCATION_LINES))
        need.append(data.EXPERIENCE_LINES[experience])
        need.extend(self._requirement_line(requirement, region) for requirement in requirements)
        if arrangement == Arrangement.REMOTE and not canada:
            need.append("Active pharmacy technician registration or licence in your state of residence, where required")
            need.append("A quiet, private workspace and reliable high-speed internet")
        need.extend(rng.sample(data.CANADA_SKILL_LINES if canada else data.SKILL_LINES, 2))
        need.append(f"Experience with {_or(systems)} is a plus")
        paragraphs.append("### What you'll need\n\n" + "\n".join(f"- {line}" for line in need))

        offer = [_pay_line(*pay)]
        if sign_on_bonus:
            offer.append(f"${sign_on_bonus:,} sign-on bonus")
        if shift_differential:
            offer.append(f"Shift differentials: {shift_differential}")
        if training_provided:
            offer.append("Paid on-the-job training with an experienced technician")
        if exam_fee_paid:
            offer.append("We pay for your PTCB or NHA certification exam")
        if tuition_reimbursement:
            offer.append("Tuition and continuing-education reimbursement")
        offer.extend(rng.sample(data.CANADA_BENEFIT_LINES if canada else data.BENEFIT_LINES, 3))
        paragraphs.append("### What we offer\n\n" + "\n".join(f"- {line}" for line in offer))
        paragraphs.append(rng.choice(data.CANADA_CLOSINGS if canada else data.CLOSINGS).format(**words))
        return "\n\n".join(paragraphs)

    def _requirement_line(self, requirement: _Requirement, region: data.Region) -> str:
        codes = [code for code, _ in requirement.options]
        if all(code in NATIONAL_CERTIFICATIONS for code in codes):
            names = f"{_or([self.credential_names.get(code, code) for code in codes])} certification"
        else:
            names = _or([self._credential_phrase(code, region) for code in codes])
        if requirement.level == Level.REQUIRED:
            return f"{names} (required)"
        if requirement.level == Level.PREFERRED:
            return f"{names} preferred"
        return f"{names} within {requirement.within_days} days of hire"

    def _credential_phrase(self, code: str, region: data.Region) -> str:
        if code == "state-registration":
            return f"Pharmacy technician registration with the {region.regulator}"
        if code == "state-license":
            return f"Pharmacy technician licence from the {region.regulator}"
        if code == "state-certification":
            return f"Pharmacy technician certification from the {region.regulator}"
        if code == "state-trainee":
            return f"Technician trainee registration with the {region.regulator} (we help you apply)"
        if code == "ca-rpht":
            return f"Registration as a Regulated Pharmacy Technician with the {region.regulator}"
        if code == "pebc-qualifying":
            return "Successful completion of the PEBC Qualifying Examination"
        return self.credential_names.get(code, code)


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _pay_line(pay_min: int, pay_max: int, period: str, currency: str) -> str:
    if period == PayPeriod.YEAR:
        low, high, unit = f"${pay_min // 100:,}", f"${pay_max // 100:,}", "per year"
    else:
        low, high, unit = f"${_money(pay_min)}", f"${_money(pay_max)}", "per hour"
    amount = low if pay_min == pay_max else f"{low}{EN_DASH}{high}"
    if currency == Currency.CAD:
        unit += " (CAD)"
    return f"{amount} {unit}, depending on experience"
