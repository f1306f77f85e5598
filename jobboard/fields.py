"""Fields Django does not ship: a column for a PostgreSQL type it does not name, and a list typed one per line."""

from django import forms
from django.db import models


class TsQueryField(models.Field):
    """A PostgreSQL tsquery: keywords parsed once, exactly as search parses them per request."""

    description = "Text search query"

    def db_type(self, connection) -> str:
        return "tsquery"


class LinesField(forms.CharField):
    """A list typed one entry per line, blank lines dropped, repeats once (an organisation's locations): where
    Django's own array field splits at commas, and "Houston, TX" would become two entries."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, max_lines: int, max_line_length: int = 100, noun: str = "entries", **kwargs):
        self.max_lines, self.max_line_length, self.noun = max_lines, max_line_length, noun
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            value = "\n".join(str(item) for item in value)
        text = super().to_python(value)
        return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_lines:
            raise forms.ValidationError(f"List at most {self.max_lines} {self.noun}.")
        if any(len(line) > self.max_line_length for line in value):
            raise forms.ValidationError(f"Keep each line under {self.max_line_length} characters.")

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value


@models.IntegerField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=[ids]`: `id = ANY(%s)` with the ids as one array parameter. Django's `__in` writes one placeholder
    per id and prepares each id on its own; for the thousand ids of a search that was a millisecond of Python on
    every request, and the statement's text changed with every count of ids."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # As `__in`: None matches nothing, so it is left out.
        return f"{lhs} = ANY(%s)", (*lhs_params, [int(value) for value in self.rhs if value is not None])
