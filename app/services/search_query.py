"""The search syntax readers type, read the same way on every engine: words, "exact phrases", -excluded words, or.

``parse`` turns what a reader typed into a ``SearchQuery``: alternatives joined by ``or``, each a list of terms that
must all match (or, for ``-term``, must not). The query is then written out once per engine, in a form that engine
cannot misread: every term quoted, so FTS5 operators typed by a reader (``NEAR(``, ``*``, ``col:``, ``^``) and
PostgreSQL's are searched as text. Both engines therefore agree on what a query means, including the cases
``websearch_to_tsquery`` alone would answer differently from FTS5 (a query of only ``-word``, stop words). For
people's names, the same terms are written with their last word as a prefix (``fts5_prefixes``, ``tsquery_prefixes``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..exceptions import N_, Invalid
from ..validation import STORABLE_RULE, is_storable

MAX_QUERY_LENGTH = 256

# PostgreSQL's English stop words (tsearch_data/english.stop): dropped on SQLite too, so "the" finds the same on both.
# Written as text, as that file is: a list literal of 127 strings would take 127 lines.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
    its itself they them their theirs themselves what which who whom this that these those am is are was were be been
    being have has had having do does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some such no nor not only
    own same so than too very s t can will just don should now
    """.split()  # noqa: SIM905
)

# What both engines' tokenizers take as words: runs of letters and digits.
WORD = re.compile(r"[^\W_]+")
# A phrase in double quotes (an unclosed one runs to the end), or a bare word; either may start with "-".
TOKEN = re.compile(r'(?P<minus>-?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    """A word or an exact phrase, as typed; ``excluded`` when a matching post must not have it."""

    text: str
    excluded: bool = False

    @property
    def words(self) -> list[str]:
        return WORD.findall(self.text.lower())

    @property
    def searchable(self) -> bool:
        """Whether the term holds a word the index keeps: not only punctuation, not only stop words."""
        return any(word not in STOP_WORDS for word in self.words)

    def quoted(self) -> str:
        """The term in double quotes: a string to FTS5, a phrase to ``websearch_to_tsquery`` (it holds no quote)."""
        return f'"{self.text}"'


@dataclass(frozen=True)
class SearchQuery:
    """Posts matching any of ``alternatives``; within one, every included term and none of the excluded ones."""

    alternatives: tuple[tuple[Term, ...], ...]

    def fts5(self) -> str:
        """The query in SQLite FTS5's syntax, every term a quoted string."""
        return fts5_query(self.alternatives, Term.quoted)

    def websearch(self) -> str:
        """The query in the syntax of PostgreSQL's ``websearch_to_tsquery``, every term in quotes."""
        return " or ".join(
            " ".join(("-" if term.excluded else "") + term.quoted() for term in terms) for terms in self.alternatives
        )

    def fts5_prefixes(self) -> str:
        """For names: the query in FTS5's syntax, each term's words in a row and its last word a prefix."""
        return fts5_query(self.alternatives, lambda term: f'"{" ".join(term.words)}"*')

    def tsquery_prefixes(self) -> str:
        """For names: the query in ``to_tsquery``'s syntax, each term's words in a row and its last word a prefix.

        Safe to hand to ``to_tsquery``: the words are letters and digits only.
        """

        def phrase(term: Term) -> str:
            return f"{' <-> '.join(term.words)}:*"

        return " | ".join(
            "("
            + " & ".join(f"({phrase(term)})" for term in terms if not term.excluded)
            + "".join(f" & !({phrase(term)})" for term in terms if term.excluded)
            + ")"
            for terms in self.alternatives
        )

    @property
    def included_terms(self) -> list[Term]:
        """The terms a match must have, from every alternative, in the order typed."""
        return [term for terms in self.alternatives for term in terms if not term.excluded]


def fts5_query(alternatives: tuple[tuple[Term, ...], ...], string: Callable[[Term], str]) -> str:
    """``("a" AND "b" NOT "c") OR ("d")``, each term written by ``string``; FTS5's NOT takes a left operand, so the
    excluded terms come last."""

    def alternative(terms: tuple[Term, ...]) -> str:
        included = " AND ".join(string(term) for term in terms if not term.excluded)
        return "".join([included, *(f" NOT {string(term)}" for term in terms if term.excluded)])

    return " OR ".join(f"({alternative(terms)})" for terms in alternatives)


def parse(text: str) -> SearchQuery:
    """Read a reader's query; ``Invalid``, with a message saying what to type instead, when nothing can be searched."""
    if not is_storable(text):
        raise invalid_query(N_("The search %(rule)s.", rule=STORABLE_RULE))
    if len(text) > MAX_QUERY_LENGTH:
        raise invalid_query(N_("Shorten the search to at most %(maximum)d characters.", maximum=MAX_QUERY_LENGTH))
    if not text.strip():
        raise invalid_query(N_("Type a word or a phrase to search for."))
    alternatives: list[list[Term]] = [[]]
    for match in TOKEN.finditer(text):
        phrase, word, excluded = match["phrase"], match["word"], bool(match["minus"])
        if word is not None and word.lower() == "or" and not excluded:
            alternatives.append([])
        else:
            alternatives[-1].append(Term(phrase if phrase is not None else word, excluded))
    kept = [
        tuple(term for term in terms if term.searchable)
        for terms in alternatives
        if any(term.searchable and not term.excluded for term in terms)
    ]
    if kept:
        return SearchQuery(tuple(kept))
    if any(term.searchable for terms in alternatives for term in terms):
        raise invalid_query(N_("Add a word to look for: a -word only leaves out the posts that have it."))
    raise invalid_query(
        N_("Type a word to search for: common words such as 'the' and punctuation alone are not searched.")
    )


def invalid_query(message: str) -> Invalid:
    """The refusal of a query that cannot be searched, as the message for the ``q`` field."""
    return Invalid(message, {"q": [message]})
