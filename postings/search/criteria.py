"""Every search criterion, declared once: the URL parameter(s) of CONTRACT.md, the form field that validates it,
how it narrows postings, how an alert names it, and a hypothesis strategy for the tests.

What reads this registry: the FilterSet (postings/filters.py: the form and its validation), the planner (the
narrowing), the feed's title, job alerts (alerts/matching: a `ChoiceCriterion` is stored as facet tokens in
one generic column and matched by overlap, the others by their columns), the facet vocabulary and the SQL of
postings_facets() (`facets_function_sql`, frozen into migrations and compared with the database by a test),
and the tests' generators (`Criterion.strategies`).

A choice criterion such as "languages" is one `ChoiceCriterion(...)` below plus its column on `Posting` (and
the column's name in `models.FACET_COLUMNS`); a test then fails until a migration redefines postings_facets().
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import django_filters
import pycountry
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import cached_property

from ..geo import region_name, to_km
from ..models import (
    FACET_COLUMNS,
    HOURS_PER_YEAR,
    Arrangement,
    EmploymentType,
    Experience,
    Language,
    Posting,
    Setting,
    Shift,
)
from . import facets
from .keywords import searchable

if TYPE_CHECKING:
    from django.db.models import QuerySet

# Never echo the rejected value back: it may be anything, NUL bytes included.
INVALID_CHOICE = {"invalid_choice": "Choose one of the listed options."}
COUNTRY_CHOICES = [("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom")]
COUNTRY_NAMES = {"US": "the United States", "CA": "Canada", "GB": "the United Kingdom"}
UNIT_CHOICES = [("mi", "miles"), ("km", "km")]
# Per hour is the empty default, so that a URL carries the period only when it is a year.
PAY_PERIOD_CHOICES = [("year", "year")]
POSTED_WITHIN_CHOICES = [("1", "Last 24 hours"), ("3", "Last 3 days"), ("7", "Last week"), ("14", "Last 2 weeks"),
                         ("30", "Last 30 days")]  # fmt: skip
DEFAULT_RADIUS = 25
# A floor above this is surely a yearly salary ("45000"); it is compared as hourly over 2,080 hours.
HOURLY_CEILING = Decimal(1000)


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """US states, DC and territories, and Canadian provinces and territories, grouped by country."""
    return _REGION_CHOICES


def _region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for country, label in COUNTRY_CHOICES[:2]:
        subdivisions = pycountry.subdivisions.get(country_code=country)
        options = sorted(
            ((s.code, s.name) for s in subdivisions if s.code != "US-UM"),  # Minor Outlying Islands: no one lives there
            key=lambda option: option[1],
        )
        groups.append((label, options))
    return groups


_REGION_CHOICES = _region_choices()


def number(value) -> str:
    """Numbers as one canonical string: "25", "25.0" and "2.5e1" are one search."""
    return format(Decimal(value).normalize(), "f")


def money(amount: Decimal) -> str:
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


class Select(forms.Select):
    """Django's select with its options written in one template rather than included one by one: the region
    list has 70 options, and their includes were most of the filter form's rendering time."""

    template_name = "postings/widgets/select.html"


class Checkboxes(forms.CheckboxSelectMultiple):
    """Django's checkboxes with each box's three nested includes written out: the filter form draws ~35."""

    option_template_name = "postings/widgets/checkbox_option.html"


def _choice(label: str, choices, **kwargs) -> Callable[[], django_filters.Filter]:
    return lambda: django_filters.ChoiceFilter(
        widget=Select, label=label, choices=choices, error_messages=INVALID_CHOICE, **kwargs
    )


@dataclass(frozen=True)
class SearchCriteria:
    """A validated search: each given parameter's cleaned value (lists as sorted tuples; `place` is the resolved
    "near"), and for `qualified` the credentials the searcher holds and are valid today, as a queryset the
    caller supplies (`held_credentials`: see `register_held_credentials`). Built by the search form
    (`PostingFilter.criteria`) or `SearchCriteria.of(...)`."""

    values: Mapping[str, Any] = field(default_factory=dict)
    held_credentials: QuerySet | None = None

    def __post_init__(self):
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @classmethod
    def of(cls, held_credentials: QuerySet | None = None, **values) -> SearchCriteria:
        given = {name: value for name, value in values.items() if value not in (None, "", [], (), False)}
        return cls(values=given, held_credentials=held_credentials)

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    @property
    def keywords(self) -> str:
        """The keywords, or "" when they have nothing to search for ("*", '""'): a browse, as without them."""
        text = self.values.get("q", "")
        return text if searchable(text) else ""

    @property
    def place(self):
        return self.values.get("place")

    @cached_property
    def circle(self) -> dict | None:
        """The centre and radius of a distance search (`near()`'s arguments), if there is one."""
        if self.place is None:
            return None
        radius_km = to_km(float(self.values.get("radius") or DEFAULT_RADIUS), self.distance_unit)
        return {"latitude": self.place.latitude, "longitude": self.place.longitude, "radius_km": radius_km,
                "remote_in": self.place.country if self.includes_remote else ""}  # fmt: skip

    @property
    def includes_remote(self) -> bool:
        """Whether a place or radius search takes in the remote roles hiring in its country: when asked for
        ("remote"), or when "Remote" is one of the arrangements asked for. Otherwise a place means the roles
        worked there: a remote role is not a Wyoming job because its employer sits in Cheyenne."""
        return bool(self.values.get("remote")) or "remote" in self.values.get("arrangement", ())

    @property
    def distance_unit(self) -> str:
        return self.values.get("unit") or "mi"

    @property
    def hourly_floor(self) -> Decimal | None:
        amount = self.values.get("pay_min")
        if amount is None:
            return None
        amount = Decimal(amount)
        return amount / HOURS_PER_YEAR if self.yearly_floor else amount

    @property
    def yearly_floor(self) -> bool:
        """Whether the pay floor is a yearly salary: so asked, or too high to be hourly ("45000" per hour)."""
        amount = self.values.get("pay_min")
        return amount is not None and (self.values.get("pay_period") == "year" or Decimal(amount) > HOURLY_CEILING)

    def params(self) -> dict[str, str | list[str]]:
        """The search as canonical URL parameters: the same search gives the same parameters, however it was
        ordered or spelled (what an alert stores and links to)."""
        params: dict[str, str | list[str]] = {}
        for criterion in CRITERIA:
            params |= criterion.params(self)
        return params


@dataclass(frozen=True, kw_only=True)
class Criterion:
    """One criterion: its URL parameters with their form fields, its narrowing, its part of an alert's name.

    `narrow(queryset, criteria)` returns the postings that meet it (None: the planner reads it, as the keywords);
    `describe(criteria, first)` is its part of an alert's name (None: none); `strategies` are hypothesis
    strategies of valid-looking values for each parameter, as `lambda st: ...` (hypothesis is imported by tests
    only); `alerts` says how job alerts store it: "facets" (the generic column), the name of their typed
    columns, or "" when an alert ignores it (it shapes a results page, not which new jobs are wanted)."""

    name: str
    fields: Mapping[str, Callable[[], django_filters.Filter]]
    narrow: Callable[[QuerySet, SearchCriteria], QuerySet] | None = None
    describe: Callable[[SearchCriteria, bool], str | None] = lambda criteria, first: None
    strategies: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    alerts: str = ""
    canonical: Callable[[SearchCriteria], dict] | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(self.fields)

    def is_given(self, criteria: SearchCriteria) -> bool:
        return any(name in criteria.values for name in self.parameters)

    def params(self, criteria: SearchCriteria) -> dict:
        if self.canonical is not None:
            return self.canonical(criteria)
        return {name: str(criteria.values[name]) for name in self.parameters if name in criteria.values}


@dataclass(frozen=True, kw_only=True)
class ChoiceCriterion(Criterion):
    """A repeatable choice over a posting column ("setting=hospital&setting=nuclear": either), kept as facet
    tokens ("s:hospital") in Posting.facets: one key of the search index, and one generic column of an alert.

    `column`: the Posting field (a choice or an array of choices); `facet`: its token prefix; `counted`: shown
    with counts beside the results (read with the candidates, see the planner); `lower`: lower case in an
    alert's name (True, or None for "unless it comes first"); `plural`: "3 settings"; `fact`: its heading
    among a posting page's facts, where the page does not show it its own way; `posting_label`: its label in
    the employer's posting form, where that form does not place it its own way (default: `label`)."""

    label: str
    choices: type
    column: str
    facet: str
    plural: str
    counted: bool = False
    lower: bool | None = None
    fact: str = ""
    posting_label: str = ""
    fields: Mapping = field(default_factory=dict)
    alerts: str = "facets"

    def __post_init__(self):
        def form_field() -> django_filters.Filter:
            return django_filters.MultipleChoiceFilter(
                label=self.label, choices=self.choices.choices, widget=Checkboxes, error_messages=INVALID_CHOICE
            )

        object.__setattr__(self, "fields", {self.name: form_field})
        object.__setattr__(self, "narrow", self.narrow_by_facets)
        object.__setattr__(self, "describe", self.describe_choices)
        if not self.strategies:
            values = self.choices.values
            object.__setattr__(self, "strategies", {
                self.name: lambda st: st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)
            })  # fmt: skip

    @property
    def many(self) -> bool:
        """Whether a posting has several values (an array column) or one."""
        return isinstance(Posting._meta.get_field(self.column), ArrayField)

    def tokens(self, values) -> list[str]:
        return [facets.token(self.facet, value) for value in values]

    def narrow_by_facets(self, queryset: QuerySet, criteria: SearchCriteria) -> QuerySet:
        return queryset.filter(facets__overlap=self.tokens(criteria.values[self.name]))

    def describe_choices(self, criteria: SearchCriteria, first: bool) -> str:
        values = criteria.values[self.name]
        labels = [str(self.choices(value).label).split(" (")[0] for value in values]
        if self.lower or (self.lower is None and not first):
            labels = [label.lower() for label in labels]
        return " or ".join(labels) if len(labels) <= 2 else f"{len(labels)} {self.plural}"

    def params(self, criteria: SearchCriteria) -> dict:
        values = criteria.values.get(self.name)
        return {self.name: sorted(values)} if values else {}

    def token_sql(self) -> str:
        """This criterion's tokens in postings_facets(), from its argument of the same name."""
        if self.many:
            return f"ARRAY(SELECT '{self.facet}:' || value FROM unnest({self.column}) AS value)"
        return f"ARRAY['{self.facet}:' || {self.column}]"

    def labels(self, posting: Posting) -> list[str]:
        """The posting's values, as labels (the posting page's facts)."""
        value = getattr(posting, self.column)
        return [str(self.choices(item).label) for item in (value if self.many else [value]) if item]


# -- Criteria other than choices -----------------------------------------------------------------------------


def _describe_near(criteria: SearchCriteria, first: bool) -> str | None:
    if criteria.place is None:
        return None
    near = f"near {criteria.place.label}"
    radius, unit = number(criteria.get("radius") or DEFAULT_RADIUS), criteria.distance_unit
    if radius != str(DEFAULT_RADIUS) or unit != "mi":
        near += f" (within {radius} {unit})"
    return near


def _near_params(criteria: SearchCriteria) -> dict:
    if criteria.place is None:
        return {}
    return {"near": criteria.get("near"), "radius": number(criteria.get("radius") or DEFAULT_RADIUS),
            "unit": criteria.distance_unit}  # fmt: skip


def _describe_place(criteria: SearchCriteria, first: bool) -> str | None:
    where = []
    if criteria.get("city"):
        where.append(criteria.get("city"))
    if criteria.get("region"):
        where.append(region_name(criteria.get("region")))
    elif criteria.get("country"):
        where.append(COUNTRY_NAMES.get(criteria.get("country"), criteria.get("country")))
    return "in " + ", ".join(where) if where else None


def _narrow_place(queryset: QuerySet, criteria: SearchCriteria) -> QuerySet:
    place = {name: criteria.get(name) or "" for name in ("country", "region", "city")}
    return queryset.filter(facets.in_place(**place, remote=criteria.includes_remote))


def _describe_remote(criteria: SearchCriteria, first: bool) -> str | None:
    if criteria.place is None and not any(criteria.get(name) for name in ("country", "region", "city")):
        return None  # without a place every remote role is in already
    return "with remote roles"


def _describe_pay(criteria: SearchCriteria, first: bool) -> str:
    amount = Decimal(number(criteria.get("pay_min")))
    return f"{money(amount)}+/yr" if criteria.yearly_floor else f"{money(amount)}+/h"


def _pay_params(criteria: SearchCriteria) -> dict:
    if "pay_min" not in criteria.values:
        return {}
    params = {"pay_min": number(criteria.get("pay_min"))}
    if criteria.get("pay_period") == "year":
        params["pay_period"] = "year"
    return params


def _narrow_qualified(queryset: QuerySet, criteria: SearchCriteria) -> QuerySet:
    held = criteria.held_credentials
    return queryset.none() if held is None else queryset.qualified_for(held)


_KEYWORD_SAMPLES = [
    '"iv room"', "sterile -retail", "billing or nuclear", "the", "technician", "night", "Pyxis", "C++",
    "prior authorization", "newcomers -trainee", "zzzunmatched", "room", '"pharmacy technician" austin',
    "mail-order", "pharm tech", "rx tech", "IV", "-ltc", "prior auth or tpn", "REQ-1001", "*", '""',
]  # fmt: skip


def _any_text(st, size: int):
    return st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=size)


KEYWORDS = Criterion(
    name="q",
    fields={"q": lambda: django_filters.CharFilter(label="Keywords", max_length=200)},
    describe=lambda criteria, first: f"“{criteria.keywords}”" if criteria.keywords else None,
    strategies={"q": lambda st: st.sampled_from(_KEYWORD_SAMPLES) | _any_text(st, 30)},
    alerts="keywords",
    canonical=lambda criteria: {"q": criteria.keywords} if criteria.keywords else {},
)
SETTING = ChoiceCriterion(
    name="setting",
    label="Practice setting",
    choices=Setting,
    column="setting",
    facet="s",
    plural="settings",
    counted=True,
    lower=False,
)
EMPLOYMENT_TYPE = ChoiceCriterion(
    name="employment_type",
    label="Employment type",
    choices=EmploymentType,
    column="employment_types",
    facet="e",
    plural="employment types",
    counted=True,
)
SHIFT = ChoiceCriterion(
    name="shift", label="Shift", choices=Shift, column="shifts", facet="sh", plural="shifts", counted=True,
    lower=True,
)  # fmt: skip
EXPERIENCE = ChoiceCriterion(
    name="experience",
    label="Experience",
    choices=Experience,
    column="experience",
    facet="x",
    plural="experience levels",
    counted=True,
)
ARRANGEMENT = ChoiceCriterion(
    name="arrangement",
    label="Work arrangement",
    choices=Arrangement,
    column="arrangement",
    facet=facets.ARRANGEMENT,
    plural="arrangements",
    counted=True,
)
LANGUAGE = ChoiceCriterion(
    name="language",
    label="Languages spoken",
    posting_label="Languages asked for or welcome",
    choices=Language,
    column="languages",
    facet="l",
    plural="languages",
    counted=True,
    lower=False,
    fact="Languages",
)
NEAR = Criterion(
    name="near",
    fields={
        "near": lambda: django_filters.CharFilter(
            label="Near",
            max_length=100,
            help_text="A US ZIP code, a Canadian postal code or a city, e.g. “Austin, TX”",
        ),
        "radius": lambda: django_filters.NumberFilter(
            label="Within", validators=[MinValueValidator(1), MaxValueValidator(500)]
        ),
        "unit": _choice("Unit", UNIT_CHOICES, empty_label=None),
    },
    narrow=lambda queryset, criteria: queryset.near(**criteria.circle) if criteria.circle else queryset,
    describe=_describe_near,
    strategies={
        "near": lambda st: st.sampled_from(
            ["78701", "Austin, TX", "Toronto", "Detroit, MI", "Seattle, WA", "M5V 2T6", "Springfield"]
        ),
        "radius": lambda st: st.integers(min_value=1, max_value=500),
        "unit": lambda st: st.sampled_from(["mi", "km"]),
    },
    alerts="latitude, longitude, radius_km and the box",
    canonical=_near_params,
)
PLACE = Criterion(
    name="place",
    fields={
        "city": lambda: django_filters.CharFilter(label="City", max_length=100),
        "region": _choice("State or province", _REGION_CHOICES, empty_label="Anywhere"),
        "country": _choice("Country", COUNTRY_CHOICES, empty_label="Any country"),
    },
    narrow=_narrow_place,
    describe=_describe_place,
    strategies={
        "city": lambda st: st.sampled_from(["Austin", "austin", "AUSTIN", "Montréal", "MONTRÉAL", "Windsor"]),
        "region": lambda st: st.sampled_from(["US-TX", "US-MI", "CA-ON", "US-WA", "CA-QC", "US-IL"]),
        "country": lambda st: st.sampled_from(["US", "CA", "GB"]),
    },
    alerts="country, region, city",
)
PAY = Criterion(
    name="pay_min",
    fields={
        "pay_min": lambda: django_filters.NumberFilter(
            label="Minimum pay",
            validators=[MinValueValidator(0), MaxValueValidator(10_000_000)],
            help_text="Yearly salaries are compared as hourly over 2,080 hours.",
        ),
        # Per hour by default; a floor above HOURLY_CEILING is yearly whatever it says (nobody earns $45,000/h).
        "pay_period": _choice("Per", PAY_PERIOD_CHOICES, empty_label="hour"),
    },
    narrow=lambda queryset, criteria: (
        queryset.filter(facets.paying_at_least(criteria.hourly_floor)) if "pay_min" in criteria.values else queryset
    ),
    describe=lambda criteria, first: _describe_pay(criteria, first) if "pay_min" in criteria.values else None,
    strategies={
        "pay_min": lambda st: st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False).map(str),
        "pay_period": lambda st: st.just("year"),
    },
    alerts="pay_floor_hourly",
    canonical=_pay_params,
)
POSTED_WITHIN = Criterion(
    name="posted_within",
    fields={"posted_within": _choice("Posted", POSTED_WITHIN_CHOICES, empty_label="Any time")},
    narrow=lambda queryset, criteria: queryset.posted_within(int(criteria.get("posted_within"))),
)
REMOTE = Criterion(
    name="remote",
    fields={
        "remote": lambda: django_filters.BooleanFilter(
            label="Include remote roles",
            widget=forms.CheckboxInput,
            help_text="With a place or a distance: remote roles hiring in its country too.",
        )
    },
    # PLACE and NEAR read it (`SearchCriteria.includes_remote`): it widens them, it narrows nothing.
    describe=_describe_remote,
    strategies={"remote": lambda st: st.just("1")},
    alerts="remote",
    canonical=lambda criteria: {"remote": "1"} if criteria.get("remote") else {},
)
TRAINING = Criterion(
    name="training",
    fields={
        "training": lambda: django_filters.BooleanFilter(
            label="Training provided or no certification required", widget=forms.CheckboxInput
        )
    },
    narrow=lambda queryset, criteria: queryset.open_to_newcomers(),
    describe=lambda criteria, first: "training provided",
    strategies={"training": lambda st: st.just("1")},
    alerts="training",
    canonical=lambda criteria: {"training": "1"} if criteria.get("training") else {},
)
QUALIFIED = Criterion(
    name="qualified",
    fields={
        "qualified": lambda: django_filters.BooleanFilter(label="Only jobs I qualify for", widget=forms.CheckboxInput)
    },
    narrow=_narrow_qualified,
    describe=lambda criteria, first: "jobs I qualify for",
    alerts="qualified (with the alert owner's credentials)",
    canonical=lambda criteria: {"qualified": "1"} if criteria.get("qualified") else {},
)

# In the order a search applies them and an alert's name lists them.
CRITERIA: tuple[Criterion, ...] = (
    KEYWORDS, SETTING, EMPLOYMENT_TYPE, SHIFT, EXPERIENCE, ARRANGEMENT, LANGUAGE, NEAR, PLACE, REMOTE, PAY,
    POSTED_WITHIN, TRAINING, QUALIFIED,
)  # fmt: skip
CHOICE_CRITERIA: tuple[ChoiceCriterion, ...] = tuple(c for c in CRITERIA if isinstance(c, ChoiceCriterion))
BY_PARAMETER: Mapping[str, Criterion] = MappingProxyType({p: c for c in CRITERIA for p in c.parameters})


def narrow(queryset: QuerySet, criteria: SearchCriteria) -> QuerySet:
    """Every posting of `queryset` that meets the criteria, keywords aside (the planner matches those)."""
    for criterion in CRITERIA:
        if criterion.narrow is not None and criterion.is_given(criteria):
            queryset = criterion.narrow(queryset, criteria)
    return queryset


# -- The credentials a searcher holds -----------------------------------------------------------------------

_held_credentials: Callable[[Any], QuerySet | None] = lambda user: None  # noqa: E731 - replaced at start-up


def register_held_credentials(provider: Callable[[Any], QuerySet | None]) -> None:
    """How `qualified` learns what a signed-in user holds: the applicants app registers a function of the user
    that returns their credentials valid today (or None), in its AppConfig.ready(). Search sits below
    applicants, so it asks rather than imports."""
    global _held_credentials
    _held_credentials = provider


def held_credentials(user) -> QuerySet | None:
    if user is None or not user.is_authenticated:
        return None
    return _held_credentials(user)


# -- The facets' SQL ----------------------------------------------------------------------------------------


SQL_TYPES = {"CharField": "text", "ArrayField": "text[]", "DecimalField": "numeric", "DateTimeField": "timestamptz",
             "FloatField": "float8"}  # fmt: skip


def facet_arguments() -> dict[str, str]:
    """postings_facets()'s arguments with their types in PostgreSQL: the Posting columns of
    `models.FACET_COLUMNS`, in their order (the generated column passes them so). A test holds that list to
    the columns the registry and facets.py read."""
    fields = (Posting._meta.get_field(name) for name in FACET_COLUMNS)
    return {field.column: SQL_TYPES[type(field).__name__] for field in fields}


def facet_columns_read() -> set[str]:
    """The columns the tokens are made of: what `models.FACET_COLUMNS` must list."""
    return set(facets.COLUMNS) | {criterion.column for criterion in CHOICE_CRITERIA}


def facets_function_sql() -> str:
    """CREATE FUNCTION postings_facets(...): every token of a posting, as the registry and facets.py say. A
    migration keeps a copy of what this returned when it ran; a test compares the database's with it."""
    arguments = ", ".join(f"{name} {kind}" for name, kind in facet_arguments().items())
    scalars = ",\n        ".join(facets.SCALAR_TOKENS_SQL)
    lists = [criterion.token_sql() for criterion in CHOICE_CRITERIA] + list(facets.LIST_TOKENS_SQL)
    joined = "\n    || ".join(lists)
    return (
        f"CREATE FUNCTION postings_facets({arguments}) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
        f"    SELECT array_remove(ARRAY[\n        {scalars}\n    ], NULL)\n    || {joined}\n$$;\n"
    )


def facets_function_body() -> str:
    """The body of postings_facets() alone, as pg_get_functiondef shows it between its dollar quotes."""
    return facets_function_sql().split("$$", 2)[1]
