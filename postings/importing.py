"""Bulk import of postings from JSON Lines (docs/import-format.md), for the command and the dashboard upload.

Each line is validated with the same PostingForm and requirements formset as the web form, then saved
through the same services. All-or-nothing unless `skip_invalid`; idempotent by the employer's reference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.datastructures import MultiValueDict

from employers.models import Employer
from jobboard.forms import UNSTORABLE, UNSTORABLE_MESSAGE, strings_in

from .forms import REQUIREMENTS_PREFIX, PostingForm, requirement_formset
from .models import CredentialRequirement, CredentialType, Posting
from .search.criteria import CHOICE_CRITERIA
from .services.editing import posting_create, posting_update
from .services.workflow import posting_submit

LIST_FIELDS = {"duties", "systems"} | {criterion.column for criterion in CHOICE_CRITERIA if criterion.many}
SCALAR_FIELDS = set(PostingForm.Meta.fields) - LIST_FIELDS
EXTRA_KEYS = {"employer", "credentials", "draft"}
CREDENTIAL_KEYS = {"level", "within_days", "any_of", "jurisdiction"}


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[LineError] = field(default_factory=list)
    dry_run: bool = False
    saved: bool = False

    @property
    def valid(self) -> int:
        return self.created + self.updated


@dataclass
class _Valid:
    line: int
    employer: Employer
    instance: Posting | None
    data: dict
    requirements: list[dict]
    draft: bool


class LineInvalid(Exception):
    pass


def _scalar(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, str | int | float):
        return str(value)
    raise LineInvalid(f"{name}: expected text or a number, not {type(value).__name__}")


def _strings(name: str, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LineInvalid(f"{name}: expected a list of strings")
    return value


def _credential_data(credentials, codes: dict[str, int]) -> MultiValueDict:
    if credentials is None:
        credentials = []
    if not isinstance(credentials, list) or not all(isinstance(item, dict) for item in credentials):
        raise LineInvalid("credentials: expected a list of objects")
    data = MultiValueDict(
        {f"{REQUIREMENTS_PREFIX}-TOTAL_FORMS": [str(len(credentials))], f"{REQUIREMENTS_PREFIX}-INITIAL_FORMS": ["0"]}
    )
    for index, credential in enumerate(credentials):
        where = f"credentials[{index + 1}]"
        if unknown := set(credential) - CREDENTIAL_KEYS:
            raise LineInvalid(f"{where}: unknown key {sorted(unknown)[0]!r}")
        any_of = _strings(f"{where}.any_of", credential.get("any_of"))
        if missing := [code for code in any_of if code not in codes]:
            raise LineInvalid(f"{where}.any_of: unknown credential {missing[0]!r}")
        prefix = f"{REQUIREMENTS_PREFIX}-{index}"
        data[f"{prefix}-level"] = _scalar(
            f"{where}.level", credential.get("level", CredentialRequirement.Level.REQUIRED)
        )
        data[f"{prefix}-within_days"] = _scalar(f"{where}.within_days", credential.get("within_days"))
        data[f"{prefix}-jurisdiction"] = _scalar(f"{where}.jurisdiction", credential.get("jurisdiction"))
        data.setlist(f"{prefix}-credential_types", [str(codes[code]) for code in any_of])
    return data


def _check_text(record: dict) -> None:
    """The form refuses NUL and lone surrogates field by field; the employer, the reference and the keys are
    used before the form sees them (a lone surrogate in a query raised UnicodeEncodeError), so every string
    of the line is checked first."""
    for key, value in record.items():
        if UNSTORABLE.search(key):
            raise LineInvalid(f"a field name: {UNSTORABLE_MESSAGE}")
        if any(UNSTORABLE.search(text) for text in strings_in(value)):
            raise LineInvalid(f"{key}: {UNSTORABLE_MESSAGE}")


def _form_errors(form, formset) -> str:
    messages = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    messages = [message.replace("__all__: ", "") for message in messages]
    messages += [f"credentials: {error}" for error in formset.non_form_errors()]
    for index, errors in enumerate(formset.errors):
        messages += [f"credentials[{index + 1}].{name}: {' '.join(text)}" for name, text in errors.items()]
    return "; ".join(messages)


class _Importer:
    def __init__(self, *, employer: Employer | None):
        self.employer = employer
        self.employers: dict[str, Employer | None] = {}
        self.codes = dict(CredentialType.objects.filter(active=True).values_list("code", "pk"))
        self.references: dict[tuple[int, str], int] = {}

    def _employer_for(self, record: dict) -> Employer:
        slug = record.get("employer")
        if self.employer is not None:
            if slug not in (None, self.employer.slug):
                raise LineInvalid(f"employer: this file is imported for {self.employer.slug}, not {slug!r}")
            return self.employer
        if not isinstance(slug, str) or not slug:
            raise LineInvalid("employer: give the employer's slug (or import with --employer)")
        if slug not in self.employers:
            self.employers[slug] = Employer.objects.filter(slug=slug).first()
        if self.employers[slug] is None:
            raise LineInvalid(f"employer: no employer {slug!r}")
        return self.employers[slug]

    def check(self, number: int, text: str) -> _Valid:
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise LineInvalid(f"not valid JSON ({error.msg} at column {error.colno})") from error
        except RecursionError as error:
            raise LineInvalid("nested too deeply: a posting is an object of text, numbers and lists") from error
        except ValueError as error:  # an integer of more than 4,300 digits
            raise LineInvalid(f"not valid JSON ({error})") from error
        if not isinstance(record, dict):
            raise LineInvalid("expected a JSON object")
        _check_text(record)
        if unknown := set(record) - SCALAR_FIELDS - LIST_FIELDS - EXTRA_KEYS:
            raise LineInvalid(f"unknown field {sorted(unknown)[0]!r}")
        employer = self._employer_for(record)
        reference = record.get("reference")
        if not isinstance(reference, str) or not reference.strip():
            raise LineInvalid("reference: every imported posting needs your own reference, to update it later")
        reference = reference.strip()
        if (first := self.references.get((employer.pk, reference))) is not None:
            raise LineInvalid(f"reference: {reference!r} is already used on line {first}")
        self.references[(employer.pk, reference)] = number
        draft = record.get("draft", False)
        if not isinstance(draft, bool):
            raise LineInvalid("draft: expected true or false")

        data = MultiValueDict()
        for name in SCALAR_FIELDS:
            data[name] = _scalar(name, record.get(name))
        for name in LIST_FIELDS:
            values = _strings(name, record.get(name))
            data.setlist(name, [", ".join(values)] if name == "systems" else values)
        data.update(_credential_data(record.get("credentials"), self.codes))

        instance = Posting.objects.filter(employer=employer, reference=reference).first()
        if instance is not None and instance.status in (Posting.Status.FILLED, Posting.Status.CLOSED):
            raise LineInvalid(
                f"reference: posting {reference!r} is {instance.status}; give the new one another reference"
            )
        form = PostingForm(data=data, instance=instance, employer=employer)
        formset = requirement_formset(data=data)
        if not (form.is_valid() and formset.is_valid()):
            raise LineInvalid(_form_errors(form, formset))
        return _Valid(number, employer, instance, form.cleaned_data, formset.requirements, draft)


def postings_import(
    *,
    lines: Iterable[str | bytes],
    employer: Employer | None = None,
    by=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate every line, then save the valid ones in one transaction (none if any line is bad,
    unless `skip_invalid`). Lines are numbered from 1; blank lines are skipped."""
    importer = _Importer(employer=employer)
    result = ImportResult(dry_run=dry_run)
    valid: list[_Valid] = []
    for number, raw in enumerate(lines, start=1):
        if progress:
            progress(number)
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            result.errors.append(LineError(number, "not UTF-8 text"))
            continue
        if not text.strip():
            continue
        try:
            item = importer.check(number, text)
        except LineInvalid as error:
            result.errors.append(LineError(number, str(error)))
            continue
        valid.append(item)
        if item.instance is None:
            result.created += 1
        else:
            result.updated += 1
    if (result.errors and not skip_invalid) or dry_run:
        if result.errors and not skip_invalid:
            result.created = result.updated = 0
        return result
    with transaction.atomic():
        for item in valid:
            _save(item, by=by)
    result.saved = True
    return result


def _save(item: _Valid, *, by) -> Posting:
    if item.instance is None:
        posting = posting_create(employer=item.employer, by=by, data=item.data, requirements=item.requirements)
    else:
        posting = posting_update(posting=item.instance, by=by, data=item.data, requirements=item.requirements)
    if not item.draft and posting.status in (Posting.Status.DRAFT, Posting.Status.REJECTED):
        posting = posting_submit(posting=posting, by=by)
    return posting
