"""What every part of the demo data shares: the refusal to mix data sets, and the weighted draw."""

from __future__ import annotations

import random
from bisect import bisect


class DemoDataExists(Exception):
    """The database already has postings or demo accounts; seeding refuses rather than mixing data sets."""


def weighted(rng: random.Random, items: list, cum_weights: list[float]):
    return items[bisect(cum_weights, rng.random() * cum_weights[-1])]
