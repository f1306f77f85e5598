from django.utils.functional import SimpleLazyObject


def saved_postings(request) -> dict:
    """`saved_posting_ids`: the postings the signed-in user saved, for the save buttons on job cards.

    Lazy, so only a page that renders a card for a signed-in user pays its one query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"saved_posting_ids": frozenset()}

    def load() -> frozenset[int]:
        from .models import SavedJob

        return frozenset(SavedJob.objects.for_user(user).values_list("posting_id", flat=True))

    return {"saved_posting_ids": SimpleLazyObject(load)}
