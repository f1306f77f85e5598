"""Model fields for PostgreSQL types Django does not name."""

from django.db import models


class TsQueryField(models.Field):
    """A PostgreSQL tsquery: keywords parsed once, exactly as search parses them per request."""

    description = "Text search query"

    def db_type(self, connection) -> str:
        return "tsquery"


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
