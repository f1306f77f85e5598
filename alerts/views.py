"""Job alert pages: subscribe from a search, confirm, unsubscribe in one click, manage by link or at /alerts/.

Object access: a signed-in user reaches alerts through `Alert.objects.for_user`; anyone else only through a
signed link naming one alert (subscriptions.alert_from_token). A bad link answers 400, never 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from jobboard.ratelimits import TOO_MANY_MESSAGE, rate_limit_allows
from postings.filters import PostingFilter

from .forms import AlertForm, AlertManageForm
from .matching import alert_criteria, alert_name
from .models import Alert
from .services import subscriptions

INVALID_LINK = "alerts/link_invalid.html"


def _link_invalid(request, error: subscriptions.AlertLinkInvalid):
    expired = isinstance(error, subscriptions.AlertLinkExpired)
    return render(request, INVALID_LINK, {"message": str(error), "expired": expired}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def alert_create(request):
    """/alerts/new/?<search parameters>: the search comes in the query string, the form in the body."""
    search = PostingFilter(request.GET, request=request)
    criteria = alert_criteria(search.criteria) if search.form.is_valid() else None
    problem = ""
    if criteria is not None and criteria.columns["qualified"] and criteria.search.held_credentials is None:
        problem = "“Only jobs I qualify for” needs your credentials: sign in, or remove that filter from the search."
    user = request.user
    verified = (
        user.is_authenticated and bool(user.email) and subscriptions.email_is_verified(user=user, email=user.email)
    )
    initial = {"name": alert_name(criteria) if criteria else "", "email": user.email if user.is_authenticated else ""}
    form = AlertForm(request.POST or None, ask_email=not verified, initial=initial)
    status = 200
    if request.method == "POST" and criteria is not None and not problem and form.is_valid():
        if not rate_limit_allows(request, action="alert_subscribe"):
            form.add_error(None, TOO_MANY_MESSAGE)
            status = 429
        else:
            subscription = subscriptions.alert_subscribe(
                criteria=criteria,
                email=user.email if verified else form.cleaned_data["email"],
                frequency=form.cleaned_data["frequency"],
                name=form.cleaned_data["name"],
                user=user if user.is_authenticated else None,
                verified=verified,
            )
            if subscription.outcome == subscriptions.Outcome.ACTIVE:
                messages.success(request, f"Your alert “{subscription.alert.name}” is on.")
                return redirect("alerts:list")
            if subscription.outcome == subscriptions.Outcome.EXISTS:
                messages.info(request, "You already have an alert for this search.")
                return redirect("alerts:list")
            if subscription.outcome == subscriptions.Outcome.CONFIRM_SENT:
                email = form.cleaned_data.get("email") or user.email
                return render(request, "alerts/alert_sent.html", {"email": email})
            form.add_error(None, "We have sent several emails to this address in the last hour. Check your inbox, "
                                 "or try again later.")  # fmt: skip
            status = 429
    elif criteria is None or problem or (request.method == "POST" and not form.is_valid()):
        status = 400
    context = {
        "form": form,
        "search": search,
        "criteria": criteria,
        "problem": problem,
        "verified_email": user.email if verified else "",
        "search_url": f"{reverse('postings:list')}?{request.GET.urlencode()}",
        "query": request.GET.urlencode(),
    }
    return render(request, "alerts/alert_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def alert_confirm(request, token):
    """GET shows a button and POST confirms: a mail scanner following the link must not subscribe anyone."""
    try:
        alert = subscriptions.alert_from_token(token=token, purpose="confirm")
    except subscriptions.AlertLinkInvalid as error:
        return _link_invalid(request, error)
    confirmed = False
    if request.method == "POST" and alert.status == Alert.Status.UNCONFIRMED:
        alert = subscriptions.alert_confirm(alert=alert)
        confirmed = True
    context = {
        "alert": alert,
        "confirmed": confirmed,
        "manage_token": subscriptions.alert_token(alert=alert, purpose="manage"),
    }
    return render(request, "alerts/alert_confirm.html", context)


@csrf_exempt  # RFC 8058: mail clients POST the one-click unsubscribe with no cookie and no CSRF token.
@never_cache
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token):
    try:
        alert = subscriptions.alert_from_token(token=token, purpose="unsubscribe")
    except subscriptions.AlertGone:
        return render(request, "alerts/alert_unsubscribe.html", {"gone": True})
    except subscriptions.AlertLinkInvalid as error:
        return _link_invalid(request, error)
    if request.method == "POST":
        alert = subscriptions.alert_unsubscribe(alert=alert)
        return render(request, "alerts/alert_unsubscribe.html", {"alert": alert, "done": True})
    return render(request, "alerts/alert_unsubscribe.html", {"alert": alert})


def _alert_manage(request, alert: Alert, *, done_url: str):
    """Apply one posted action to an alert the caller may manage; the caller checked that."""
    form = AlertManageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That change could not be made.")
        return redirect(done_url)
    action = form.cleaned_data["action"]
    if action == "pause":
        subscriptions.alert_pause(alert=alert)
        messages.success(request, f"“{alert.name}” is paused.")
    elif action == "resume":
        subscriptions.alert_resume(alert=alert)
        messages.success(request, f"“{alert.name}” is on again.")
    elif action == "frequency":
        alert = subscriptions.alert_frequency_set(alert=alert, frequency=form.cleaned_data["frequency"])
        messages.success(request, f"“{alert.name}”: {alert.get_frequency_display().lower()}.")
    elif action == "rename":
        alert = subscriptions.alert_rename(alert=alert, name=form.cleaned_data["name"])
        messages.success(request, f"Renamed to “{alert.name}”.")
    elif action == "delete":
        subscriptions.alert_delete(alert=alert)
        messages.success(request, f"“{alert.name}” is deleted.")
    return redirect(done_url)


@never_cache
@require_http_methods(["GET", "POST"])
def alert_manage(request, token):
    """The manage link in every alert email: no sign-in needed, and it reaches this one alert only."""
    try:
        alert = subscriptions.alert_from_token(token=token, purpose="manage")
    except subscriptions.AlertLinkInvalid as error:
        return _link_invalid(request, error)
    if request.method == "POST":
        return _alert_manage(request, alert, done_url=request.path)
    return render(request, "alerts/alert_manage.html", {"alert": alert, "links": subscriptions.alert_links(alert)})


@login_required
def alert_list(request):
    return render(request, "alerts/alert_list.html", {"alerts": Alert.objects.for_user(request.user).for_list()})


@login_required
@require_POST
def alert_update(request, pk):
    alert = get_object_or_404(Alert.objects.for_user(request.user), pk=pk)
    # The panel on /me/ posts here too, and its buttons bring the user back there.
    done_url = reverse("applicants:me") if request.POST.get("next") == "me" else reverse("alerts:list")
    return _alert_manage(request, alert, done_url=done_url)
