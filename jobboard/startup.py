"""What a long-running web process does once, before it serves its first request."""

import gc
from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template.loader import get_template
from django.urls import get_resolver

FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"


def freeze_startup_objects() -> None:
    """Load every view (and with them the models, forms, filters and their choice lists) and compile every
    template of ours and of Django's form widgets, then move every object that exists so far out of the
    garbage collector's sight.

    Those objects live as long as the process, yet Python's full collections walk all of them: about
    100,000 here, ~50 ms on these machines, paid by whichever request triggers it (the slow sample seen in
    every class of bench/search.py). Frozen, they are never walked again (see gc.freeze); the objects a
    request makes are still collected as usual. Templates are compiled on first use otherwise, and would
    be walked by every full collection after that.
    """
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and so every view module
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.*")):
            get_template(path.relative_to(directory).as_posix())
    renderer = get_default_renderer()
    for path in sorted((FORM_TEMPLATES / "django" / "forms").rglob("*.html")):
        renderer.get_template(path.relative_to(FORM_TEMPLATES).as_posix())
    gc.freeze()
