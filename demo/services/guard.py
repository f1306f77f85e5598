"""Demo data is for development: outside it, the commands need an explicit flag and never use a known password."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.management import CommandError

ALLOW_FLAG = "--allow-production"
# Outside development, a password for the demo accounts may come from here; otherwise one is generated.
PASSWORD_ENV = "DEMO_PASSWORD"


def demo_allowed_here() -> bool:
    """Development settings allow demo data (DEMO_DATA_ALLOWED follows DEBUG); production never does."""
    return settings.DEMO_DATA_ALLOWED


def demo_require_allowed(*, forced: bool, command: str) -> None:
    if not demo_allowed_here() and not forced:
        raise CommandError(
            f"{command} creates demo accounts and is for development databases. These settings "
            f"({settings.SETTINGS_MODULE}) are not for development: refusing. To load demo data here "
            f"anyway, run it again with {ALLOW_FLAG}; the accounts then get the password in ${PASSWORD_ENV}, "
            "or a random one printed once."
        )


def demo_password(*, development_password: str) -> tuple[str, bool]:
    """The password for demo accounts, and whether it was generated here (and so must be shown once).

    In development, the well-known one (printed on every start). Elsewhere, never a fixed one: $DEMO_PASSWORD
    when set (at least 12 characters), else a random one.
    """
    if demo_allowed_here():
        return development_password, False
    chosen = os.environ.get(PASSWORD_ENV, "")
    if chosen:
        if len(chosen) < 12 or chosen == development_password:
            raise CommandError(f"${PASSWORD_ENV} must have at least 12 characters and not be a demo password.")
        return chosen, False
    return secrets.token_urlsafe(18), True
