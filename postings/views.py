from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from jobboard.caching import cache_anonymous
from jobboard.ratelimits import TOO_MANY_MESSAGE, client_address, rate_limit_allows

from .filters import PostingFilter
from .forms import ReportForm
from .geo import region_name
from .managers import REMOTE_PLACE
from .models import Place, Posting, PostingRevision, Setting
from .search import posting_search
from .search.criteria import CHOICE_CRITERIA
from .services.counters import posting_record_view
from .services.moderation import posting_preview_read
from .services.reports import report_create, report_fingerprint

# "Pharmacy technician jobs in ...": how a heading names a country filter.
COUNTRY_PHRASES = {"US": "the United States", "CA": "Canada", "GB": "the United Kingdom"}
NEWEST_ON_HOME = 10
BROWSE_COUNTS_SECONDS = 60
SORT_PHRASES = {
    "relevance": "best matches first",
    "newest": "newest first",
    "pay": "highest pay first",
    "distance": "nearest first",
}
SIMILAR_COUNT = 5
# Sent by the search form while it shows errors (posting_list.html), so that the next htmx response redraws it.
FORM_ERRORS_HEADER = "X-Search-Form-Errors"

# One line under each setting on the home page, so a newcomer knows where their kind of job lives.
SETTING_SUMMARIES = {
    Setting.COMMUNITY_RETAIL: "Chains, independents, grocery pharmacies",
    Setting.HOSPITAL: "Inpatient, IV room, satellites",
    Setting.AMBULATORY_CLINIC: "Outpatient and clinic pharmacies",
    Setting.LONG_TERM_CARE: "Closed-door pharmacies for care homes",
    Setting.MAIL_ORDER: "Mail service and central fill",
    Setting.SPECIALTY: "Oncology, HIV and other specialty drugs",
    Setting.COMPOUNDING: "Sterile and non-sterile compounding",
    Setting.HOME_INFUSION: "Infusion therapy at home",
    Setting.NUCLEAR: "Radiopharmacy",
    Setting.PBM_INSURANCE: "Benefit managers, prior auth, call centres",
    Setting.GOVERNMENT_MILITARY: "VA, military, federal, corrections",
    Setting.INDUSTRY_OTHER: "Wholesale, manufacturing, informatics",
}


def browse_counts() -> dict:
    """Open postings per setting, per region (on-site and hybrid roles: what a region's link finds) and remote,
    for the home page: a scan of every open posting, so it is cached for a minute; a count a minute old is
    honest enough for "browse by". The results page reads the same counts for the searches the home page
    links to, so that the two say the same number."""

    def count():
        by_setting = Posting.objects.open().counts_by_setting()
        by_region = Posting.objects.open().counts_by_place()
        return {
            "setting": by_setting,
            "remote": by_region.pop(REMOTE_PLACE, 0),
            "region": by_region,
            "total": sum(by_setting.values()),
        }

    return cache.get_or_set("postings:browse-counts:v2", count, BROWSE_COUNTS_SECONDS)


def browse_total(criteria) -> int | None:
    """The home page's count for a search it links to (every job, a setting, a region, remote roles); None
    for any other search. Used where the results are more than the search counts itself (RESULT_BOUND)."""
    given = dict(criteria.values)
    # Fields the form always sends, which narrow nothing on their own.
    for name, needs in (("radius", "near"), ("unit", "near"), ("pay_period", "pay_min")):
        if needs not in given:
            given.pop(name, None)
    counts = browse_counts()
    if not given:
        return counts["total"]
    if len(given) > 1:
        return None
    if setting := given.get("setting"):
        return counts["setting"].get(setting[0], 0) if len(setting) == 1 else None
    if region := given.get("region"):
        return counts["region"].get(region, 0)
    if given.get("arrangement") == ("remote",):
        return counts["remote"]
    return None


@cache_anonymous
def home(request):
    counts = browse_counts()
    settings_browse = [
        {
            "slug": setting.value,
            "label": setting.label,
            "summary": SETTING_SUMMARIES[setting],
            "count": counts["setting"].get(setting, 0),
        }
        for setting in Setting
    ]
    regions_browse = sorted(
        ({"code": code, "name": region_name(code), "count": n} for code, n in counts["region"].items()),
        key=lambda region: (region["code"][:2] != "US", region["name"]),
    )
    context = {
        "search_form": PostingFilter().form,
        "settings_browse": settings_browse,
        "regions_browse": regions_browse,
        "open_count": counts["total"],
        "remote_count": counts["remote"],
        "newest": Posting.objects.open().for_cards().newest()[:NEWEST_ON_HOME],
    }
    return render(request, "postings/home.html", context)


@method_decorator(cache_anonymous, name="dispatch")
class PostingListView(TemplateView):
    """The search: the form validates the parameters (an invalid one is shown as a form error while the valid
    ones still narrow the results), `posting_search` finds the page's ids, and the page reads only its rows."""

    template_name = "postings/posting_list.html"
    paginate_by = 20

    def get_template_names(self):
        # htmx replaces the results and the form's counts in place; a history restore needs the whole page.
        if self.request.htmx and not self.request.htmx.history_restore_request:
            return [f"{self.template_name}#results-swap"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        if context["past_end"]:
            kwargs.setdefault("status", 404)
        response = super().render_to_response(context, **kwargs)
        # A history restore is an htmx request that gets the whole page, and a form shown with errors asks for
        # itself again: caches must tell every one apart.
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request", FORM_ERRORS_HEADER])
        return response

    def get_context_data(self, **kwargs):
        # Always bound, even without parameters, so the default sort and the counts follow one path.
        filterset = PostingFilter(self.request.GET, request=self.request)
        if not self.request.user.is_authenticated:
            # As the field's help, so a screen reader reads it with the box: why it finds nothing for a visitor.
            filterset.form.fields["qualified"].help_text = "Sign in and add your credentials to use this."
        # Suggestions of places (with their state or province) as the seeker types, into the form's datalist.
        filterset.form.fields["near"].widget.attrs.update({
            "list": "near-places", "autocomplete": "off", "data-hx-get": reverse("postings:place-suggestions"),
            "data-hx-trigger": "input changed delay:250ms", "data-hx-target": "#near-places",
            "data-hx-swap": "innerHTML", "data-hx-push-url": "false", "data-hx-sync": "this:replace",
        })  # fmt: skip
        criteria = filterset.criteria
        result = posting_search(
            criteria, order=filterset.order, page=self.request.GET.get("page"), per_page=self.paginate_by
        )
        # Past the last page: no rows, and a link to the last page (the response is a 404).
        postings = [] if result.past_end else result.postings(Posting.objects.open().for_cards())
        page = Page(postings, result.page.number, result.page.paginator)
        total = browse_total(criteria) if result.exceeds_bound else None
        where = (
            region_name(criteria.get("region"))
            if criteria.get("region")
            else COUNTRY_PHRASES.get(criteria.get("country"))
        )
        if criteria.place is not None:
            where = criteria.place.label
        heading = f"Pharmacy technician jobs in {where}" if where else "Pharmacy technician jobs"
        return super().get_context_data(
            filter=filterset,
            paginator=page.paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            object_list=postings,
            where=where,
            heading=heading,
            sort=result.order,
            unit=criteria.distance_unit,
            # The number of results: exact, or "N+" when the search counted only that far.
            total=result.total if total is None else total,
            total_is_lower_bound=result.exceeds_bound and total is None,
            past_end=result.past_end,
            place_choices=filterset.form.place_choices,
            # "Only jobs I qualify for" needs the visitor's credentials: ask them to sign in rather than say 0.
            sign_in_to_qualify=bool(criteria.get("qualified")) and not self.request.user.is_authenticated,
            facets=result.facets,
            # Each choice criterion's checkboxes, with their counts where it has them.
            choice_fields=[(filterset.form[c.name], result.facets.get(c.name)) for c in CHOICE_CRITERIA],
            sort_labels=SORT_PHRASES,
            suggestion=result.did_you_mean,
            # An htmx response draws the form again only to show its errors, or to clear those on the page.
            redraw_filters=bool(filterset.form.errors) or FORM_ERRORS_HEADER in self.request.headers,
            **kwargs,
        )


def place_suggestions(request):
    """The "near" field's suggestions as the seeker types (htmx): cities with their state or province."""
    places = Place.objects.suggestions(request.GET.get("near", "")[:100])
    return render(request, "postings/_place_suggestions.html", {"places": places})


def posting_detail(request, pk, slug=None):
    response = _posting_page(request, pk, slug)
    # Counted outside the cache, so a page served from it is a view too; a redirect or a 410 is not.
    if response.status_code == 200:
        posting_record_view(posting_id=pk)
    return response


@cache_anonymous
def _posting_page(request, pk, slug=None):
    posting = get_object_or_404(Posting.objects.public().for_detail(), pk=pk)
    if slug != posting.slug:
        return redirect(posting, permanent=True)
    similar = Posting.objects.open().for_cards().similar_to(posting, limit=SIMILAR_COUNT)
    context = {"posting": posting, "similar": similar}
    if not posting.is_open:
        return render(request, "postings/posting_gone.html", context, status=410)
    return render(request, "postings/posting_detail.html", context)


def posting_moderator_preview(request, pk, token):
    """The posting as the public will see it, for staff, from the admin's signed link: a pending posting (404 on
    its public address) or a live one with its pending edit applied. Never cached, never indexed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        raise PermissionDenied("Only moderators can open a preview.")
    revision_id = posting_preview_read(pk=pk, token=token)
    posting = get_object_or_404(Posting.objects.for_detail(), pk=pk)
    revision = None
    if revision_id is not None:
        revision = get_object_or_404(PostingRevision.objects.filter(posting=posting), pk=revision_id)
        revision.apply_to(posting)
    if posting.published_at is None:  # shown as it will look on the day it goes live
        posting.published_at = timezone.now()
        posting.expires_at = posting.default_expiry(posting.published_at)
    context = {"posting": posting, "similar": [], "revision": revision}
    response = render(request, "postings/posting_moderator_preview.html", context)
    add_never_cache_headers(response)
    return response


# -- Report a job ---------------------------------------------------------------------------------


def posting_report(request, pk):
    posting = get_object_or_404(Posting.objects.public().select_related("employer"), pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fingerprint = report_fingerprint(ip=client_address(request))
        if not rate_limit_allows(request, action="posting_report"):
            form.add_error(None, TOO_MANY_MESSAGE)
            return render(request, "postings/report_form.html", {"posting": posting, "form": form}, status=429)
        report_create(
            posting=posting,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            fingerprint=fingerprint,
            by=request.user,
        )
        messages.success(request, "Thank you. A moderator will look at this job.")
        return redirect(posting)
    return render(request, "postings/report_form.html", {"posting": posting, "form": form})
