"""The search form of /jobs/: each filter calls one PostingQuerySet method (django-filter skips empty values).

Invalid values become form errors (shown on the page); the filters that did validate still apply.
"""

from functools import cache

import django_filters
import pycountry
from django import forms

from .models import Posting, Setting

# Never echo the rejected value back: it may be anything, NUL bytes included.
INVALID_CHOICE = {"invalid_choice": "Choose one of the listed options."}

COUNTRY_CHOICES = [("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom")]


@cache
def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """US states, DC and territories, and Canadian provinces and territories, grouped by country."""
    groups = []
    for country, label in COUNTRY_CHOICES[:2]:
        subdivisions = pycountry.subdivisions.get(country_code=country)
        options = sorted(
            ((s.code, s.name) for s in subdivisions if s.code != "US-UM"),  # Minor Outlying Islands: no one lives there
            key=lambda option: option[1],
        )
        groups.append((label, options))
    return groups


class PostingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Keywords", method="filter_keywords", max_length=200)
    region = django_filters.ChoiceFilter(
        label="State or province",
        choices=region_choices(),
        empty_label="Anywhere",
        method="filter_region",
        error_messages=INVALID_CHOICE,
    )
    country = django_filters.ChoiceFilter(
        label="Country",
        choices=COUNTRY_CHOICES,
        empty_label="Any country",
        method="filter_country",
        error_messages=INVALID_CHOICE,
    )
    setting = django_filters.MultipleChoiceFilter(
        label="Practice setting",
        choices=Setting.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_setting",
        error_messages=INVALID_CHOICE,
    )

    class Meta:
        model = Posting
        fields = ["q", "region", "country", "setting"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "setting" in self.form.errors and hasattr(self.form.data, "getlist"):
            # ?setting=hospital&setting=typo: report the typo, but still narrow to the settings that exist.
            valid = [value for value in self.form.data.getlist("setting") if value in Setting.values]
            if valid:
                queryset = queryset.with_setting(*valid)
        return queryset

    def filter_keywords(self, queryset, name, value):
        return queryset.with_keywords(value)

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_country(self, queryset, name, value):
        return queryset.in_country(value)

    def filter_setting(self, queryset, name, value):
        return queryset.with_setting(*value)
