"""What the keywords box means: the text a searcher typed, read into one PostgreSQL tsquery.

The syntax is the web search syntax of PostgreSQL's websearch_to_tsquery, read here rather than there so that
the query can say more than the words typed:
- words are all wanted (stemmed English: "nights" finds "night"); `or` between two words wants either;
  `-word` (or `-"a phrase"`) wants postings without it; a quoted phrase wants its words next to each other;
- a hyphenated word is found written apart, joined or hyphenated: `mail-order` finds "mail order",
  "mailorder" and "mail-order";
- the short forms and expansions of `vocabulary.VOCABULARY` find each other: `ltc` finds "long-term care", and
  `rx tech` finds "pharmacy technician" (a quoted phrase is taken as typed, without the vocabulary);
- a query of one word with a digit in it ("REQ-1001") also finds the posting with that reference, exactly.
Text without a letter or digit ("", `*`, `""`) is no keywords at all: the search browses (`searchable`).

The query is built in SQL from tsquery functions and operators of core PostgreSQL: each word or phrase is a
`phraseto_tsquery('english', ...)` (which drops stop words and stems as the postings' documents do), joined by
`&&`, `||` and `!!`. `KeywordQuery.query` is that expression for the ORM; `tsquery_text` is the same query as
the text of a tsquery, which job alerts store, so an alert matches exactly what its search finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db import connection
from django.db.models import Func

from .vocabulary import VOCABULARY

# A letter or digit: text without one has no keywords ("*", '""').
WORD_CHARACTER = re.compile(r"[^\W_]")
# Punctuation inside a word that the parser of PostgreSQL turns into a phrase ("x-ray", "i.v.", "24/7").
INNER_PUNCTUATION = re.compile(r"\w[^\w\s]+\w")
# In the text as typed: a negation (a minus that does not follow a letter or digit: "-remote", not "x-ray"), an
# alternative ("nights or weekends") and a quoted phrase (the planner's estimates read them).
NEGATION = re.compile(r"(?<!\w)-")
DISJUNCTION = re.compile(r"(?i)(?<!\w)or(?!\w)")
PHRASE = re.compile(r'"([^"]*)"')
# The longest vocabulary form, in words.
LONGEST_FORM = 5


def searchable(text: str) -> bool:
    """Whether the text has anything to search for: a letter or a digit."""
    return bool(WORD_CHARACTER.search(text or ""))


# -- The query as a tree --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A part of the query: "leaf" (words, found as a phrase), "lexeme" (one exact lexeme, for a reference),
    "and", "or", "not"."""

    kind: str
    text: str = ""
    children: tuple[Node, ...] = ()


def _leaf(text: str) -> Node:
    return Node("leaf", text=text)


def _any(nodes: list[Node]) -> Node:
    """Either node; a form spelled as typed ("CPhT", "cpht") is asked once."""
    unique: dict[tuple, Node] = {}
    for child in (child for node in nodes for child in _children(node, "or")):
        key = (child.kind, child.text.lower() if child.text.isascii() else child.text, child.children)
        unique.setdefault(key, child)
    children = tuple(unique.values())
    return children[0] if len(children) == 1 else Node("or", children=children)


def _all(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Node("and", children=tuple(nodes))


def _render(node: Node, mode: str) -> tuple[str, list] | None:
    """The node as SQL. `mode`: "match" (as the search means it), "words" (each phrase as its words anywhere:
    a looser query, for an index scan that a row test then narrows), "title" (every "and" as "followed by",
    negations left out: the whole query as a phrase, for ranking). None: nothing left (a "title" of negations)."""
    if node.kind == "leaf":
        function = "plainto_tsquery" if mode == "words" else "phraseto_tsquery"
        return f"{function}('english'::regconfig, %s)", [node.text]
    if node.kind == "lexeme":
        return "lower(%s)::tsquery", [node.text]
    if node.kind == "not":
        if mode == "title":
            return None
        inner = _render(node.children[0], mode)
        return f"!!({inner[0]})", inner[1]
    sqls, params = [], []
    for child in node.children:
        part = _render(child, mode)
        if part is not None:
            sqls.append(f"({part[0]})")
            params += part[1]
    if not sqls:
        return None
    operator = {"or": " || ", "and": " <-> " if mode == "title" else " && "}[node.kind]
    return operator.join(sqls), params


# -- Reading the text -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A word or a quoted phrase as typed, or an `or`."""

    text: str
    quoted: bool = False
    negated: bool = False
    is_or: bool = False

    @cached_property
    def parts(self) -> tuple[str, ...]:
        """The word as the vocabulary compares it: lower case, without dots, split at hyphens, without the
        punctuation around it ("(I.V.)" -> ("iv",), "Long-Term" -> ("long", "term"))."""
        return _normalized(self.text)


def _normalized(text: str) -> tuple[str, ...]:
    words = text.lower().replace(".", "").replace("-", " ").split()
    return tuple(stripped for word in words if (stripped := re.sub(r"^[\W_]+|[\W_]+$", "", word)))


TOKEN = re.compile(r'(?P<negated>-+)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


def _tokens(text: str) -> list[Token]:
    tokens = []
    for match in TOKEN.finditer(text):
        # A minus negates at the start of a token only ("x-ray" is a word, "-remote" a negation).
        start = match.start()
        negated = bool(match["negated"]) and (start == 0 or text[start - 1].isspace())
        if match["phrase"] is not None:
            if searchable(match["phrase"]):
                tokens.append(Token(match["phrase"], quoted=True, negated=negated))
            continue
        word = match["word"] if negated or not match["negated"] else match["negated"] + match["word"]
        if word.lower() == "or" and not negated:
            tokens.append(Token(word, is_or=True))
        elif searchable(word):
            tokens.append(Token(word, negated=negated))
    return tokens


# -- The vocabulary ---------------------------------------------------------------------------------------------


@cache
def _forms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """{a form's words: everything it finds}: its entries' forms and what they stand for, the form first."""
    found: dict[tuple[str, ...], list[str]] = {}
    for entry in VOCABULARY:
        for form in entry.forms:
            found.setdefault(_normalized(form), [form]).extend([*entry.forms, *entry.also])
    return {words: tuple(dict.fromkeys(alternatives)) for words, alternatives in found.items()}


def _alternatives(parts: tuple[str, ...]) -> tuple[str, ...]:
    """What these words find as a vocabulary form (nothing when they are not one); the last word may be a
    plural ("techs", "prior authorizations")."""
    forms = _forms()
    if parts in forms:
        return forms[parts]
    last = parts[-1] if parts else ""
    for ending in ("s", "es"):
        if last.endswith(ending) and (singular := (*parts[:-1], last[: -len(ending)])) in forms:
            return forms[singular]
    return ()


def _word(token: Token) -> Node:
    """A word as typed: hyphenated, it is found written apart, joined or as typed."""
    parts = token.parts
    if not token.quoted and "-" in token.text and len(parts) > 1:
        return _any([_leaf(" ".join(parts)), _leaf("".join(parts)), _leaf(token.text)])
    return _leaf(token.text)


def _run(tokens: list[Token], *, multiword: bool) -> list[Node]:
    """Words typed one after another, each found as itself or as what the vocabulary gives it; where
    consecutive words make a form ("pharm tech", "long term care"), also as its other forms (longest first).
    `multiword` False: one word at a time (a negation, a word beside an `or`)."""
    nodes, start = [], 0
    while start < len(tokens):
        longest = min(len(tokens) - start, LONGEST_FORM if multiword else 1)
        for length in range(longest, 0, -1):
            words = tokens[start : start + length]
            alternatives = _alternatives(tuple(part for token in words for part in token.parts))
            if alternatives or length == 1:
                break
        if length == 1:
            typed = _word(words[0])
        else:  # each word as it finds on its own; a form that only says these words over is left out
            typed = _all([node for token in words for node in _run([token], multiword=False)])
            alternatives = tuple(form for form in alternatives if not _said_by(form, words))
        nodes.append(_any([typed, *(_leaf(form) for form in alternatives)]))
        start += length
    return nodes


def _said_by(form: str, words: list[Token]) -> bool:
    """Whether the words typed, each as itself or a one-word form of it, find every posting the form (a phrase)
    finds: "pharmacy tech" says "pharm technician" already, but not "rx tech"."""
    form_words = _normalized(form)
    if len(form_words) != len(words) or any(len(token.parts) != 1 for token in words):
        return False
    for word, token in zip(form_words, words, strict=True):
        own = {token.parts} | {_normalized(alternative) for alternative in _alternatives(token.parts)}
        if (word,) not in own:
            return False
    return True


@lru_cache(maxsize=2048)
def keyword_query(text: str) -> KeywordQuery:
    """The query a searcher means by `text` (see the module's docstring)."""
    tokens = _tokens(text)
    terms: list[Node] = []  # each wanted for the whole query; an "or" joins two into one
    pending_or = False
    run: list[Token] = []

    def flush(*, before_or: bool) -> None:
        # A word beside an "or" is one side of it: it takes no part in a form of several words.
        if not run:
            return
        words = list(run)
        run.clear()
        tail = [words.pop()] if before_or else []
        add(_run(words, multiword=True) + _run(tail, multiword=False))

    def add(nodes: list[Node]) -> None:
        nonlocal pending_or
        for node in nodes:
            if pending_or and terms:
                previous = terms.pop()
                node = _any([previous, node])
            terms.append(node)
            pending_or = False

    for token in tokens:
        if token.is_or:
            flush(before_or=True)
            pending_or = bool(terms)
            continue
        if token.quoted or token.negated:
            flush(before_or=False)
            node = _leaf(token.text) if token.quoted else _run([token], multiword=False)[0]
            add([Node("not", children=(node,)) if token.negated else node])
        elif pending_or:
            add(_run([token], multiword=False))
        else:
            run.append(token)
    flush(before_or=False)
    plain = [token for token in tokens if not token.is_or]
    if len(plain) == 1 and not plain[0].quoted and not plain[0].negated and re.search(r"\d", plain[0].text):
        # An employer's reference, typed whole: the document holds it as one lexeme (see migration 0019).
        lexeme = "'" + plain[0].text.replace("\\", "\\\\").replace("'", "''") + "'"
        terms = [_any([terms[0], Node("lexeme", text=lexeme)])]
    return KeywordQuery(text=text, tree=_all(terms) if terms else None)


def _children(node: Node, kind: str) -> tuple[Node, ...]:
    return node.children if node.kind == kind else (node,)


# -- The query for the ORM --------------------------------------------------------------------------------------


# One field for every query: building a Field costs more than the rest of a query's expression.
TSQUERY_FIELD = SearchQueryField()


class TsQuery(SearchQuery):
    """A tsquery written in SQL, usable wherever Django takes a SearchQuery (`search_vector=...`, SearchRank)."""

    def __init__(self, sql: str, params: tuple):
        Func.__init__(self, output_field=TSQUERY_FIELD)
        self.sql, self.params, self.invert, self.config = sql, tuple(params), False, None

    def as_sql(self, compiler, connection, **extra):
        return f"({self.sql})", list(self.params)


NOTHING = TsQuery("''::tsquery", ())


@dataclass(frozen=True)
class KeywordQuery:
    text: str
    tree: Node | None

    def _query(self, mode: str) -> TsQuery | None:
        rendered = None if self.tree is None else _render(self.tree, mode)
        return None if rendered is None else TsQuery(rendered[0], tuple(rendered[1]))

    @cached_property
    def query(self) -> TsQuery:
        """Every posting the searcher means."""
        return self._query("match") or NOTHING

    @cached_property
    def words(self) -> TsQuery:
        """Each phrase as its words anywhere: matches at least what `query` matches (without negations)."""
        return self._query("words") or NOTHING

    @cached_property
    def title_phrase(self) -> TsQuery | None:
        """The wanted words (or their vocabulary forms) one after another, as one phrase: what a title that
        says exactly what was searched for matches."""
        return self._query("title")

    @cached_property
    def negated(self) -> bool:
        return self.tree is not None and _has(self.tree, lambda node: node.kind == "not")

    @cached_property
    def has_phrase(self) -> bool:
        """Whether a part may be a phrase of several words, which an index cannot tell from the words alone."""
        return self.tree is not None and _has(
            self.tree, lambda node: node.kind == "leaf" and (" " in node.text.strip() or bool(
                INNER_PUNCTUATION.search(node.text)))
        )  # fmt: skip

    @cached_property
    def typed_words(self) -> tuple[str, ...]:
        """The words typed and wanted, outside quotes, as typed (what "did you mean" may correct)."""
        return tuple(t.text for t in _tokens(self.text) if not (t.is_or or t.quoted or t.negated))


def _has(node: Node, test) -> bool:
    return test(node) or any(_has(child, test) for child in node.children)


def tsquery_text(text: str) -> str | None:
    """The query as a tsquery's text, as PostgreSQL computes it: what an alert stores. None: no keywords."""
    if not searchable(text):
        return None
    sql, params = keyword_query(text).query.sql, keyword_query(text).query.params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0]
