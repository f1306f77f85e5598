"""The search of /jobs/, its feed and job alerts: one FilterSet, so they can never disagree.

Every parameter of CONTRACT.md is a declared filter, so the form validates it and shows an error next to the
field when it is malformed. `filter_queryset` then applies each valid value through one PostingQuerySet
method, in one place, because several parameters work together (near + radius + unit, q + sort).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import cache, cached_property

import django_filters
import pycountry
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from .geo import to_km
from .managers import BY_DISTANCE, BY_PAY, NEWEST, RANK_CANDIDATES, Candidate, nearby_facets
from .models import HOURS_PER_YEAR, Arrangement, EmploymentType, Experience, Place, Posting, Setting, Shift
from .pagination import RESULT_BOUND, RowsByIds

# Never echo the rejected value back: it may be anything, NUL bytes included.
INVALID_CHOICE = {"invalid_choice": "Choose one of the listed options."}

COUNTRY_CHOICES = [("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom")]
UNIT_CHOICES = [("mi", "miles"), ("km", "km")]
POSTED_WITHIN_CHOICES = [("1", "Last 24 hours"), ("3", "Last 3 days"), ("7", "Last week"), ("14", "Last 2 weeks"),
                         ("30", "Last 30 days")]  # fmt: skip
SORT_CHOICES = [("relevance", "Relevance"), ("newest", "Newest"), ("pay", "Highest pay"), ("distance", "Distance")]
DEFAULT_RADIUS = 25
# A floor above this is surely a yearly salary ("45000"); it is compared as hourly over 2,080 hours.
HOURLY_CEILING = Decimal(1000)


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


class Select(forms.Select):
    """Django's select with its options written in one template rather than included one by one: the region
    list has 70 options, and their includes were most of the filter form's rendering time."""

    template_name = "postings/widgets/select.html"


class Checkboxes(forms.CheckboxSelectMultiple):
    """Django's checkboxes with each box's three nested includes written out: the filter form draws ~35."""

    option_template_name = "postings/widgets/checkbox_option.html"


def _multiple(label: str, choices) -> django_filters.MultipleChoiceFilter:
    return django_filters.MultipleChoiceFilter(
        label=label, choices=choices, widget=Checkboxes, error_messages=INVALID_CHOICE
    )


class SearchForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        near = cleaned.get("near")
        if near:
            place = Place.objects.resolve(near)
            if place is None:
                self.add_error("near", "We don't know that place. Try a US ZIP code or a city like “Austin, TX”.")
            cleaned["place"] = place
        if cleaned.get("sort") == "distance" and not cleaned.get("place"):
            self.add_error("sort", "Sorting by distance needs a place in “Near”.")
        return cleaned


class PostingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Keywords", max_length=200)
    country = django_filters.ChoiceFilter(
        widget=Select,
        label="Country",
        choices=COUNTRY_CHOICES,
        empty_label="Any country",
        error_messages=INVALID_CHOICE,
    )
    region = django_filters.ChoiceFilter(
        widget=Select,
        label="State or province",
        choices=region_choices(),
        empty_label="Anywhere",
        error_messages=INVALID_CHOICE,
    )
    city = django_filters.CharFilter(label="City", max_length=100)
    near = django_filters.CharFilter(label="Near", max_length=100,
                                     help_text="A US ZIP code or a city, e.g. “Austin, TX”")  # fmt: skip
    radius = django_filters.NumberFilter(label="Within", validators=[MinValueValidator(1), MaxValueValidator(500)])
    unit = django_filters.ChoiceFilter(
        widget=Select, label="Unit", choices=UNIT_CHOICES, empty_label=None, error_messages=INVALID_CHOICE
    )
    setting = _multiple("Practice setting", Setting.choices)
    employment_type = _multiple("Employment type", EmploymentType.choices)
    shift = _multiple("Shift", Shift.choices)
    experience = _multiple("Experience", Experience.choices)
    arrangement = _multiple("Work arrangement", Arrangement.choices)
    pay_min = django_filters.NumberFilter(
        label="Minimum pay per hour",
        validators=[MinValueValidator(0), MaxValueValidator(10_000_000)],
        help_text="Yearly salaries are compared as hourly over 2,080 hours.",
    )
    posted_within = django_filters.ChoiceFilter(
        widget=Select,
        label="Posted", choices=POSTED_WITHIN_CHOICES, empty_label="Any time",
        error_messages=INVALID_CHOICE,
    )  # fmt: skip
    training = django_filters.BooleanFilter(
        label="Training provided or no certification required", widget=forms.CheckboxInput
    )
    qualified = django_filters.BooleanFilter(label="Only jobs I qualify for", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(
        widget=Select, label="Sort by", choices=SORT_CHOICES, empty_label=None, error_messages=INVALID_CHOICE
    )

    class Meta:
        model = Posting
        fields: list[str] = []
        form = SearchForm

    def filter_queryset(self, queryset):
        """The results in order, as a sequence that reads only the rows of the slice taken (a page, a feed)."""
        return RowsByIds(self._filtered(queryset), self.result_ids)

    @cached_property
    def filtered(self):
        """Every posting the filters let through, before the keywords."""
        if not self.is_bound:
            return self.queryset.all()
        self.errors  # noqa: B018 - validates the form, which filtering reads
        return self._filtered(self.queryset.all())

    @property
    def keywords(self) -> str:
        if not self.is_bound:
            return ""
        self.errors  # noqa: B018 - validates the form, which the keywords are read from
        return self.form.cleaned_data.get("q") or ""

    @cached_property
    def matches(self):
        """Every posting the search finds, unsorted: what job alerts are checked against. The results page
        takes its candidates from the same filters and keywords (`candidates`)."""
        return self.filtered.search(self.keywords) if self.keywords else self.filtered

    def _filtered(self, queryset):
        data = self.form.cleaned_data
        # ?setting=hospital&setting=typo: the typo is reported, the valid settings still narrow the search.
        lists = {
            name: self._valid_values(name, choices)
            for name, choices in [
                ("setting", Setting.values),
                ("employment_type", EmploymentType.values),
                ("shift", Shift.values),
                ("experience", Experience.values),
                ("arrangement", Arrangement.values),
            ]
        }
        if lists["setting"]:
            queryset = queryset.with_setting(*lists["setting"])
        if lists["employment_type"]:
            queryset = queryset.with_employment_type(*lists["employment_type"])
        if lists["shift"]:
            queryset = queryset.with_shift(*lists["shift"])
        if lists["experience"]:
            queryset = queryset.with_experience(*lists["experience"])
        if lists["arrangement"]:
            queryset = queryset.with_arrangement(*lists["arrangement"])
        if data.get("country") or data.get("region") or data.get("city"):
            queryset = queryset.in_place(
                country=data.get("country") or "", region=data.get("region") or "", city=data.get("city") or ""
            )
        if self.circle is not None:
            queryset = queryset.near(**self.circle)
        if data.get("pay_min") is not None:
            queryset = queryset.paying_at_least(self.hourly_floor)
        if data.get("posted_within"):
            queryset = queryset.posted_within(int(data["posted_within"]))
        if data.get("training"):
            queryset = queryset.open_to_newcomers()
        if data.get("qualified"):
            queryset = queryset.qualified_for(self.profile) if self.profile else queryset.none()
        return queryset

    @property
    def ordering(self):
        """The order candidates are taken in. Relevance ranks the newest matches: ranking reads each whole
        document, so it is done for RANK_CANDIDATES of them, not for every match of a common word."""
        sort = self.sort_in_force
        if sort == "pay":
            return BY_PAY
        if sort == "distance" and self.form.cleaned_data.get("place") is not None:
            return BY_DISTANCE
        return NEWEST

    @cached_property
    def candidates(self) -> list[Candidate]:
        """The first RESULT_BOUND + 1 results in `ordering`: the total (up to the bound), the facet counts and
        the page all come from this one query."""
        return self.filtered.top_candidates(
            self.ordering, limit=RESULT_BOUND + 1, text=self.keywords, narrowing=self.narrowing
        )

    @cached_property
    def circle(self) -> dict | None:
        """The centre and radius of a distance search (`near()`'s arguments), if there is one."""
        if not self.is_bound:
            return None
        self.errors  # noqa: B018 - validates the form, which the place is read from
        place = self.form.cleaned_data.get("place")
        if place is None:
            return None
        radius_km = to_km(float(self.form.cleaned_data.get("radius") or DEFAULT_RADIUS), self.distance_unit)
        return {"latitude": place.latitude, "longitude": place.longitude, "radius_km": radius_km}

    @property
    def narrowing(self) -> Q | None:
        """What the search index can narrow a distance search to (see `top_candidates`)."""
        return None if self.circle is None else nearby_facets(**self.circle)

    @cached_property
    def candidate_ids(self) -> list[int]:
        return [pk for pk, _, _ in self.candidates]

    @cached_property
    def result_ids(self) -> list[int]:
        """The ids of the results in the order shown. Relevance ranks the newest RANK_CANDIDATES candidates
        (ranking reads each whole document); every other sort is the candidates' own order."""
        if self.sort_in_force == "relevance":
            ranked = self.queryset.filter(pk__in=self.candidate_ids[:RANK_CANDIDATES])
            return list(ranked.ranked(self.keywords).values_list("pk", flat=True))
        return self.candidate_ids[:RESULT_BOUND]

    @property
    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Candidates per setting and per employment type: exact whenever the search has no more than
        RESULT_BOUND results, lower bounds ("150+") beyond, as exact counts of a common word at a million
        postings would read every match. Counted from the candidates already read (at most RESULT_BOUND)."""
        first = self.candidates[:RESULT_BOUND]
        settings = Counter(setting for _, setting, _ in first)
        types = Counter(kind for _, _, kinds in first for kind in kinds)
        return {
            "setting": {value: settings[value] for value in Setting.values},
            "employment_type": {value: types[value] for value in EmploymentType.values},
        }

    def _valid_values(self, name: str, allowed) -> list[str]:
        if name in self.form.cleaned_data:
            return list(self.form.cleaned_data[name] or [])
        if hasattr(self.form.data, "getlist"):
            return [value for value in self.form.data.getlist(name) if value in allowed]
        return []

    @property
    def sort_in_force(self) -> str:
        """The sort in force: as asked when valid, else relevance with keywords and newest without."""
        data = getattr(self.form, "cleaned_data", {})
        asked = data.get("sort")
        if asked == "relevance" and not data.get("q"):
            asked = None
        return asked or ("relevance" if data.get("q") else "newest")

    @property
    def hourly_floor(self) -> Decimal:
        amount = Decimal(self.form.cleaned_data["pay_min"])
        return amount / HOURS_PER_YEAR if amount > HOURLY_CEILING else amount

    @property
    def profile(self):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return getattr(user, "applicant_profile", None)

    @property
    def distance_unit(self) -> str:
        return getattr(self.form, "cleaned_data", {}).get("unit") or "mi"
