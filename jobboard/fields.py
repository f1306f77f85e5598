"""Model fields for PostgreSQL types Django does not name."""

from django.db import models


class TsQueryField(models.Field):
    """A PostgreSQL tsquery: keywords parsed once, exactly as search parses them per request."""

    description = "Text search query"

    def db_type(self, connection) -> str:
        return "tsquery"
