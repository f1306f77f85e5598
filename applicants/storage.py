"""Where resumes live: the `resumes` storage of settings.STORAGES, which has no URL of its own.

On one machine that is a folder outside MEDIA_ROOT; on several hosts a private bucket (or prefix) of an S3
object store, so a resume uploaded through one web host can be sent, exported and purged from any other.
Every read, copy and delete goes through this storage's API, never a local path.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage

RESUMES = "resumes"  # the alias in settings.STORAGES


def private_media_root() -> Path:
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"


class NoURL:
    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


class PrivateFileSystemStorage(NoURL, FileSystemStorage):
    """Reads its location from the settings on every use, so a test's temporary MEDIA_ROOT applies to it too."""

    @property
    def base_location(self):  # type: ignore[override]
        return private_media_root()

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)


class PrivateS3Storage(NoURL, S3Storage):
    """A private bucket: objects written without a public ACL, and no presigned URLs handed out either."""


@deconstructible
class PrivateStorage:
    """The FileFields' storage: whichever backend settings.STORAGES names for resumes, looked up on every use
    (so the settings of the process, or of a test, decide), under a name migrations can refer to."""

    def __getattr__(self, name):
        return getattr(storages[RESUMES], name)

    def __eq__(self, other):
        return isinstance(other, PrivateStorage)

    def __hash__(self):
        return hash(PrivateStorage)


private_storage = PrivateStorage()
