"""The emails an applicant gets when hired or not selected: defaults, and the placeholders an employer may use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import DecisionMessage

PLACEHOLDERS = {
    "applicant_name": "the applicant's name",
    "job_title": "the job title",
    "employer_name": "your organisation's name",
}
_TOKEN = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class DecisionText:
    subject: str
    body: str


DEFAULTS = {
    DecisionMessage.Kind.NOT_SELECTED: DecisionText(
        subject="Your application for {job_title} at {employer_name}",
        body=(
            "Dear {applicant_name},\n\n"
            "Thank you for applying for the {job_title} position at {employer_name} and for the time you "
            "gave us. After careful review we have decided not to move forward with your application.\n\n"
            "We wish you every success in your search.\n\n"
            "Kind regards,\n"
            "The hiring team at {employer_name}"
        ),
    ),
    DecisionMessage.Kind.HIRED: DecisionText(
        subject="Welcome to {employer_name}: {job_title}",
        body=(
            "Dear {applicant_name},\n\n"
            "Congratulations: we are delighted to confirm that you have been hired for the {job_title} "
            "position at {employer_name}.\n\n"
            "We will be in touch shortly about your start date and the next steps.\n\n"
            "Kind regards,\n"
            "The hiring team at {employer_name}"
        ),
    ),
}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _TOKEN.findall(text) if name not in PLACEHOLDERS})


def decision_fill(text: str, values: dict[str, str]) -> str:
    """Replace each known `{placeholder}` with its value; anything else is left exactly as written."""
    return _TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), text)
