from django.http import HttpResponse
from django.views.generic import ListView


def home(request):
    return HttpResponse("home")


class PostingListView(ListView):
    pass


def posting_detail(request, pk, slug=None):
    return HttpResponse("detail")
