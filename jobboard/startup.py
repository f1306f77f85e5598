"""What a long-running web process does once, before it serves its first request."""

import gc

from django.urls import get_resolver


def freeze_startup_objects() -> None:
    """Load every view (and with them the models, forms, filters and their choice lists), then move every object
    that exists so far out of the garbage collector's sight.

    Those objects live as long as the process, yet Python's full collections walk all of them: about 90,000
    here, ~50 ms on these machines, paid by whichever request triggers it (the slow sample seen in every
    class of bench/search.py). Frozen, they are never walked again (see gc.freeze); the objects a request
    makes are still collected as usual.
    """
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and so every view module
    gc.freeze()
