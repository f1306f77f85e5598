"""The search form of /jobs/, its feed and job alerts: one FilterSet, whose filters are the registry's
(postings/search/criteria.py), so the form, its validation and the search can never disagree.

Every parameter of CONTRACT.md is a field, so the form validates it and shows an error next to the field when
it is malformed. `criteria` hands the valid values to `posting_search`, which applies them together (near +
radius + unit, q + sort) and pages them; `qs`, like any FilterSet's, is every open posting they match, unsorted
(`matching_postings`).
"""

from __future__ import annotations

import copy
from functools import cache

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator

from jobboard.forms import CleanTextForm

from .models import Place, Posting
from .search import SearchCriteria, held_credentials, matching_postings
from .search.criteria import (
    COUNTRY_CHOICES,
    CRITERIA,
    DEFAULT_RADIUS,
    HOURLY_CEILING,
    INVALID_CHOICE,
    Select,
    region_choices,
)

__all__ = ["COUNTRY_CHOICES", "DEFAULT_RADIUS", "HOURLY_CEILING", "PostingFilter", "region_choices"]

SORT_CHOICES = [("relevance", "Relevance"), ("newest", "Newest"), ("pay", "Highest pay"), ("distance", "Distance")]


class SharedChoices(BaseChoiceIterator):
    """A field's choices, normalised once, that every copy of the search form shares rather than copies: Django
    deep-copies each form's fields, and normalises their choices again in each copy of their widget, while the
    search's (70 regions, 12 languages ...) are the same for every search and never changed by one."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __deepcopy__(self, memo) -> SharedChoices:
        return self

    def __copy__(self) -> SharedChoices:
        return self


class SearchForm(CleanTextForm, forms.Form):
    # The places an ambiguous "near" may mean ("Springfield"), for the seeker to choose from.
    place_choices: list[Place] = []

    def clean(self):
        cleaned = super().clean()
        near = cleaned.get("near")
        if near:
            meanings = Place.objects.meanings(near)
            place = meanings[0] if len(meanings) == 1 else None
            if len(meanings) > 1:
                self.place_choices = meanings
                self.add_error("near", "Several places have that name. Choose one of them below.")
            elif place is None:
                self.add_error("near", "We don't know that place. Try a US ZIP code, a Canadian postal code or "
                                       "a city like “Austin, TX”.")  # fmt: skip
            cleaned["place"] = place
        if cleaned.get("sort") == "distance" and not cleaned.get("place"):
            self.add_error("sort", "Sorting by distance needs a place in “Near”.")
        return cleaned


class _PostingFilterBase(django_filters.FilterSet):
    class Meta:
        model = Posting
        fields: list[str] = []
        form = SearchForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Not FilterSet.__init__, which deep-copies every filter (and their choice lists) for each search to tie
        # them to it: these filters never filter by themselves (filter_queryset goes through the criteria), and
        # their form class is built once per process (get_form_class). That copy was ~2 ms of every search.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = Posting.objects.open() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters

    @classmethod
    @cache
    def _form_class(cls) -> type[forms.Form]:
        fields = {name: f.field for name, f in copy.deepcopy(cls.base_filters).items()}
        for field in fields.values():
            if isinstance(field, forms.ChoiceField):
                field._choices = field.widget.choices = SharedChoices(field._choices)
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def get_form_class(self) -> type[forms.Form]:
        """The form of the filters, built once per process: building its fields (each normalising its choices) was
        most of the cost of the form on every search."""
        return self._form_class()

    def filter_queryset(self, queryset):
        return matching_postings(self.criteria, queryset)

    @property
    def criteria(self) -> SearchCriteria:
        """The valid values, as the search takes them. "?setting=hospital&setting=typo": the typo is reported
        and the valid settings still narrow the search; any other invalid field is left out."""
        if not self.is_bound:
            return SearchCriteria()
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        values = {}
        for name, form_field in self.form.fields.items():
            if name == "sort":
                continue
            value = cleaned.get(name)
            if name in self.form.errors and isinstance(form_field, forms.MultipleChoiceField):
                value = [item for item in self.form.data.getlist(name) if form_field.valid_value(item)]
            if isinstance(value, list):
                value = tuple(sorted(set(value)))
            if value not in (None, "", (), False):
                values[name] = value
        if cleaned.get("place") is not None:
            values["place"] = cleaned["place"]
        user = getattr(self.request, "user", None)
        return SearchCriteria(
            values=values, held_credentials=held_credentials(user) if values.get("qualified") else None
        )

    @property
    def order(self) -> str:
        """The sort asked for, when valid."""
        return getattr(self.form, "cleaned_data", {}).get("sort") or ""


def _declared_filters() -> dict[str, django_filters.Filter]:
    declared = {name: make() for criterion in CRITERIA for name, make in criterion.fields.items()}
    declared["sort"] = django_filters.ChoiceFilter(
        widget=Select, label="Sort by", choices=SORT_CHOICES, empty_label=None, error_messages=INVALID_CHOICE
    )
    return declared


# Its filters are the registry's, declared through the metaclass like any FilterSet's.
PostingFilter = type("PostingFilter", (_PostingFilterBase,), {"__module__": __name__, **_declared_filters()})
