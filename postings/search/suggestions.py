"""Did you mean: a correction for a typed word that no open posting uses, from the words that postings do.

The words come from PostgreSQL's `ts_stat` over the text of the newest open postings' search documents (title,
employer, duties, systems, description), kept in `SearchWord` and rebuilt by a beat task (`search_words_refresh`):
as written (lower case, so a suggestion reads as a word, "compounding", not as its stem "compound"), with the
stem the search matches them by and how many of those postings use them. A suggestion is only offered (a link),
never searched instead.

A word is corrected when no open posting has its stem (asked of the search index itself, so always current), to
the word of the table nearest by edit distance (Damerau-Levenshtein, in Python: core PostgreSQL has none without
the fuzzystrmatch extension), among the words that start with the same letter and are about as long (chosen in
SQL by the `search_word_by_length` index, a few hundred at most), the most used first on a tie.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models.functions import Length

from ..models import SearchWord
from .keywords import keyword_query
from .vocabulary import VOCABULARY

# The postings the words are read from: the newest open ones, so that a rebuild costs the same at any size
# (parsing 20,000 postings' text takes about 10 s of one core); a word too rare to be in any of them is rarely
# the one a searcher meant.
WORDS_FROM_POSTINGS = 20_000
# Words shorter than this are not corrected: too many words are one edit away from "rn" or "pa".
MIN_LENGTH = 4
# Words are corrected and suggested only when made of letters: numbers and codes are not misspellings.
LETTERS = re.compile(r"^[^\W\d_]+$")


def max_distance(word: str) -> int:
    """The edits allowed: one up to 5 letters ("tech"), two up to 11 ("techncian", "compunding"), then three."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 11 else 3


REFRESH_SQL = """
INSERT INTO postings_searchword (word, lexeme, postings)
SELECT stat.word, lexeme, stat.ndoc
FROM ts_stat($$
    SELECT to_tsvector('simple', concat_ws(' ', p.title, e.name, replace(array_to_string(p.duties, ' '), '-', ' '),
                                           array_to_string(p.systems, ' '), p.description))
    FROM (
        SELECT * FROM postings_posting
        WHERE status = 'published' AND expires_at > now() ORDER BY published_at DESC LIMIT %(postings)s
    ) p JOIN employers_employer e ON e.id = p.employer_id
$$) AS stat
CROSS JOIN LATERAL (SELECT (tsvector_to_array(to_tsvector('english', stat.word)))[1] AS lexeme) AS stem
WHERE lexeme IS NOT NULL AND length(stat.word) BETWEEN %(shortest)s AND %(longest)s AND stat.word ~ '^[[:alpha:]]+$'
"""


@transaction.atomic
def search_words_refresh() -> int:
    """Rebuild the table of words from the open postings; returns the number of words. Readers see the old
    table until this commits (no TRUNCATE, which would block them)."""
    longest = SearchWord._meta.get_field("word").max_length
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM postings_searchword")
        cursor.execute(REFRESH_SQL, {"shortest": MIN_LENGTH - 1, "longest": longest, "postings": WORDS_FROM_POSTINGS})
        return cursor.rowcount


def did_you_mean(text: str) -> str | None:
    """The keywords with each word that no open posting uses replaced by its nearest word that some do; None
    when there is nothing to correct. Two queries, the second only for a word in no posting."""
    vocabulary = {word for entry in VOCABULARY for form in (*entry.forms, *entry.also) for word in form.split()}
    typed = [
        word
        for word in dict.fromkeys(keyword_query(text).typed_words)
        if LETTERS.match(word) and len(word) >= MIN_LENGTH and word.lower() not in vocabulary
    ]
    unknown = _unknown([word.lower() for word in typed])
    if not unknown:
        return None
    corrected = text
    for word in typed:
        replacement = _nearest(word.lower()) if word.lower() in unknown else None
        if replacement is not None:
            corrected = re.sub(rf"(?<![^\s\"]){re.escape(word)}(?![^\s\"])", replacement, corrected, count=1)
    return corrected if corrected != text else None


# Whether a word is in no open posting: a look-up in the search index, the word's query a constant that
# PostgreSQL plans with its statistics (a column of words would not be).
UNKNOWN_SQL = """numnode(plainto_tsquery('english', %s)) > 0 AND NOT EXISTS (
    SELECT 1 FROM postings_posting p WHERE p.search_vector @@ plainto_tsquery('english', %s)
    AND p.status = 'published' AND p.expires_at > now())"""


def _unknown(words: list[str]) -> set[str]:
    """The words whose stem no open posting has, asked of the search index (stop words have no stem, and are
    never unknown). One query."""
    if not words:
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([UNKNOWN_SQL] * len(words)), [word for word in words for _ in (1, 2)])
        return {word for word, unknown in zip(words, cursor.fetchone(), strict=True) if unknown}


def _nearest(word: str) -> str | None:
    most = max_distance(word)
    first, after = word[0], chr(ord(word[0]) + 1)
    candidates = (
        SearchWord.objects.alias(length=Length("word"))
        .filter(length__range=(len(word) - most, len(word) + most), word__gte=first, word__lt=after)
        .values_list("word", "postings")
    )
    best = None
    for candidate, postings in candidates:
        distance = edit_distance(word, candidate, most)
        if distance <= most and (best is None or (distance, -postings) < best[:2]):
            best = (distance, -postings, candidate)
    return None if best is None else best[2]


def edit_distance(a: str, b: str, most: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a swap of neighbours is one edit), or more than
    `most` as soon as it must be."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > most:
            return most + 1
        previous2, previous = previous, current
    return previous[-1]
