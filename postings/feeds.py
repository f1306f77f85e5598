"""RSS 2.0 of any search: /jobs/feed/ takes the parameters of /jobs/ and lists its first 50 results."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape, format_html

from jobboard.caching import cache_anonymous

from .filters import PostingFilter
from .geo import region_name
from .jsonld import absolute_url
from .models import Posting
from .search import posting_search
from .search.criteria import COUNTRY_CHOICES, DEFAULT_RADIUS, SETTING
from .templatetags.postings_tags import pay_range
from .templatetags.seo_tags import CONTROL_CHARACTERS, excerpt

FEED_ITEMS = 50


def xml_text(text: str) -> str:
    # Employers type what they like; one control character would make the whole feed unserialisable.
    return CONTROL_CHARACTERS.sub("", str(text))


def search_querystring(filterset: PostingFilter) -> str:
    """The search as it was applied, percent-encoded: rejected values and the page number are left out."""
    params = filterset.data.copy()
    params.pop("page", None)
    for name in filterset.form.errors:
        field = filterset.form.fields.get(name)
        values = params.getlist(name)
        params.pop(name, None)
        if isinstance(field, forms.MultipleChoiceField):
            # The search keeps the valid options of a multiple choice (setting=hospital&setting=typo).
            params.setlist(name, [value for value in values if field.valid_value(value)])
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


def search_title(filterset: PostingFilter) -> str:
    """ "Pharmacy technician jobs in Texas matching “iv room” (Hospital)", from the filters that validated."""
    criteria = filterset.criteria
    title = "Pharmacy technician jobs"
    if criteria.place is not None:
        title += (
            f" within {criteria.get('radius') or DEFAULT_RADIUS:g} {criteria.distance_unit} of {criteria.place.label}"
        )
    else:
        country = dict(COUNTRY_CHOICES).get(criteria.get("country")) if not criteria.get("region") else ""
        where = [criteria.get("city"), region_name(criteria.get("region") or ""), country]
        if where := ", ".join(part for part in where if part):
            title += f" in {where}"
    if criteria.keywords:
        title += f" matching “{criteria.keywords}”"
    # Like the search itself, "?setting=hospital&setting=typo" still means hospital.
    if settings_asked := criteria.get(SETTING.name):
        title += f" ({', '.join(str(SETTING.choices(value).label) for value in settings_asked)})"
    return xml_text(title)


@method_decorator(cache_anonymous, name="__call__")
class PostingFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs) -> PostingFilter:
        # The list view's search, as it is: invalid values are dropped, the valid filters still apply.
        filterset = PostingFilter(request.GET, request=request)
        filterset.is_valid()  # cleans the form, so the title and links can read cleaned_data
        return filterset

    def items(self, filterset: PostingFilter):
        result = posting_search(filterset.criteria, order=filterset.order, page=1, per_page=FEED_ITEMS)
        return result.postings(Posting.objects.open().for_feed())

    def title(self, filterset: PostingFilter) -> str:
        return f"{search_title(filterset)} | {settings.SITE_NAME}"

    def link(self, filterset: PostingFilter) -> str:
        return absolute_url(reverse("postings:list")) + search_querystring(filterset)

    def feed_url(self, filterset: PostingFilter) -> str:
        return absolute_url(reverse("postings:feed")) + search_querystring(filterset)

    def description(self, filterset: PostingFilter) -> str:
        return (
            f"Up to {FEED_ITEMS} open pharmacy technician jobs of this search on {settings.SITE_NAME}, "
            "each with its pay range."
        )

    def item_title(self, posting: Posting) -> str:
        region = posting.region.split("-", 1)[-1]
        where = f"Remote, {region}" if posting.is_remote else ", ".join(filter(None, [posting.city, region]))
        # Escaped like Django's default item_title: many readers show an RSS title as HTML.
        return escape(xml_text(f"{posting.title} — {posting.employer.name} ({where})"))

    def item_link(self, posting: Posting) -> str:
        return absolute_url(posting.get_absolute_url())

    def item_guid(self, posting: Posting) -> str:
        return self.item_link(posting)

    item_guid_is_permalink = True

    def item_description(self, posting: Posting) -> str:
        facts = " · ".join(
            [pay_range(posting), posting.get_setting_display(), ", ".join(posting.get_employment_types_display())]
        )
        # for_feed() loads only the start of the description; that is all an excerpt needs.
        start = posting.description_start if hasattr(posting, "description_start") else posting.description
        return xml_text(format_html("<p>{}</p><p>{}</p>", facts, excerpt(start)))

    def item_pubdate(self, posting: Posting):
        return posting.published_at

    def item_categories(self, posting: Posting) -> list[str]:
        return [posting.get_setting_display()]
