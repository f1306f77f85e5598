"""The employers' public pages: the directory of those hiring, and each one's page with its open jobs."""

from django.core.paginator import Paginator
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from jobboard.caching import cache_anonymous
from postings.models import Posting

from ..jsonld import organization
from ..models import Employer


@method_decorator(cache_anonymous, name="dispatch")
class EmployerDirectoryView(ListView):
    """/employers/: every employer with an open job, A to Z, with how many."""

    template_name = "employers/employer_directory.html"
    context_object_name = "employers"
    paginate_by = 50

    def get_queryset(self):
        return Employer.objects.hiring().order_by("name", "id")


@method_decorator(cache_anonymous, name="dispatch")
class EmployerDetailView(DetailView):
    model = Employer
    template_name = "employers/employer_detail.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        postings = Posting.objects.open().for_employer(self.object).for_cards().newest()
        page = Paginator(postings, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page, postings=page.object_list, organization=organization(self.object), **kwargs
        )
