"""The board's own pages: contact, terms and privacy. Plain templates; the contact address is the one the board
writes from, so there is one address to configure (DEFAULT_FROM_EMAIL)."""

from email.utils import parseaddr

from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

app_name = "pages"


class PageView(TemplateView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(contact_email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1], **kwargs)


def _page(name: str, title: str, lead: str):
    view = PageView.as_view(template_name=f"pages/{name}.html", extra_context={"page_title": title, "page_lead": lead})
    return path(f"{name}/", view, name=name)


urlpatterns = [
    _page("contact", "Contact us", "A person reads every message, usually within one working day."),
    _page("terms", "Terms of use", "The short version: be honest, and treat the people on the other side fairly."),
    _page("privacy", "Privacy", "What we keep about you, why, and how to take it back."),
]
