"""The text side of full-text search, in pure Python: the query syntax, the words a text
is indexed under on SQLite, the searchable text of typed field values, and the snippet
highlighter SQLite uses. PostgreSQL does its own tokenizing and stemming
(`search_postgres`); this module makes SQLite's FTS5 index and queries behave alike.

The query syntax is PostgreSQL's `websearch_to_tsquery`: words are all required,
`"quoted words"` must appear in that order, `-word` or `-"a phrase"` must not appear,
and `or` between words separates alternatives, each of them a group of required words
(`a b or c` is `(a and b) or c`). Nothing a user types is a syntax error."""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import snowballstemmer  # type: ignore[import-untyped]
from django.utils.html import escape

from tique.tickets.search_stopwords import ENGLISH, SPANISH

Language = Literal["es", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "en")
MAX_QUERY_LENGTH = 200

# What is a word: letters and digits of any script (never "_"); everything else separates.
_WORD = re.compile(r"[^\W_]+")
# Letters that do not decompose into a base letter and an accent (unaccent.rules does
# the same for these).
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})
_SNOWBALL = {"es": "spanish", "en": "english"}
_local = threading.local()


def language_of(code: str | None) -> Language:
    """A ticket's search language: English for `en…`, Spanish for anything else."""
    return "en" if (code or "").lower().startswith("en") else "es"


def unaccent(text: str) -> str:
    """`teléfono` → `telefono`, `ñ` → `n`, `ü` → `u` (lower-case input)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _stemmer(language: Language) -> Any:
    # Snowball stemmers keep state while stemming a word: one per thread.
    stemmers: dict[str, Any] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_SNOWBALL[language])
    return stemmers[language]


def _stem(language: Language, word: str) -> str:
    if not word.isalpha():
        return word  # numbers, and codes such as "1a" or "b12345674", are kept whole
    return str(_stemmer(language).stemWord(word))


def is_stopword(language: Language, word: str) -> bool:
    folded = unaccent(word.lower())
    stopwords = SPANISH_FOLDED if language == "es" else ENGLISH_FOLDED
    return folded in stopwords


SPANISH_FOLDED = frozenset(unaccent(word) for word in SPANISH)
ENGLISH_FOLDED = frozenset(unaccent(word) for word in ENGLISH)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    stem: str


def tokens(language: Language, text: str) -> Iterator[Token]:
    """The words of `text` with their places and the stems they are indexed under
    (lower-cased, unaccented, then stemmed: PostgreSQL's `es_unaccent` order)."""
    for match in _WORD.finditer(text):
        folded = unaccent(match.group().lower())
        # Unaccenting can split a word ("ǆ" → "dz" is fine, but a lone combining mark
        # leaves nothing): keep whatever letters and digits are left.
        for piece in _WORD.findall(folded):
            yield Token(match.start(), match.end(), _stem(language, piece))


def stem_text(language: str | None, text: str | None) -> str:
    """What SQLite's FTS5 tables store for a text: its stems, one per word, in order (so
    that phrases still match). Registered on every SQLite connection."""
    if not text:
        return ""
    return " ".join(token.stem for token in tokens(language_of(language), text))


# --- Typed field values ------------------------------------------------------------------

_SPANISH_E164 = re.compile(r"^\+34(\d{9})$")
_MAC = re.compile(r"^(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$")


def _field_piece(value: str) -> str:
    """One stored value as searchable text, with the forms people type it in: a Spanish
    number also without +34, a MAC address also without colons, an extension without
    its `ext:` prefix. `search_postgres.FIELD_FUNCTIONS` does the same in SQL."""
    if value.startswith("ext:"):
        return value[4:]
    if match := _SPANISH_E164.match(value):
        return f"{value} {match.group(1)}"
    if _MAC.match(value):
        return f"{value} {value.replace(':', '')}"
    return value


def hidden_fields(specs: Any) -> set[str]:
    """The names of the sensitive fields of a kind (bank data): never indexed, so never
    found nor shown in a snippet. An IBAN field is sensitive unless it says otherwise."""
    hidden = set()
    for spec in specs if isinstance(specs, list) else []:
        if not isinstance(spec, Mapping):
            continue
        sensitive = spec["sensitive"] if "sensitive" in spec else spec.get("type") == "iban"
        if sensitive and isinstance(spec.get("name"), str):
            hidden.add(spec["name"])
    return hidden


def fields_text(fields: Any, kind_fields: Any) -> str:
    """The searchable text of a ticket's typed values: every text or number value (list
    items one by one, number ranges as both ends), sensitive fields left out."""
    fields, kind_fields = _json(fields), _json(kind_fields)
    if not isinstance(fields, Mapping):
        return ""
    hidden = hidden_fields(kind_fields)
    pieces: list[str] = []
    for name in sorted(fields):
        if name in hidden:
            continue
        value = fields[name]
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                continue
            pieces.extend(_field_piece(piece) for piece in str(item).split(".."))
    return " ".join(pieces)


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


# --- Queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # as typed, without its quotes or minus sign
    phrase: bool = False
    negated: bool = False


Group = tuple[Term, ...]


@dataclass(frozen=True)
class Query:
    """Alternatives (`or`), each a group of terms that must all hold. Every group has at
    least one term that is not negated: a group of exclusions alone would match nearly
    everything, so it is dropped."""

    groups: tuple[Group, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def for_language(self, language: Language) -> Query:
        """The query without the terms made only of stop words, in Spanish or in English
        (people mix them: `de` or `the` alone searches nothing in either)."""
        groups = []
        for group in self.groups:
            kept = tuple(term for term in group if _has_content(term))
            if any(not term.negated for term in kept):
                groups.append(kept)
        return Query(tuple(groups))

    def websearch(self) -> str:
        """The query rewritten in `websearch_to_tsquery` syntax, normalized."""
        return " or ".join(" ".join(_websearch_term(t) for t in g) for g in self.groups)

    def fts5(self, language: Language) -> str:
        """The query as an FTS5 MATCH expression over stemmed text: every word quoted, so
        nothing the user typed is read as FTS5 syntax."""
        alternatives = []
        for group in self.groups:
            required = [p for t in group if not t.negated if (p := _fts5_phrase(language, t))]
            excluded = [p for t in group if t.negated if (p := _fts5_phrase(language, t))]
            if not required:
                continue
            expression = "(" + " AND ".join(required) + ")"
            for phrase in excluded:
                expression = f"({expression} NOT {phrase})"
            alternatives.append(expression)
        return " OR ".join(alternatives)

    def highlight_stems(self, language: Language) -> set[str]:
        """The stems a snippet marks: those of the wanted words (not the excluded ones)."""
        stems: set[str] = set()
        for group in self.groups:
            for term in group:
                if not term.negated:
                    stems.update(
                        token.stem
                        for token in tokens(language, term.text)
                        if term.phrase
                        or not is_stopword(language, term.text[token.start : token.end])
                    )
        return stems


def _websearch_term(term: Term) -> str:
    text = f'"{term.text}"' if term.phrase else term.text
    return f"-{text}" if term.negated else text


def _has_content(term: Term) -> bool:
    words = _WORD.findall(term.text)
    return any(not is_stopword("es", word) and not is_stopword("en", word) for word in words)


def _fts5_phrase(language: Language, term: Term) -> str:
    stems = [token.stem for token in tokens(language, term.text)]
    return '"' + " ".join(stem.replace('"', '""') for stem in stems) + '"' if stems else ""


# Phone numbers typed with spaces ("912 345 678", "+34 912 34 56 78") are searched as
# one number, as they are stored; MAC addresses in any notation as 12 hex digits.
_SPACED_NUMBER = re.compile(r"(?<![\w+])\+?\d{2,4}(?: \d{2,4}){1,5}(?!\w)")
_ANY_MAC = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}([:\-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f])"
    r"|(?<![0-9A-Fa-f.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f])"
)


def _join_number(match: re.Match[str]) -> str:
    digits = match.group().replace(" ", "")
    return digits if 9 <= len(digits.lstrip("+")) <= 15 else match.group()


def normalize(text: str) -> str:
    text = text.replace("\x00", "")
    text = _SPACED_NUMBER.sub(_join_number, text)
    return _ANY_MAC.sub(lambda m: re.sub(r"[:\-.]", "", m.group()).upper(), text)


def parse(text: str) -> Query:
    """Read a search box's text; never fails (unbalanced quotes close at the end)."""
    text = normalize(text[: MAX_QUERY_LENGTH * 2])
    groups: list[list[Term]] = [[]]
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        negated = False
        if char == "-" and i + 1 < size and not text[i + 1].isspace():
            negated = True
            while i < size and text[i] == "-":
                i += 1
            if i >= size:
                break
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = size if end == -1 else end
            words = text[i + 1 : end].split()
            i = end + 1
            if words:
                groups[-1].append(Term(" ".join(words), phrase=True, negated=negated))
            continue
        end = i
        while end < size and not text[end].isspace() and text[end] != '"':
            end += 1
        word, i = text[i:end].lstrip("-"), end
        if not negated and word.lower() == "or":
            groups.append([])
        elif _WORD.search(word):
            groups[-1].append(Term(word, negated=negated))
    return Query(tuple(tuple(group) for group in groups if any(not term.negated for term in group)))


# --- Snippets (SQLite; PostgreSQL uses ts_headline) -----------------------------------------

SNIPPET_WORDS = 24
SNIPPET_BEFORE = 6


def highlight(language: Language, text: str, stems: set[str]) -> str | None:
    """A short, HTML-escaped extract of `text` around its first matching word, the
    matching words in <mark>; None when no word of `text` matches."""
    found = list(tokens(language, text))
    hits = [i for i, token in enumerate(found) if token.stem in stems]
    if not hits:
        return None
    first = max(hits[0] - SNIPPET_BEFORE, 0)
    last = min(first + SNIPPET_WORDS, len(found)) - 1
    marked = set(hits)
    parts = ["… " if first > 0 else ""]
    position = found[first].start if first > 0 else 0
    for i in range(first, last + 1):
        token = found[i]
        if token.start < position:  # a second stem of the same word
            continue
        parts.append(escape(text[position : token.start]))
        word = escape(text[token.start : token.end])
        parts.append(f"<mark>{word}</mark>" if i in marked else word)
        position = token.end
    parts.append(" …" if last < len(found) - 1 else escape(text[position:]))
    return "".join(parts)
