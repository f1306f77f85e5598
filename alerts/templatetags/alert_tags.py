"""Template helpers for job alerts: the signed-in user's alerts for the /me/ panel, and search links."""

from urllib.parse import urlencode

from django import template

from alerts.models import Alert

register = template.Library()


@register.simple_tag(takes_context=True)
def user_alerts(context):
    """The signed-in user's alerts, so `alerts/_manage.html` can be included on any page with one line."""
    request = context.get("request")
    if request is None:
        return Alert.objects.none()
    return Alert.objects.for_user(request.user).for_list()


@register.filter
def urlencode_params(params: dict) -> str:
    """An alert's stored search parameters as a query string (repeated keys for lists)."""
    return urlencode(params or {}, doseq=True)
