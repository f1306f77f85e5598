from django.shortcuts import get_object_or_404, redirect, render
from django_filters.views import FilterView

from .filters import PostingFilter
from .models import Posting, Setting
from .templatetags.postings_tags import region_name

# "Pharmacy technician jobs in ...": how a heading names a country filter.
COUNTRY_PHRASES = {"US": "the United States", "CA": "Canada", "GB": "the United Kingdom"}
NEWEST_ON_HOME = 10
SIMILAR_COUNT = 5

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


def home(request):
    counts = Posting.objects.open().counts_by_setting()
    settings_browse = [
        {
            "slug": setting.value,
            "label": setting.label,
            "summary": SETTING_SUMMARIES[setting],
            "count": counts.get(setting, 0),
        }
        for setting in Setting
    ]
    context = {
        "search_form": PostingFilter(queryset=Posting.objects.none()).form,
        "settings_browse": settings_browse,
        "open_count": sum(counts.values()),
        "newest": Posting.objects.open().for_cards().newest()[:NEWEST_ON_HOME],
    }
    return render(request, "postings/home.html", context)


class PostingListView(FilterView):
    filterset_class = PostingFilter
    template_name = "postings/posting_list.html"
    paginate_by = 20
    # An invalid filter is shown as a form error while the valid ones still narrow the results.
    strict = False

    def get_queryset(self):
        return Posting.objects.open().for_cards().newest()

    def paginate_queryset(self, queryset, page_size):
        # get_page() answers a malformed or out-of-range ?page= with the first or last page instead of a 404.
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        data = getattr(self.filterset.form, "cleaned_data", {})
        where = region_name(data["region"]) if data.get("region") else COUNTRY_PHRASES.get(data.get("country"))
        heading = f"Pharmacy technician jobs in {where}" if where else "Pharmacy technician jobs"
        return super().get_context_data(where=where, heading=heading, **kwargs)


def posting_detail(request, pk, slug=None):
    posting = get_object_or_404(Posting.objects.public().for_detail(), pk=pk)
    if slug != posting.slug:
        return redirect(posting, permanent=True)
    similar = Posting.objects.open().similar_to(posting).for_cards()[:SIMILAR_COUNT]
    context = {"posting": posting, "similar": similar}
    if not posting.is_open:
        return render(request, "postings/posting_gone.html", context, status=410)
    return render(request, "postings/posting_detail.html", context)
