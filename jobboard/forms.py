"""What every form of the board shares: text that cannot be stored or shown is refused, field by field.

PostgreSQL cannot store a NUL character, and a lone surrogate (half of a UTF-16 pair, which JSON's
"\\ud800" escape produces) cannot be encoded to UTF-8 for the database or the page. Either, reaching a
query or a template, raised a 500. `validate_text` is the one rule; `CleanTextForm` applies it to every field
of every form of the board (each form class inherits it: tests/test_text_input.py checks that), and the
JSON Lines import applies it to every string of a line, keys included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = (
    "Remove the control or broken character from this text (a NUL character or half of an emoji pair): "
    "it cannot be saved."
)


def validate_text(value: str) -> None:
    if UNSTORABLE.search(value):
        raise ValidationError(UNSTORABLE_MESSAGE, code="unstorable")


def strings_in(value) -> Iterator[str]:
    """Every string in a value as a form or JSON gives it: a string, or lists and dicts of them (keys too).
    Walked without recursion: a value can be nested as deep as the JSON parser allowed."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)


def _cleaned(value):
    if isinstance(value, str):
        return UNSTORABLE.sub("", value)
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


class CleanTextForm(forms.BaseForm):
    """Mixed into every form (`class PostingForm(CleanTextForm, forms.ModelForm)`).

    The raw value of each field is checked before the field cleans it, since a field's own cleaning may
    turn it into something the default NUL validator no longer sees (the systems field splits its text into a
    list). A refused field gets the message; the others are cleaned as usual from data with those characters
    removed, so neither cleaning nor the page that shows the form again ever meets them.
    """

    def full_clean(self):
        refused = []
        if self.is_bound:
            refused = [
                name for name in self.fields if any(UNSTORABLE.search(text) for text in strings_in(self[name].data))
            ]
            if refused:
                self.data = self._without_unstorable(self.data)
        super().full_clean()
        for name in refused:
            self.errors.pop(name, None)  # said of the value without those characters: beside the point
            self.add_error(name, ValidationError(UNSTORABLE_MESSAGE, code="unstorable"))

    @staticmethod
    def _without_unstorable(data):
        if isinstance(data, MultiValueDict):
            copy = data.copy()
            for key, values in data.lists():
                copy.setlist(key, _cleaned(values))
            return copy
        return {key: _cleaned(value) for key, value in data.items()}
