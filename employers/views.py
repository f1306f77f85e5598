from django.views.generic import DetailView


class EmployerDetailView(DetailView):
    pass
