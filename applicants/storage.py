"""Where resumes live: a file system storage outside MEDIA_ROOT, with no URL of its own."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_media_root() -> Path:
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Reads its location from the settings on every use, so a test's temporary MEDIA_ROOT applies to it too.

    `url()` refuses: a resume is only ever handed out by a view that checked who asks for it.
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self):  # type: ignore[override]
        return private_media_root()

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


private_storage = PrivateStorage()
