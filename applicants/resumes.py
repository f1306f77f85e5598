"""Resume files: what we accept (PDF or Word .docx, told apart by content, never by name), how we name, store,
copy and delete them, and how we hand one out. The services decide which profile or application points at
which file; this module only knows files."""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404

from .storage import private_storage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumeKind:
    extension: str
    content_type: str
    label: str


PDF = ResumeKind("pdf", "application/pdf", "PDF")
DOCX = ResumeKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")
KINDS = {kind.extension: kind for kind in (PDF, DOCX)}

NAME_MAX_LENGTH = 100
ACCEPT = ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def resume_kind(upload) -> ResumeKind | None:
    """PDF if the file starts with the PDF signature; DOCX if it is a ZIP holding word/document.xml; else None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return DOCX
    return None


def _has_path(name: str) -> bool:
    for candidate in {name, unquote(name)}:
        if "\x00" in candidate:
            return True
        for flavour in (PurePosixPath, PureWindowsPath):
            parts = flavour(candidate).parts
            if len(parts) != 1 or ".." in parts or parts[0] in {".", ".."}:
                return True
    return False


def resume_validate(upload) -> ResumeKind:
    """Every check a resume must pass before anything is written; each failure says what to do."""
    name = upload.name or ""
    if not name or _has_path(name):
        raise ValidationError(
            "The file name must be a plain name, without folders or “..”. Rename the file and try again.",
            code="resume_name",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The file is empty. Choose the resume file itself.", code="resume_empty")
    limit = settings.RESUME_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"The file is {size / 1024 / 1024:.1f} MB; resumes can be at most {limit // (1024 * 1024)} MB.",
            code="resume_too_large",
        )
    kind = resume_kind(upload)
    if kind is None:
        raise ValidationError(
            "This file is not a PDF or a Word (.docx) document. Save your resume as PDF or .docx and try again.",
            code="resume_type",
        )
    return kind


def resume_display_name(original: str, kind: ResumeKind) -> str:
    """A name safe to show and to offer in a download: no folders, no control characters, the real extension."""
    name = PureWindowsPath(PurePosixPath(original or "").name).name
    name = unicodedata.normalize("NFKC", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = "".join(char for char in stem if char.isprintable() and char not in '\\/:*?"<>|;')
    stem = re.sub(r"\s+", " ", stem).strip(" .") or "resume"
    return f"{stem[: NAME_MAX_LENGTH - len(kind.extension) - 1]}.{kind.extension}"


def resume_storage_name(*, folder: str, kind: ResumeKind) -> str:
    """Stored under a random name: the applicant's file name never reaches the file system."""
    return f"{folder}/{uuid.uuid4().hex}.{kind.extension}"


def resume_kind_of(name: str) -> ResumeKind:
    """The kind of a stored file, from the extension we gave it ourselves."""
    return KINDS.get(name.rsplit(".", 1)[-1].lower(), PDF)


def resume_store(*, upload, folder: str) -> tuple[str, str]:
    """Store an upload under a random name; returns (storage name, name to show). Validates again: cheap, and
    no caller can then store a file the form would have refused."""
    kind = resume_validate(upload)
    name = private_storage.save(resume_storage_name(folder=folder, kind=kind), upload)
    return name, resume_display_name(upload.name, kind)


def resume_copy(*, name: str, display_name: str, folder: str) -> tuple[str, str]:
    """A copy of a stored resume under a new random name in `folder`; returns (storage name, name to show)."""
    kind = resume_kind_of(name)
    with private_storage.open(name, "rb") as source:
        copy = private_storage.save(resume_storage_name(folder=folder, kind=kind), File(source))
    return copy, display_name or f"resume.{kind.extension}"


def resume_files_delete(names: Iterable[str]) -> None:
    for name in names:
        if name:
            try:
                private_storage.delete(name)
            except (OSError, BotoCoreError, ClientError):  # the store refuses: never fail the request over a leftover
                logger.warning("Could not delete private file %s", name, exc_info=True)


def resume_files_delete_on_commit(names: list[str]) -> None:
    """Delete the files once the transaction that stopped pointing at them commits (never before: a rollback
    would leave rows pointing at missing files)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: resume_files_delete(names))


def resume_response(*, name: str, display_name: str) -> FileResponse:
    """A stored resume as a download: the right type, a safe name, and no sniffing, framing or caching."""
    kind = resume_kind_of(name)
    try:
        handle = private_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("The file is no longer available.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=display_name or f"resume.{kind.extension}", content_type=kind.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
