from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from redis import Redis
from redis.exceptions import RedisError

from .db import REPLICA, replica_configured


def _database_ok(alias: str = DEFAULT_DB_ALIAS) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _redis_ok() -> bool:
    try:
        client = Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        return bool(client.ping())
    except (RedisError, OSError):
        return False


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    if replica_configured():  # anonymous search reads from it: this host cannot serve without it
        checks["replica"] = _database_ok(REPLICA)
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "down" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)


def admin_login(request):
    """/admin/login/: staff sign in through allauth's form like everyone, so its rate limits on failed
    passwords hold for the admin too; Django's own admin form has none."""
    if request.user.is_authenticated:
        # Signed in without staff rights: sending them to the sign-in form would bounce back here forever.
        return render(request, "admin_no_access.html", status=403)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
