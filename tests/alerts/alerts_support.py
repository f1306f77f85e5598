"""Helpers shared by the job alert tests: alerts made from search parameters through the real services."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.test import RequestFactory

from alerts.matching import AlertCriteria, alert_criteria
from alerts.models import Alert
from alerts.services.subscriptions import alert_subscribe
from postings.filters import PostingFilter
from postings.search import matching_postings

_addresses = itertools.count(1)


def query(params: dict | None) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in (params or {}).items():
        if isinstance(value, list | tuple):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = str(value)
    return data


def search_request(user=None):
    request = RequestFactory().get("/jobs/")
    request.user = user or AnonymousUser()
    return request


def search(params: dict | None, *, user=None) -> PostingFilter:
    """The search page's FilterSet for these parameters, as /jobs/ builds it."""
    return PostingFilter(query(params), request=search_request(user))


def matches(params: dict | None, *, user=None, queryset=None):
    """Every posting of `queryset` the search page finds for these parameters."""
    return matching_postings(search(params, user=user).criteria, queryset)


def criteria_for(params: dict | None, *, user=None) -> AlertCriteria:
    filterset = search(params, user=user)
    assert filterset.form.is_valid(), filterset.form.errors
    return alert_criteria(filterset.criteria)


def make_alert(
    params: dict | None = None, *, user=None, email: str = "", frequency: str = "instant", confirmed: bool = True
) -> Alert:
    """An alert through the real subscribe service: active at once (a verified address) or unconfirmed."""
    email = email or (user.email if user is not None else f"seeker{next(_addresses)}@example.com")
    subscription = alert_subscribe(
        criteria=criteria_for(params, user=user), email=email, frequency=frequency, user=user, verified=confirmed
    )
    assert subscription.alert is not None, subscription.outcome
    return subscription.alert
